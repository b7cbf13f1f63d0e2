import { parseDurationMs } from "./duration.js"
import type { CronDelivery, CronPayload } from "./job.js"
import { type CronPacing, pacingProblem } from "./pacing.js"
import type { CronSchedule, StreamSchedule } from "./schedule.js"
import { isValidTimeZone } from "./schedule.js"
import { SCRIPT_TIMEOUT_MAX_S, SCRIPT_TOOL_BUDGET_MAX } from "./script.js"
import { streamScheduleProblem } from "./stream.js"

/** The flags of `cron add` / `cron edit` that shape a job. */
export interface JobFlags {
  readonly name?: string | undefined
  readonly at?: string | undefined
  readonly every?: string | undefined
  readonly cron?: string | undefined
  readonly tz?: string | undefined
  readonly exact?: boolean | undefined
  readonly stagger?: string | undefined
  readonly systemEvent?: string | undefined
  readonly message?: string | undefined
  readonly command?: string | undefined
  readonly commandArgv?: string | undefined
  readonly commandCwd?: string | undefined
  readonly model?: string | undefined
  readonly thinking?: string | undefined
  readonly timeoutSeconds?: number | undefined
  readonly session?: string | undefined
  readonly wake?: string | undefined
  readonly announce?: boolean | undefined
  readonly noDeliver?: boolean | undefined
  readonly channel?: string | undefined
  readonly to?: string | undefined
  readonly account?: string | undefined
  readonly webhook?: string | undefined
  readonly bestEffort?: boolean | undefined
  readonly agent?: string | undefined
  readonly description?: string | undefined
  readonly disabled?: boolean | undefined
  readonly deleteAfterRun?: boolean | undefined
  readonly keepAfterRun?: boolean | undefined
  /** `--fallbacks a,b` (or space separated); `""` is an empty list: strict, no fallback. */
  readonly fallbacks?: string | undefined
  readonly lightContext?: boolean | undefined
  /** `--command-env KEY=VALUE`, repeated. */
  readonly commandEnv?: ReadonlyArray<string> | undefined
  readonly commandInput?: string | undefined
  readonly displayName?: string | undefined
  readonly sessionKey?: string | undefined
  readonly threadId?: string | undefined
  readonly declarationKey?: string | undefined
  /** `--script <file|->` and the script it names, read by the command before the payload is built. */
  readonly script?: string | undefined
  readonly scriptSource?: string | undefined
  readonly scriptTimeoutSeconds?: number | undefined
  readonly scriptToolBudget?: number | undefined
  /** `--tools a,b`: the only tools an agent-turn job's runs may use. */
  readonly tools?: string | undefined
  /** Command payload bounds: output kept per stream, and the silence after which the process is killed. */
  readonly outputMaxBytes?: number | undefined
  readonly noOutputTimeoutSeconds?: number | undefined
  // Event schedules and pacing (see `eventScheduleFromFlags`, `pacingFromFlags`).
  readonly onExit?: string | undefined
  readonly onExitCwd?: string | undefined
  /** `--stream-command`: a JSON array of strings. */
  readonly streamCommand?: string | undefined
  readonly streamCwd?: string | undefined
  readonly streamMode?: string | undefined
  readonly streamMatch?: string | undefined
  readonly streamBatchMs?: number | undefined
  readonly streamMaxBatchBytes?: number | undefined
  readonly pacingMin?: string | undefined
  readonly pacingMax?: string | undefined
  readonly clearPacing?: boolean | undefined
}

/** `--fallbacks` as a list: comma or space separated, blanks dropped. */
export const fallbackList = (raw: string): ReadonlyArray<string> => raw.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s !== "")

const isError = (value: object): value is { readonly error: string } => typeof (value as { readonly error?: unknown }).error === "string"

/** `--command-env` pairs as a record, or the first malformed one. */
const commandEnvOf = (pairs: ReadonlyArray<string>): Record<string, string> | { readonly error: string } => {
  const env: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf("=")
    if (at <= 0) return { error: `Invalid --command-env "${pair}": use KEY=VALUE` }
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return env
}

const defined = (...values: ReadonlyArray<unknown>) => values.filter((v) => v !== undefined).length

