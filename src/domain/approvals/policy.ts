import type { Analysis, Segment } from "./shellAnalysis.js"
import type { AllowlistEntry, Ask, AskFallback, Decision, HostPolicy, Security } from "./document.js"
import { expandHome, globMatches } from "./glob.js"

const SECURITY_ORDER: ReadonlyArray<Security> = ["deny", "allowlist", "full"]
const ASK_ORDER: ReadonlyArray<Ask> = ["off", "on-miss", "always"]

/** The stricter of two security levels (`deny` < `allowlist` < `full`). */
export const stricterSecurity = (a: Security, b: Security): Security =>
  SECURITY_ORDER.indexOf(a) <= SECURITY_ORDER.indexOf(b) ? a : b
/** The stricter of two ask modes (`always` asks most). */
export const stricterAsk = (a: Ask, b: Ask): Ask => (ASK_ORDER.indexOf(a) >= ASK_ORDER.indexOf(b) ? a : b)

/** What the config (`tools.exec`) asks for, and where each value came from. */
export interface RequestedPolicy {
  readonly security: Security
  readonly ask: Ask
  readonly securitySource: string
  readonly askSource: string
  readonly strictInlineEval: boolean
}

const MODE_POLICY: Readonly<Record<string, { readonly security: Security; readonly ask: Ask }>> = {
  deny: { security: "deny", ask: "off" },
  allowlist: { security: "allowlist", ask: "off" },
  ask: { security: "allowlist", ask: "on-miss" },
  auto: { security: "allowlist", ask: "on-miss" },
  full: { security: "full", ask: "off" }
}

const isSecurity = (v: unknown): v is Security => v === "deny" || v === "allowlist" || v === "full"
const isAsk = (v: unknown): v is Ask => v === "off" || v === "on-miss" || v === "always"

/** `tools.exec.mode` (or the retired `security`/`ask` pair) read from a config of any shape. */
export const requestedPolicy = (config: unknown): RequestedPolicy => {
  const exec = (config as { tools?: { exec?: Record<string, unknown> } } | undefined)?.tools?.exec ?? {}
  const mode = typeof exec["mode"] === "string" ? MODE_POLICY[exec["mode"]] : undefined
  const security = isSecurity(exec["security"]) ? exec["security"] : mode?.security
  const ask = isAsk(exec["ask"]) ? exec["ask"] : mode?.ask
  return {
    security: security ?? "full",
    ask: ask ?? "off",
    securitySource: security === undefined ? "OpenClaw default (full)" : "tools.exec",
    askSource: ask === undefined ? "OpenClaw default (off)" : "tools.exec",
    strictInlineEval: exec["strictInlineEval"] === true
  }
}

/** The policy a run is judged by: the stricter of the requested one and the host document's. */
export interface EffectivePolicy {
  readonly security: Security
  readonly ask: Ask
  readonly askFallback: AskFallback
  readonly strictInlineEval: boolean
  readonly allowlist: ReadonlyArray<AllowlistEntry>
}

export const effectivePolicy = (requested: Pick<RequestedPolicy, "security" | "ask" | "strictInlineEval">, host: HostPolicy): EffectivePolicy => ({
  security: stricterSecurity(requested.security, host.security),
  ask: stricterAsk(requested.ask, host.ask),
  askFallback: host.askFallback,
  strictInlineEval: requested.strictInlineEval,
  allowlist: host.allowlist
})

/** A segment with the binary it would run: `resolved` is undefined when PATH has no such command. */
export interface ResolvedSegment extends Segment {
  readonly resolved: string | undefined
}

/** Argv-bound entries written by `allow-always`: the exact argument list (after argv0). */
export const EXACT_ARGV_PREFIX = "argv:json:"
export const exactArgvPattern = (args: ReadonlyArray<string>) => `${EXACT_ARGV_PREFIX}${JSON.stringify(args)}`

const argsMatch = (argPattern: string | undefined, args: ReadonlyArray<string>): boolean => {
  if (argPattern === undefined) return true
  if (argPattern.startsWith(EXACT_ARGV_PREFIX)) return argPattern.slice(EXACT_ARGV_PREFIX.length) === JSON.stringify(args)
  try {
    return new RegExp(argPattern).test(args.join(" "))
  } catch {
    // An entry that does not compile matches nothing.
    return false
  }
}

