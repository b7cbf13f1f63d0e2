import type { EditOp } from "../config/edits.js"
import { isRecord } from "../isRecord.js"
import { valueAt } from "../valueAt.js"

/** The gateway flags `setup` and `onboard` take (the original's names). */
export interface SetupFlags {
  readonly port?: number | undefined
  readonly bind?: "loopback" | "lan" | "tailnet" | "auto" | "custom" | undefined
  readonly auth?: "token" | "password" | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
  /** `--gateway-token-ref-env <NAME>`: the token is read from that env var (stored as an env SecretRef). */
  readonly tokenRefEnv?: string | undefined
}

const ENV_REF_ID = /^[A-Z][A-Z0-9_]{0,127}$/

/** Why `--gateway-token-ref-env` cannot be used (the original's words), or undefined. */
export const tokenRefEnvProblem = (flags: SetupFlags, env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const name = flags.tokenRefEnv?.trim()
  if (name === undefined || name === "") return undefined
  if (!ENV_REF_ID.test(name)) return "Invalid --gateway-token-ref-env. Use an environment variable name like OPENCLAW_GATEWAY_TOKEN."
  if (flags.token !== undefined && flags.token.trim() !== "") return "Use either --gateway-token or --gateway-token-ref-env, not both. Prefer --gateway-token-ref-env to avoid writing plaintext tokens."
  if ((env[name] ?? "").trim() === "") return `Environment variable "${name}" is missing or empty. Export it first, then rerun openclaw onboard --non-interactive.`
  return undefined
}

/** What setup writes: the edits, the paths they set (for the report), whether it made a new token. */
export interface SetupPlan {
  readonly ops: ReadonlyArray<EditOp>
  readonly paths: ReadonlyArray<string>
  readonly generatedToken: boolean
}

const hasSecret = (value: unknown) => (typeof value === "string" && value.trim() !== "") || isRecord(value)

/**
 * The baseline a local gateway needs, keeping what the config already has: `gateway.mode: "local"`,
 * the flags given, and a shared secret (the given token or password, the configured one, else
 * `newToken`). Never touches anything else.
 */
export const planSetup = (authored: unknown, flags: SetupFlags, newToken: string): SetupPlan => {
  const edits: Array<[ReadonlyArray<string>, unknown]> = []
  const set = (path: ReadonlyArray<string>, value: unknown) => {
    if (valueAt(authored, ...path) !== value) edits.push([path, value])
  }
  set(["gateway", "mode"], "local")
  if (flags.port !== undefined) set(["gateway", "port"], flags.port)
  if (flags.bind !== undefined) set(["gateway", "bind"], flags.bind)
  const tokenRef = flags.tokenRefEnv?.trim() || undefined
  const mode = flags.auth ?? (flags.token !== undefined || tokenRef !== undefined ? "token" : flags.password !== undefined ? "password" : valueAt(authored, "gateway", "auth", "mode"))
  let generatedToken = false
  if (mode === "password") {
    set(["gateway", "auth", "mode"], "password")
    if (flags.password !== undefined) set(["gateway", "auth", "password"], flags.password)
  } else if (mode === "none" || mode === "trusted-proxy") {
    // An explicit choice of the user's: left as it is.
  } else {
    if (flags.auth !== undefined || tokenRef !== undefined || valueAt(authored, "gateway", "auth", "mode") === undefined) set(["gateway", "auth", "mode"], "token")
    if (tokenRef !== undefined) {
      const ref = { source: "env", provider: "default", id: tokenRef }
      if (JSON.stringify(valueAt(authored, "gateway", "auth", "token")) !== JSON.stringify(ref)) edits.push([["gateway", "auth", "token"], ref])
    } else if (flags.token !== undefined) set(["gateway", "auth", "token"], flags.token)
    else if (!hasSecret(valueAt(authored, "gateway", "auth", "token"))) {
      set(["gateway", "auth", "token"], newToken)
      generatedToken = true
    }
  }
  return {
    ops: edits.map(([path, value]) => ({ _tag: "Set", path, value, mode: "plain" })),
    paths: edits.map(([path]) => path.join(".")),
    generatedToken
  }
}
