import { Schema } from "effect"
import { opt } from "../opt.js"
import { parseDurationMs } from "./duration.js"

/** Trigger schedules are evaluated at most this often, whatever the schedule says. */
export const TRIGGER_MIN_INTERVAL_MS = 30_000
/** One trigger evaluation: wall clock and tool calls. */
export const TRIGGER_WALL_CLOCK_MS = 30_000
export const TRIGGER_TOOL_BUDGET = 5
/** Script payloads: `--script-timeout-seconds` (default, cap) and `--script-tool-budget` (default, cap). */
export const SCRIPT_TIMEOUT_DEFAULT_S = 300
export const SCRIPT_TIMEOUT_MAX_S = 900
export const SCRIPT_TOOL_BUDGET_DEFAULT = 50
export const SCRIPT_TOOL_BUDGET_MAX = 200
/** Persisted script state (`trigger.state`), as JSON. */
export const SCRIPT_STATE_MAX_BYTES = 16 * 1024
/** A trigger script or script payload, as the CLI reads it. */
export const SCRIPT_SOURCE_MAX_BYTES = 64 * 1024

const Source = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(SCRIPT_SOURCE_MAX_BYTES))

/** A condition watcher: the script that decides whether the payload runs, and whether it runs only once. */
export const CronTrigger = Schema.Struct({ script: Source, once: opt(Schema.Boolean) })
export type CronTrigger = typeof CronTrigger.Type

/** The `script` payload: a headless script with the owning agent's tools. */
export const ScriptPayload = Schema.Struct({
  kind: Schema.Literal("script"),
  script: Source,
  timeoutSeconds: opt(Schema.Int.pipe(Schema.between(1, SCRIPT_TIMEOUT_MAX_S))),
  toolBudget: opt(Schema.Int.pipe(Schema.between(1, SCRIPT_TOOL_BUDGET_MAX)))
})
export type ScriptPayload = typeof ScriptPayload.Type

/** What a finished script gave back: its return value and what it passed to `json(...)`, in order. */
export interface ScriptCompletion {
  readonly value: unknown
  readonly output: ReadonlyArray<unknown>
}

/** Why a script did not complete: `code` classifies it, `error` says it for the run history. */
export interface ScriptFailure {
  readonly kind: "error"
  readonly code: "timeout" | "tool_budget" | "script_error" | "invalid_result" | "output_limit_exceeded" | "internal_error"
  readonly error: string
}

export type TriggerResult = { readonly kind: "evaluated"; readonly fire: boolean; readonly message?: string; readonly stateChanged: boolean; readonly state?: unknown } | ScriptFailure
export type ScriptPayloadResult =
  | { readonly kind: "completed"; readonly notify?: string; readonly wake?: "now" | "next-heartbeat"; readonly stateChanged: boolean; readonly state?: unknown; readonly nextCheckMs?: number }
  | ScriptFailure

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const failure = (error: string, code: ScriptFailure["code"] = "invalid_result"): ScriptFailure => ({ kind: "error", code, error })

/** The script's answer: its return value when that is an object (with a boolean `fire` for a condition), else the last `json(...)` object. */
const candidateOf = (result: ScriptCompletion, condition: boolean): unknown => {
  if (isRecord(result.value) && (!condition || typeof result.value["fire"] === "boolean")) return result.value
  for (let i = result.output.length - 1; i >= 0; i -= 1) if (isRecord(result.output[i])) return result.output[i]
  return undefined
}

/** A returned `state`: absent (unchanged), or JSON of at most 16 KB. */
const stateOf = (candidate: Record<string, unknown>, label: string): { readonly stateChanged: boolean; readonly state?: unknown } | ScriptFailure => {
  if (!Object.hasOwn(candidate, "state")) return { stateChanged: false }
  const serialized = JSON.stringify(candidate["state"])
  if (serialized === undefined) return failure(`${label} state is not JSON-serializable`)
  if (new TextEncoder().encode(serialized).length > SCRIPT_STATE_MAX_BYTES) return failure(`${label} state exceeds the 16KB limit`, "output_limit_exceeded")
  return { stateChanged: true, state: JSON.parse(serialized) as unknown }
}

const isFailure = (value: object): value is ScriptFailure => (value as { readonly kind?: unknown }).kind === "error"

/** A trigger script's `{ fire, message?, state? }`, checked. */
export const parseTriggerResult = (result: ScriptCompletion): TriggerResult => {
  const candidate = candidateOf(result, true)
  if (!isRecord(candidate) || typeof candidate["fire"] !== "boolean") return failure("cron trigger script must return an object with boolean fire")
  if (candidate["message"] !== undefined && typeof candidate["message"] !== "string") return failure("cron trigger script message must be a string")
  const state = stateOf(candidate, "cron trigger")
  if (isFailure(state)) return state
  return { kind: "evaluated", fire: candidate["fire"], ...(typeof candidate["message"] === "string" ? { message: candidate["message"] } : {}), ...state }
}