const isPathPattern = (pattern: string) => pattern.includes("/") || pattern.includes("\\") || pattern.startsWith("~")

/** The first allowlist entry this segment satisfies, if any. */
export const matchEntry = (segment: ResolvedSegment, allowlist: ReadonlyArray<AllowlistEntry>, home: string): AllowlistEntry | undefined => {
  if (segment.resolved === undefined || segment.windowsWrapper) return undefined
  const argv0 = segment.argv[0] ?? ""
  const viaPath = !argv0.includes("/") && !argv0.includes("\\")
  const args = segment.argv.slice(1)
  return allowlist.find((entry) => {
    const pattern = entry.pattern.trim()
    if (pattern.length === 0) return false
    // Generated path-only `allow-always` entries are ignored: they must be argv-bound.
    if (entry.source === "allow-always" && entry.argPattern === undefined) return false
    const pathOk = isPathPattern(pattern)
      ? globMatches(expandHome(pattern, home), segment.resolved ?? "")
      : viaPath && globMatches(pattern, argv0)
    return pathOk && argsMatch(entry.argPattern, args)
  })
}

/** The verdict before any prompt. */
export type Verdict =
  | { readonly kind: "allow" }
  | { readonly kind: "deny"; readonly message: string }
  | { readonly kind: "ask"; readonly allowlistSatisfied: boolean }

export const DENIED_APPROVAL = "SYSTEM_RUN_DENIED: approval required"
export const DENIED_ALLOWLIST = "SYSTEM_RUN_DENIED: allowlist miss"
export const DENIED_SECURITY = "SYSTEM_RUN_DENIED: security=deny"
export const DENIED_USER = "SYSTEM_RUN_DENIED: user denied"

/** Every segment must match an entry; an unanalyzable command never does. */
export const allowlistSatisfied = (analysis: Analysis, resolve: (argv0: string) => string | undefined, policy: EffectivePolicy, home: string): boolean =>
  analysis.ok && analysis.segments.every((segment) =>
    !(policy.strictInlineEval && segment.inlineEval) &&
    matchEntry({ ...segment, resolved: resolve(segment.argv[0] ?? "") }, policy.allowlist, home) !== undefined)

/**
 * The decision order: `security=deny` refuses; a prompt when `ask=always`, on an allowlist miss with
 * `ask=on-miss`, or for inline eval under `strictInlineEval`; otherwise an allowlist miss is refused.
 */
export const evaluateRun = (analysis: Analysis, resolve: (argv0: string) => string | undefined, policy: EffectivePolicy, home: string): Verdict => {
  if (policy.security === "deny") return { kind: "deny", message: DENIED_SECURITY }
  const satisfied = allowlistSatisfied(analysis, resolve, policy, home)
  const inline = analysis.ok && policy.strictInlineEval && analysis.segments.some((s) => s.inlineEval)
  if (policy.ask === "always" || inline || (policy.ask === "on-miss" && policy.security === "allowlist" && !satisfied)) {
    return { kind: "ask", allowlistSatisfied: satisfied && !inline }
  }
  if (policy.security === "allowlist" && !satisfied) return { kind: "deny", message: DENIED_ALLOWLIST }
  return { kind: "allow" }
}

/** After a prompt: the operator's decision, or `undefined` when none came in time (then `askFallback`). */
export const afterPrompt = (
  decision: Decision | undefined,
  askFallback: AskFallback,
  satisfied: boolean
): { readonly kind: "allow"; readonly persist: boolean } | { readonly kind: "deny"; readonly message: string } => {
  if (decision === "allow-once") return { kind: "allow", persist: false }
  if (decision === "allow-always") return { kind: "allow", persist: true }
  if (decision === "deny") return { kind: "deny", message: DENIED_USER }
  if (askFallback === "full") return { kind: "allow", persist: false }
  if (askFallback === "allowlist" && satisfied) return { kind: "allow", persist: false }
  return { kind: "deny", message: DENIED_APPROVAL }
}
