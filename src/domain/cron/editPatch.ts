import { fallbackList, type JobFlags, scheduleFromFlags } from "./addInput.js"
import type { CronDeliveryPatch, CronPayloadPatch } from "./jobPatch.js"
import type { CronJobPatchParams } from "../protocol/cronMethods.js"

/** The flags of `cron edit` besides the job-shaping ones `cron add` shares. */
export interface EditFlags extends JobFlags {
  readonly enable?: boolean | undefined
  readonly disable?: boolean | undefined
  readonly clearAccount?: boolean | undefined
  readonly clearAgent?: boolean | undefined
  readonly clearChannel?: boolean | undefined
  readonly clearDisplayName?: boolean | undefined
  readonly clearFallbacks?: boolean | undefined
  readonly clearModel?: boolean | undefined
  readonly clearSessionKey?: boolean | undefined
  readonly clearThinking?: boolean | undefined
  readonly clearThreadId?: boolean | undefined
  readonly clearTo?: boolean | undefined
  readonly clearTools?: boolean | undefined
  readonly noBestEffort?: boolean | undefined
  readonly noLightContext?: boolean | undefined
}

type Problem = { readonly error: string }

// Each set flag and the flag that clears the same field: never both.
const PAIRS: ReadonlyArray<readonly [keyof EditFlags, keyof EditFlags, string, string]> = [
  ["model", "clearModel", "--model", "--clear-model"],
  ["thinking", "clearThinking", "--thinking", "--clear-thinking"],
  ["fallbacks", "clearFallbacks", "--fallbacks", "--clear-fallbacks"],
  ["tools", "clearTools", "--tools", "--clear-tools"],
  ["channel", "clearChannel", "--channel", "--clear-channel"],
  ["to", "clearTo", "--to", "--clear-to"],
  ["threadId", "clearThreadId", "--thread-id", "--clear-thread-id"],
  ["account", "clearAccount", "--account", "--clear-account"],
  ["displayName", "clearDisplayName", "--display-name", "--clear-display-name"],
  ["agent", "clearAgent", "--agent", "--clear-agent"],
  ["sessionKey", "clearSessionKey", "--session-key", "--clear-session-key"],
  ["bestEffort", "noBestEffort", "--best-effort-deliver", "--no-best-effort-deliver"],
  ["lightContext", "noLightContext", "--light-context", "--no-light-context"],
  ["enable", "disable", "--enable", "--disable"],
  ["deleteAfterRun", "keepAfterRun", "--delete-after-run", "--keep-after-run"]
]
const given = (value: unknown) => value !== undefined && value !== false

/** The payload kind the flags change, `"existing"` when only kind-neutral fields change, or none. */
const payloadKindOf = (f: EditFlags): CronPayloadPatch["kind"] | "existing" | undefined | Problem => {
  const kinds = [
    f.systemEvent !== undefined ? "systemEvent" as const : undefined,
    [f.message, f.model, f.fallbacks, f.thinking].some((v) => v !== undefined) || [f.clearModel, f.clearFallbacks, f.clearThinking, f.lightContext, f.noLightContext].some(given)
      ? "agentTurn" as const
      : undefined,
    [f.command, f.commandArgv, f.commandCwd, f.commandInput, f.outputMaxBytes, f.noOutputTimeoutSeconds].some((v) => v !== undefined) || (f.commandEnv ?? []).length > 0
      ? "command" as const
      : undefined
  ].filter((k) => k !== undefined)
  if (kinds.length > 1) return { error: "Choose at most one payload change: system-event, agent-turn (--message, --model, ...) or command (--command, ...) options" }
  if (kinds[0] !== undefined) return kinds[0]
  return f.timeoutSeconds !== undefined || f.tools !== undefined || given(f.clearTools) ? "existing" : undefined
}

/**
 * `cron edit` needs the stored job's payload kind when only `--timeout-seconds` or `--tools` change
 * (they belong to whichever payload the job has).
 */
export const editNeedsPayloadKind = (flags: EditFlags): boolean => payloadKindOf(flags) === "existing"