/** An `--at` value: an ISO time (offset-less = `--tz`, else UTC) or a duration from now (`20m`). */
const atOf = (at: string, tz: string | undefined, nowMs: number): string | { readonly error: string } => {
  const duration = parseDurationMs(at)
  if (duration !== undefined && !/^\d+$/.test(at.trim())) return new Date(nowMs + duration).toISOString()
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(at.trim())
  if (!hasZone && tz !== undefined && tz !== "") {
    const guess = Date.parse(`${at.trim()}Z`)
    if (!Number.isFinite(guess)) return { error: `Invalid --at "${at}": use an ISO time (2026-12-24T18:00:00Z) or a duration like 20m` }
    // The zone's offset at that moment: format the UTC guess in the zone and take the difference.
    const inZone = new Date(new Date(guess).toLocaleString("en-US", { timeZone: tz })).getTime()
    const asUtc = new Date(new Date(guess).toLocaleString("en-US", { timeZone: "UTC" })).getTime()
    return new Date(guess - (inZone - asUtc)).toISOString()
  }
  const ms = Date.parse(hasZone ? at.trim() : `${at.trim()}Z`)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : { error: `Invalid --at "${at}": use an ISO time (2026-12-24T18:00:00Z) or a duration like 20m` }
}

/** The schedule the flags name, `undefined` when none, or the reason they do not make one. */
export const scheduleFromFlags = (flags: JobFlags, nowMs: number): CronSchedule | undefined | { readonly error: string } => {
  if (flags.onExitCwd !== undefined && flags.onExit === undefined) return { error: "--on-exit-cwd requires --on-exit" }
  const count = defined(flags.at, flags.every, flags.cron, flags.onExit, flags.streamCommand)
  if (count === 0) return undefined
  if (count > 1) return { error: "Choose exactly one schedule: --at, --every, --cron, --on-exit, or --stream-command" }
  if (flags.onExit !== undefined || flags.streamCommand !== undefined) return eventScheduleFromFlags(flags)
  if (flags.tz !== undefined && flags.tz !== "" && !isValidTimeZone(flags.tz)) return { error: `Invalid --tz "${flags.tz}": use an IANA time zone such as Europe/Berlin` }
  if (flags.every !== undefined) {
    if (flags.tz !== undefined && flags.tz !== "") return { error: "--tz is only valid with --cron or an offset-less --at" }
    const everyMs = parseDurationMs(flags.every)
    if (everyMs === undefined || everyMs <= 0) return { error: `Invalid --every "${flags.every}": use a duration like 10m or 1h` }
    return { kind: "every", everyMs }
  }
  if (flags.at !== undefined) {
    const at = atOf(flags.at, flags.tz, nowMs)
    return typeof at === "string" ? { kind: "at", at } : at
  }
  const stagger = flags.exact === true ? 0 : flags.stagger === undefined ? undefined : parseDurationMs(flags.stagger)
  if (flags.stagger !== undefined && stagger === undefined) return { error: `Invalid --stagger "${flags.stagger}": use a duration like 30s or 5m` }
  return { kind: "cron", expr: flags.cron ?? "", ...(flags.tz === undefined || flags.tz === "" ? {} : { tz: flags.tz }), ...(stagger === undefined ? {} : { staggerMs: stagger }) }
}

/** The stream metadata flags (everything but `--stream-command`) given. */
export const hasStreamMetadata = (flags: JobFlags): boolean =>
  defined(flags.streamCwd, flags.streamMode, flags.streamMatch, flags.streamBatchMs, flags.streamMaxBatchBytes) > 0

const positiveInt = (value: number | undefined, flag: string) =>
  value === undefined || (Number.isSafeInteger(value) && value > 0) ? undefined : { error: `${flag} must be a positive integer` }

/** `--stream-mode`, `--stream-match`, `--stream-batch-ms`, `--stream-max-batch-bytes` over `base` (an edit keeps the rest). */
export const applyStreamFlags = (base: StreamSchedule, flags: JobFlags): StreamSchedule | { readonly error: string } => {
  if (flags.streamMode !== undefined && flags.streamMode !== "line" && flags.streamMode !== "match") return { error: "--stream-mode must be line or match" }
  const invalid = positiveInt(flags.streamBatchMs, "--stream-batch-ms") ?? positiveInt(flags.streamMaxBatchBytes, "--stream-max-batch-bytes")
  if (invalid !== undefined) return invalid
  const mode = flags.streamMode ?? base.mode ?? "line"
  const match = flags.streamMatch ?? (mode === "match" ? base.match : undefined)
  const { cwd: _cwd, match: _match, ...rest } = base
  const cwd = flags.streamCwd === undefined ? base.cwd : flags.streamCwd === "" ? undefined : flags.streamCwd
  const schedule: StreamSchedule = {
    ...rest,
    ...(cwd === undefined ? {} : { cwd }),
    mode,
    ...(match === undefined ? {} : { match }),
    ...(flags.streamBatchMs === undefined ? {} : { batchMs: flags.streamBatchMs }),
    ...(flags.streamMaxBatchBytes === undefined ? {} : { maxBatchBytes: flags.streamMaxBatchBytes })
  }
  const problem = streamScheduleProblem(schedule)
  return problem === undefined ? schedule : { error: problem }
}

