import type { ApprovalsFile } from "./document.js"
import { BUILT_IN } from "./document.js"
import { requestedPolicy, stricterAsk, stricterSecurity } from "./policy.js"

export const PRECEDENCE_NOTE = "Effective exec policy is the host approvals policy intersected with requested tools.exec policy. Per-session /exec overrides are not included; run /exec in the relevant session to inspect its current defaults."

/** `effectivePolicy` of `approvals get --json`: requested (config), host (document), effective, and why. */
export const effectivePolicyReport = (config: unknown, file: ApprovalsFile, agentId = "main") => {
  const requested = requestedPolicy(config)
  const own = file.agents?.[agentId]
  const any = file.agents?.["*"]
  const hostSecurity = own?.security ?? any?.security ?? file.defaults?.security
  const hostAsk = own?.ask ?? any?.ask ?? file.defaults?.ask
  const hostFallback = own?.askFallback ?? any?.askFallback ?? file.defaults?.askFallback
  const source = (value: unknown, path: string) => (own !== undefined && (own as Record<string, unknown>)[path] !== undefined ? `agents.${agentId}.${path}` : any !== undefined && (any as Record<string, unknown>)[path] !== undefined ? `agents.*.${path}` : value === undefined ? "inherits requested tool policy" : `defaults.${path}`)
  const security = stricterSecurity(requested.security, hostSecurity ?? requested.security)
  const ask = stricterAsk(requested.ask, hostAsk ?? requested.ask)
  const execConfig = (config as { tools?: { exec?: { host?: unknown } } } | undefined)?.tools?.exec
  return {
    scopes: [{
      scopeLabel: "tools.exec",
      configPath: "tools.exec",
      agentId,
      host: { requested: typeof execConfig?.host === "string" ? execConfig.host : "auto", requestedSource: typeof execConfig?.host === "string" ? "tools.exec.host" : "OpenClaw default (auto)" },
      mode: {
        requested: requested.security === "full" ? "full" : requested.security === "deny" ? "deny" : requested.ask === "off" ? "allowlist" : "ask",
        requestedSource: `derived from ${requested.securitySource} and ${requested.askSource}`,
        effective: security === "full" ? "full" : security === "deny" ? "deny" : ask === "off" ? "allowlist" : "ask",
        note: security === requested.security && ask === requested.ask ? "requested mode applies" : "host approvals narrow the requested mode"
      },
      security: {
        requested: requested.security,
        requestedSource: requested.securitySource,
        host: hostSecurity ?? requested.security,
        hostSource: source(hostSecurity, "security"),
        effective: security,
        note: security === requested.security ? "requested security applies" : "host security applies"
      },
      ask: {
        requested: requested.ask,
        requestedSource: requested.askSource,
        host: hostAsk ?? requested.ask,
        hostSource: source(hostAsk, "ask"),
        effective: ask,
        note: ask === requested.ask ? "requested ask applies" : "host ask applies"
      },
      askFallback: { effective: hostFallback ?? BUILT_IN.askFallback, source: hostFallback === undefined ? "OpenClaw default (deny)" : source(hostFallback, "askFallback") },
      allowedDecisions: ["allow-once", "allow-always", "deny"]
    }],
    note: PRECEDENCE_NOTE
  }
}
export type EffectivePolicyReport = ReturnType<typeof effectivePolicyReport>