const payloadPatchOf = (f: EditFlags, kind: CronPayloadPatch["kind"]): CronPayloadPatch | Problem => {
  const toolsAllow = given(f.clearTools) ? ["*"] : f.tools === undefined ? undefined : fallbackList(f.tools)
  if (toolsAllow !== undefined && kind !== "agentTurn") {
    return { error: `--tools and --clear-tools apply to agent-turn jobs (--message); this is a ${kind} job, which offers no agent tools` }
  }
  if (kind === "systemEvent") {
    if (f.timeoutSeconds !== undefined) return { error: "--timeout-seconds is not supported for systemEvent jobs" }
    return { kind, ...(f.systemEvent === undefined ? {} : { text: f.systemEvent }) }
  }
  if (kind === "agentTurn") {
    return {
      kind,
      ...(f.message === undefined ? {} : { message: f.message }),
      ...(given(f.clearModel) ? { model: null } : f.model === undefined ? {} : { model: f.model }),
      ...(given(f.clearFallbacks) ? { fallbacks: null } : f.fallbacks === undefined ? {} : { fallbacks: fallbackList(f.fallbacks) }),
      ...(given(f.clearThinking) ? { thinking: null } : f.thinking === undefined ? {} : { thinking: f.thinking }),
      ...(f.timeoutSeconds === undefined ? {} : { timeoutSeconds: f.timeoutSeconds }),
      ...(given(f.lightContext) ? { lightContext: true } : given(f.noLightContext) ? { lightContext: false } : {}),
      ...(toolsAllow === undefined ? {} : { toolsAllow })
    }
  }
  if (f.command !== undefined && f.commandArgv !== undefined) return { error: "Pass command payload either with --command or --command-argv, not both." }
  let argv: ReadonlyArray<string> | undefined
  if (f.command !== undefined) argv = ["sh", "-lc", f.command]
  else if (f.commandArgv !== undefined) {
    const parsed: unknown = (() => {
      try {
        return JSON.parse(f.commandArgv ?? "")
      } catch {
        return undefined
      }
    })()
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) return { error: "--command-argv must be a JSON array of strings" }
    argv = parsed
  }
  const env: Record<string, string> = {}
  for (const pair of f.commandEnv ?? []) {
    const at = pair.indexOf("=")
    if (at <= 0) return { error: `Invalid --command-env "${pair}": use KEY=VALUE` }
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return {
    kind,
    ...(argv === undefined ? {} : { argv }),
    ...(f.commandCwd === undefined ? {} : { cwd: f.commandCwd }),
    ...(Object.keys(env).length === 0 ? {} : { env }),
    ...(f.commandInput === undefined ? {} : { input: f.commandInput }),
    ...(f.timeoutSeconds === undefined ? {} : { timeoutSeconds: f.timeoutSeconds }),
    ...(f.noOutputTimeoutSeconds === undefined ? {} : { noOutputTimeoutSeconds: f.noOutputTimeoutSeconds }),
    ...(f.outputMaxBytes === undefined ? {} : { outputMaxBytes: f.outputMaxBytes })
  }
}

/** The delivery fields the flags change (`null` for the `--clear-*` ones), or none. */
const deliveryPatchOf = (f: EditFlags): CronDeliveryPatch | undefined | Problem => {
  const modes = [given(f.announce), given(f.noDeliver), f.webhook !== undefined].filter(Boolean).length
  if (modes > 1) return { error: "Choose at most one of --announce, --no-deliver, or --webhook." }
  const target = f.channel !== undefined || f.to !== undefined || f.threadId !== undefined || f.account !== undefined ||
    [f.clearChannel, f.clearTo, f.clearThreadId, f.clearAccount].some(given)
  if (f.webhook !== undefined && target) return { error: "--webhook cannot be combined with chat delivery options." }
  const bestEffort = given(f.bestEffort) ? true : given(f.noBestEffort) ? false : undefined
  if (modes === 0 && !target && bestEffort === undefined) return undefined
  const mode = f.webhook !== undefined ? "webhook" as const : given(f.announce) ? "announce" as const : given(f.noDeliver) ? "none" as const : bestEffort === true ? "announce" as const : undefined
  return {
    ...(mode === undefined ? {} : { mode }),
    ...(given(f.clearChannel) ? { channel: null } : f.channel === undefined ? {} : { channel: f.channel }),
    ...(f.webhook !== undefined ? { to: f.webhook } : given(f.clearTo) ? { to: null } : f.to === undefined ? {} : { to: f.to }),
    ...(given(f.clearThreadId) ? { threadId: null } : f.threadId === undefined ? {} : { threadId: f.threadId }),
    ...(given(f.clearAccount) ? { accountId: null } : f.account === undefined ? {} : { accountId: f.account }),
    ...(bestEffort === undefined ? {} : { bestEffort })
  }
}