/** A script payload's `{ notify?, wake?, state?, nextCheck? }`, checked. */
export const parseScriptPayloadResult = (result: ScriptCompletion): ScriptPayloadResult => {
  const candidate = candidateOf(result, false)
  if (!isRecord(candidate)) return failure("cron script payload must return an object")
  const notify = candidate["notify"]
  if (notify !== undefined && typeof notify !== "string") return failure("cron script payload notify must be a string")
  const wake = candidate["wake"]
  if (wake !== undefined && wake !== "now" && wake !== "next-heartbeat") return failure("cron script payload wake must be \"now\" or \"next-heartbeat\"")
  const nextCheck = candidate["nextCheck"]
  let nextCheckMs: number | undefined
  if (nextCheck !== undefined) {
    nextCheckMs = typeof nextCheck === "string" ? parseDurationMs(nextCheck) : undefined
    if (nextCheckMs === undefined || nextCheckMs <= 0) return failure("cron script payload nextCheck must be a positive duration string")
  }
  const state = stateOf(candidate, "cron script payload")
  if (isFailure(state)) return state
  return {
    kind: "completed",
    ...(typeof notify === "string" ? { notify } : {}),
    ...(wake === undefined ? {} : { wake }),
    ...state,
    ...(nextCheckMs === undefined ? {} : { nextCheckMs })
  }
}

/** What a trigger evaluation means for the run: whether it fired, and the state it asks to keep. */
export interface TriggerEval {
  readonly fired: boolean
  readonly stateChanged: boolean
  readonly state?: unknown
}

/** A firing trigger's `message` is appended to the system-event text or agent-turn message. */
export const appendPayloadText = <P extends { readonly kind: string }>(payload: P, text: string): P => {
  const p = payload as P & { readonly text?: string; readonly message?: string }
  if (p.kind === "systemEvent" && p.text !== undefined) return { ...p, text: p.text.trim() === "" ? text : `${p.text}\n\n${text}` }
  if (p.kind === "agentTurn" && p.message !== undefined) return { ...p, message: p.message.trim() === "" ? text : `${p.message}\n\n${text}` }
  return payload
}

/** The parts of a job the script rules look at. */
interface ScriptedJob {
  readonly schedule: { readonly kind: string; readonly everyMs?: number }
  readonly payload: { readonly kind: string }
  readonly sessionTarget: string
  readonly trigger?: CronTrigger | undefined
}

/** Why a job's trigger or script payload cannot be scheduled, or `undefined`. */
export const scriptJobProblem = (job: ScriptedJob, minIntervalMs: number = TRIGGER_MIN_INTERVAL_MS): string | undefined => {
  if (job.payload.kind === "script") {
    if (job.trigger !== undefined) return "cron script payloads cannot be combined with a condition trigger"
    if (job.sessionTarget !== "main" && job.sessionTarget !== "isolated") return "script cron jobs require sessionTarget=\"main\" or \"isolated\""
  }
  if (job.trigger === undefined) return undefined
  // "stream" is the batch gate's schedule (built by the stream sources; its batch reaches the gate as `trigger.streamBatch`).
  if (job.schedule.kind !== "every" && job.schedule.kind !== "cron" && job.schedule.kind !== "stream") return "cron triggers require an every, cron, or stream schedule"
  if (job.schedule.kind === "every" && (job.schedule.everyMs ?? 0) < minIntervalMs) return `cron trigger every interval must be at least ${minIntervalMs}ms`
  return undefined
}

/** A trigger job's next slot, never sooner than the minimum interval after its last evaluation. */
export const triggerFloor = (job: { readonly trigger?: CronTrigger | undefined }, next: number | undefined, lastEvalAtMs: number | undefined, minIntervalMs: number): number | undefined =>
  job.trigger === undefined || next === undefined || lastEvalAtMs === undefined ? next : Math.max(next, lastEvalAtMs + minIntervalMs)

/** The state fields a trigger evaluation updates. */
export interface TriggerStateFields {
  readonly triggerState?: unknown
  readonly triggerEvalCount?: number | undefined
  readonly lastTriggerEvalAtMs?: number | undefined
  readonly lastTriggerFireAtMs?: number | undefined
}

/**
 * Counts an evaluation and keeps the state it returned; a fired payload that failed keeps the previous
 * state, so the next evaluation sees it and can fire again.
 */
export const applyTriggerEval = <S extends TriggerStateFields>(state: S, evaluation: TriggerEval, payloadOk: boolean, atMs: number): S => ({
  ...state,
  triggerEvalCount: (state.triggerEvalCount ?? 0) + 1,
  lastTriggerEvalAtMs: atMs,
  ...(evaluation.fired ? { lastTriggerFireAtMs: atMs } : {}),
  ...(evaluation.stateChanged && payloadOk ? { triggerState: evaluation.state } : {})
})

/** Condition triggers, script payloads (and stream schedules) run unless the operator set `cron.triggers.enabled: false`. */
export const triggersEnabled = (config: { readonly cron?: { readonly triggers?: { readonly enabled?: boolean | undefined } | undefined } | undefined }): boolean =>
  config.cron?.triggers?.enabled !== false

export const TRIGGERS_DISABLED = "cron triggers are disabled because the operator set cron.triggers.enabled: false; remove it or set it to true"
export const SCRIPT_PAYLOADS_DISABLED = "cron script payloads are disabled because the operator set cron.triggers.enabled: false; remove it or set it to true to allow unattended scripts"
export const SCRIPT_EXECUTION_DISABLED = "cron script payload execution is disabled because the operator set cron.triggers.enabled: false; remove it or set it to true to allow unattended scripts"