/** `--on-exit <shell> [--on-exit-cwd]` or `--stream-command <json> [--stream-*]`. */
const eventScheduleFromFlags = (flags: JobFlags): CronSchedule | { readonly error: string } => {
  const flag = flags.onExit !== undefined ? "--on-exit" : "--stream-command"
  if ((flags.tz !== undefined && flags.tz !== "") || flags.stagger !== undefined || flags.exact === true) return { error: `--tz/--stagger/--exact are not valid with ${flag}` }
  if (flags.onExit !== undefined) {
    if (hasStreamMetadata(flags)) return { error: "Stream options require --stream-command" }
    if (flags.onExit.trim() === "") return { error: "--on-exit needs a shell command to watch" }
    return { kind: "on-exit", command: flags.onExit, ...(flags.onExitCwd === undefined || flags.onExitCwd === "" ? {} : { cwd: flags.onExitCwd }) }
  }
  let argv: ReadonlyArray<string>
  try {
    const parsed: unknown = JSON.parse(flags.streamCommand ?? "")
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) return { error: "--stream-command must be a JSON array of strings, e.g. '[\"node\",\"events.mjs\"]'" }
    argv = parsed
  } catch {
    return { error: "--stream-command must be a JSON array of strings, e.g. '[\"node\",\"events.mjs\"]'" }
  }
  return applyStreamFlags({ kind: "stream", command: argv }, flags)
}

/**
 * `--pacing-min/--pacing-max` as the job's pacing (an edit merges them into `current`), `null` for
 * `--clear-pacing`, `undefined` when untouched, or why not.
 */
export const pacingFromFlags = (flags: JobFlags, current?: CronPacing): CronPacing | null | undefined | { readonly error: string } => {
  const given = flags.pacingMin !== undefined || flags.pacingMax !== undefined
  if (flags.clearPacing === true) return given ? { error: "--clear-pacing cannot be combined with --pacing-min or --pacing-max" } : null
  if (!given) return undefined
  const pacing: CronPacing = {
    ...(current ?? {}),
    ...(flags.pacingMin === undefined ? {} : { min: flags.pacingMin }),
    ...(flags.pacingMax === undefined ? {} : { max: flags.pacingMax })
  }
  const problem = pacingProblem(pacing)
  return problem === undefined ? pacing : { error: problem }
}