const isProblem = (value: unknown): value is Problem => typeof value === "object" && value !== null && "error" in value

/**
 * The `cron.update` patch `cron edit` sends, as the original builds it: only the fields the flags name,
 * payload and delivery field by field, `null` for each `--clear-*`; or the first conflict among the flags.
 * `existingKind` is the stored payload's kind, needed when `editNeedsPayloadKind`.
 */
export const editPatchFromFlags = (flags: EditFlags, nowMs: number, existingKind?: string): CronJobPatchParams | Problem => {
  for (const [set, clear, setFlag, clearFlag] of PAIRS) {
    if (given(flags[set]) && given(flags[clear])) return { error: `Use ${setFlag} or ${clearFlag}, not both` }
  }
  if (flags.outputMaxBytes !== undefined && flags.outputMaxBytes < 1) return { error: "Invalid --output-max-bytes (must be a positive integer)." }
  if (flags.noOutputTimeoutSeconds !== undefined && flags.noOutputTimeoutSeconds < 1) return { error: "Invalid --no-output-timeout-seconds (must be a positive integer)." }
  const schedule = scheduleFromFlags(flags, nowMs)
  if (isProblem(schedule)) return schedule
  const kind = payloadKindOf(flags)
  if (isProblem(kind)) return kind
  const payloadKind = kind === "existing" ? existingKind : kind
  if (kind === "existing" && payloadKind !== "systemEvent" && payloadKind !== "agentTurn" && payloadKind !== "command") {
    return { error: `--timeout-seconds and --tools cannot change this job's ${payloadKind ?? "unknown"} payload` }
  }
  const payload = payloadKind === undefined ? undefined : payloadPatchOf(flags, payloadKind as CronPayloadPatch["kind"])
  if (isProblem(payload)) return payload
  const delivery = deliveryPatchOf(flags)
  if (isProblem(delivery)) return delivery
  if (flags.session !== undefined && !["main", "isolated", "current"].includes(flags.session) && !flags.session.startsWith("session:")) {
    return { error: `Invalid --session "${flags.session}": use main, isolated, current or session:<id>` }
  }
  if (flags.wake !== undefined && flags.wake !== "now" && flags.wake !== "next-heartbeat") return { error: `Invalid --wake "${flags.wake}": use now or next-heartbeat` }
  return {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(schedule === undefined ? {} : { schedule }),
    ...(payload === undefined ? {} : { payload }),
    ...(delivery === undefined ? {} : { delivery }),
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(given(flags.clearDisplayName) ? { displayName: null } : flags.displayName === undefined ? {} : { displayName: flags.displayName }),
    ...(given(flags.clearSessionKey) ? { sessionKey: null } : flags.sessionKey === undefined ? {} : { sessionKey: flags.sessionKey }),
    ...(given(flags.clearAgent) ? { agentId: null } : flags.agent === undefined ? {} : { agentId: flags.agent }),
    ...(flags.deleteAfterRun === true ? { deleteAfterRun: true } : flags.keepAfterRun === true ? { deleteAfterRun: false } : {}),
    ...(flags.session === undefined ? {} : { sessionTarget: flags.session as "main" }),
    ...(flags.wake === undefined ? {} : { wakeMode: flags.wake as "now" }),
    ...(flags.enable === true ? { enabled: true } : flags.disable === true ? { enabled: false } : {})
  }
}
