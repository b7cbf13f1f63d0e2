/** Where the agent's `exec` runs: `tools.exec.host` (configured) and the call's `host` (requested). */
export type ExecTarget = "auto" | "sandbox" | "gateway" | "node"

export type ExecTargetDecision =
  | { readonly ok: true; readonly host: "gateway" | "node" }
  | { readonly ok: false; readonly message: string }

/** The original's texts, verbatim: tools match on them. */
export const SANDBOX_UNAVAILABLE = [
  "exec host=sandbox requires a sandbox runtime for this session.",
  "Enable sandbox mode (`agents.defaults.sandbox.mode=\"non-main\"` or `\"all\"`) or use host=auto/gateway/node."
].join("\n")
export const SANDBOX_REQUIRED_UNAVAILABLE = "This session requires a sandbox, but its sandbox runtime is unavailable."

/**
 * The original's target rule with no sandbox runtime (this version has none): a session that requires
 * a sandbox cannot run; a call may override the configured host only when that is `auto`; `auto`
 * means the gateway; `sandbox` is refused with the original's message.
 */
export const resolveExecTarget = (input: {
  readonly configured: ExecTarget
  readonly requested: ExecTarget | undefined
  readonly sandboxRequired: boolean
}): ExecTargetDecision => {
  if (input.sandboxRequired) return { ok: false, message: SANDBOX_REQUIRED_UNAVAILABLE }
  const requested = input.requested === "auto" ? undefined : input.requested
  if (requested !== undefined && requested !== input.configured && input.configured !== "auto") {
    const allowed = [...new Set([requested, "auto"])].join(" or ")
    return {
      ok: false,
      message: `exec host not allowed (requested ${requested}; configured host is ${input.configured}; set tools.exec.host=${allowed} to allow this override).`
    }
  }
  const selected = requested ?? input.configured
  if (selected === "sandbox") return { ok: false, message: SANDBOX_UNAVAILABLE }
  return { ok: true, host: selected === "node" ? "node" : "gateway" }
}

/**
 * `agents.defaults.sandbox.mode` (a section this version keeps but does not run): `all` sandboxes every
 * session, `non-main` every session but the agent's main one.
 */
export const sandboxRequired = (config: unknown, sessionKey: string): boolean => {
  const mode = (config as { agents?: { defaults?: { sandbox?: { mode?: unknown } } } } | undefined)?.agents?.defaults?.sandbox?.mode
  if (mode === "all") return true
  return mode === "non-main" && !/^agent:[^:]+:main$/.test(sessionKey)
}