/** The payload the flags name, `undefined` when none, or why not. */
export const payloadFromFlags = (flags: JobFlags): CronPayload | undefined | { readonly error: string } => {
  const count = defined(flags.systemEvent, flags.message, flags.command, flags.commandArgv, flags.script)
  if (count === 0) return undefined
  if (count > 1) return { error: "Choose exactly one payload: --system-event, --message, --command, --command-argv, or --script" }
  const commandOnly = flags.outputMaxBytes !== undefined ? "--output-max-bytes" : flags.noOutputTimeoutSeconds !== undefined ? "--no-output-timeout-seconds" : undefined
  if (commandOnly !== undefined && flags.command === undefined && flags.commandArgv === undefined) return { error: `${commandOnly} applies to command jobs (--command or --command-argv)` }
  if (flags.tools !== undefined && flags.message === undefined) return { error: "--tools applies to agent-turn jobs (--message): command and system-event jobs offer no agent tools" }
  if (flags.outputMaxBytes !== undefined && flags.outputMaxBytes < 1) return { error: "Invalid --output-max-bytes (must be a positive integer)." }
  if (flags.noOutputTimeoutSeconds !== undefined && flags.noOutputTimeoutSeconds < 1) return { error: "Invalid --no-output-timeout-seconds (must be a positive integer)." }
  if (flags.script !== undefined) return scriptPayloadFromFlags(flags)
  if (flags.systemEvent !== undefined) return { kind: "systemEvent", text: flags.systemEvent }
  if (flags.message !== undefined) {
    return {
      kind: "agentTurn",
      message: flags.message,
      ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(flags.thinking === undefined ? {} : { thinking: flags.thinking }),
      ...(flags.fallbacks === undefined ? {} : { fallbacks: fallbackList(flags.fallbacks) }),
      ...(flags.lightContext === true ? { lightContext: true } : {}),
      ...(flags.timeoutSeconds === undefined ? {} : { timeoutSeconds: flags.timeoutSeconds }),
      ...(flags.tools === undefined ? {} : { toolsAllow: fallbackList(flags.tools) })
    }
  }
  const env = commandEnvOf(flags.commandEnv ?? [])
  if (isError(env)) return env
  let argv: ReadonlyArray<string>
  if (flags.command !== undefined) argv = ["sh", "-lc", flags.command]
  else {
    try {
      const parsed: unknown = JSON.parse(flags.commandArgv ?? "")
      if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) return { error: "--command-argv must be a JSON array of strings" }
      argv = parsed
    } catch {
      return { error: "--command-argv must be a JSON array of strings" }
    }
  }
  return {
    kind: "command",
    argv,
    ...(flags.commandCwd === undefined ? {} : { cwd: flags.commandCwd }),
    ...(Object.keys(env).length === 0 ? {} : { env }),
    ...(flags.commandInput === undefined ? {} : { input: flags.commandInput }),
    ...(flags.timeoutSeconds === undefined ? {} : { timeoutSeconds: flags.timeoutSeconds }),
    ...(flags.noOutputTimeoutSeconds === undefined ? {} : { noOutputTimeoutSeconds: flags.noOutputTimeoutSeconds }),
    ...(flags.outputMaxBytes === undefined ? {} : { outputMaxBytes: flags.outputMaxBytes })
  }
}

/** `--script-timeout-seconds` / `--script-tool-budget`: why they are out of range, or `undefined`. */
export const scriptLimitsProblem = (flags: JobFlags): string | undefined => {
  const t = flags.scriptTimeoutSeconds
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > SCRIPT_TIMEOUT_MAX_S)) return `--script-timeout-seconds must be a whole number from 1 to ${SCRIPT_TIMEOUT_MAX_S}`
  const b = flags.scriptToolBudget
  if (b !== undefined && (!Number.isInteger(b) || b < 1 || b > SCRIPT_TOOL_BUDGET_MAX)) return `--script-tool-budget must be a whole number from 1 to ${SCRIPT_TOOL_BUDGET_MAX}`
  return undefined
}

/** The `script` payload of `--script` (its source already read into `scriptSource`). */
const scriptPayloadFromFlags = (flags: JobFlags): CronPayload | { readonly error: string } => {
  if (flags.timeoutSeconds !== undefined) return { error: "Use --script-timeout-seconds for script jobs, not --timeout-seconds." }
  const problem = scriptLimitsProblem(flags)
  if (problem !== undefined) return { error: problem }
  if (flags.scriptSource === undefined || flags.scriptSource.trim() === "") return { error: "Script payload must not be empty" }
  return {
    kind: "script",
    script: flags.scriptSource,
    ...(flags.scriptTimeoutSeconds === undefined ? {} : { timeoutSeconds: flags.scriptTimeoutSeconds }),
    ...(flags.scriptToolBudget === undefined ? {} : { toolBudget: flags.scriptToolBudget })
  }
}

/** Delivery: `--webhook`, `--announce` (the default for agent and command jobs), or none with `--no-deliver`. */
export const deliveryFromFlags = (flags: JobFlags, payload: CronPayload | undefined): CronDelivery | undefined => {
  const target = {
    ...(flags.to === undefined ? {} : { to: flags.to }),
    ...(flags.account === undefined ? {} : { accountId: flags.account }),
    ...(flags.threadId === undefined ? {} : { threadId: flags.threadId }),
    ...(flags.bestEffort === true ? { bestEffort: true } : {})
  }
  if (flags.webhook !== undefined) return { mode: "webhook", to: flags.webhook }
  if (flags.noDeliver === true) return { mode: "none" }
  if (flags.announce === true || flags.channel !== undefined || flags.to !== undefined) return { mode: "announce", channel: flags.channel ?? "last", ...target }
  if (payload !== undefined && payload.kind !== "systemEvent") return { mode: "announce", channel: "last", ...target }
  return undefined
}
