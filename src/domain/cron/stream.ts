import { errorBackoffMs, type StreamSchedule } from "./schedule.js"

/** Quiet window that closes a batch: default 250 ms, clamped to 50–5000. */
export const STREAM_BATCH_MS = { default: 250, min: 50, max: 5000 } as const
/** Byte cap of one batch (UTF-8): default 16384, clamped to 1024–65536. */
export const STREAM_MAX_BATCH_BYTES = { default: 16_384, min: 1024, max: 65_536 } as const
/** The built-in minimum spacing of two fires of one stream job. */
export const STREAM_TRIGGER_INTERVAL_MS = 30_000
/** A source run shorter than this counts towards the restart cap. */
export const STREAM_SHORT_RUN_MS = 60_000
/** Consecutive short runs that leave the job in its error state. */
export const STREAM_MAX_SHORT_RUNS = 5
/** Raw intake per line (UTF-16 units): a longer line is cut to this prefix and flagged. */
export const STREAM_RAW_LINE_LIMIT = 65_536
/** Ends a batch cut at its byte cap. */
export const TRUNCATED_MARKER = "[truncated]"

const clamp = (value: number | undefined, bounds: { readonly default: number; readonly min: number; readonly max: number }) =>
  value === undefined ? bounds.default : Math.min(bounds.max, Math.max(bounds.min, value))

/** A stream schedule's effective settings: mode, compiled regex, clamped batch window and byte cap. */
export interface StreamSettings {
  readonly mode: "line" | "match"
  readonly match: RegExp | undefined
  readonly batchMs: number
  readonly maxBatchBytes: number
}

const compile = (source: string): RegExp | string => {
  try {
    return new RegExp(source)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** Why a stream schedule cannot run (mode and match disagree, the regex does not compile), or `undefined`. */
export const streamScheduleProblem = (schedule: StreamSchedule): string | undefined => {
  if (schedule.command.length === 0 || schedule.command[0]?.trim() === "") return "--stream-command must be a non-empty JSON array of strings"
  const mode = schedule.mode ?? "line"
  if (mode === "match" && (schedule.match === undefined || schedule.match === "")) return "--stream-match is required when --stream-mode=match"
  if (mode === "line" && schedule.match !== undefined) return "--stream-match requires --stream-mode=match"
  if (schedule.match !== undefined) {
    const compiled = compile(schedule.match)
    if (typeof compiled === "string") return `Invalid --stream-match "${schedule.match}": ${compiled}`
  }
  return undefined
}

/** The settings a (valid) stream schedule runs with. */
export const streamSettings = (schedule: StreamSchedule): StreamSettings => {
  const compiled = schedule.match === undefined ? undefined : compile(schedule.match)
  return {
    mode: schedule.mode ?? "line",
    match: compiled instanceof RegExp ? compiled : undefined,
    batchMs: clamp(schedule.batchMs, STREAM_BATCH_MS),
    maxBatchBytes: clamp(schedule.maxBatchBytes, STREAM_MAX_BATCH_BYTES)
  }
}

/** One output line; `cut` when it hit the raw-intake limit and is only a prefix. */
export interface StreamLine {
  readonly text: string
  readonly cut: boolean
}

/** Partial-line state of one output stream (stdout or stderr). */
export interface LineSplitState {
  readonly partial: string
  /** Past the raw limit of the current line: drop until its newline. */
  readonly discarding: boolean
}

export const emptyLineSplit: LineSplitState = { partial: "", discarding: false }

/** Splits a chunk into complete lines; a line longer than `limit` is emitted cut, its rest dropped. */
export const splitLines = (state: LineSplitState, chunk: string, limit = STREAM_RAW_LINE_LIMIT): { readonly state: LineSplitState; readonly lines: ReadonlyArray<StreamLine> } => {
  const lines: Array<StreamLine> = []
  let partial = state.partial
  let discarding = state.discarding
  const parts = chunk.split("\n")
  parts.forEach((part, i) => {
    const last = i === parts.length - 1
    if (!discarding) partial += part
    if (!discarding && partial.length > limit) {
      lines.push({ text: partial.slice(0, limit), cut: true })
      partial = ""
      discarding = true
    }
    if (last) return
    if (!discarding) lines.push({ text: partial.endsWith("\r") ? partial.slice(0, -1) : partial, cut: false })
    partial = ""
    discarding = false
  })
  return { state: { partial, discarding }, lines }
}

/** The rest of a stream at its end, as a last line (none when empty). */
export const flushLines = (state: LineSplitState): ReadonlyArray<StreamLine> =>
  state.discarding || state.partial === "" ? [] : [{ text: state.partial, cut: false }]

/**
 * Whether a line goes into a batch: every line in `line` mode; in `match` mode only complete lines
 * matching the regex on their full text (a cut line is a prefix, so an end-anchored pattern must not fire on it).
 */
export const acceptLine = (settings: StreamSettings, line: StreamLine): boolean => {
  if (settings.mode === "line") return true
  if (line.cut || settings.match === undefined) return false
  settings.match.lastIndex = 0
  return settings.match.test(line.text)
}

const encoder = new TextEncoder()
/** UTF-8 byte length. */
export const utf8Bytes = (text: string): number => encoder.encode(text).length

/** The longest prefix of `text` within `budget` UTF-8 bytes, never splitting a character. */
const prefixWithin = (text: string, budget: number): string => {
  let used = 0
  let out = ""
  for (const char of text) {
    const size = utf8Bytes(char)
    if (used + size > budget) break
    used += size
    out += char
  }
  return out
}

/** An open batch: its lines joined by newlines. */
export interface OpenBatch {
  readonly text: string
  readonly bytes: number
}

/**
 * Adds a line to the open batch (`undefined` when none). A batch that would pass `maxBytes` is cut to
 * fit, ends with `[truncated]` and is closed; the rest of that line is dropped.
 */
export const addLine = (batch: OpenBatch | undefined, line: string, maxBytes: number): { readonly open: OpenBatch | undefined; readonly closed: string | undefined } => {
  const joined = batch === undefined ? line : `${batch.text}\n${line}`
  const bytes = utf8Bytes(joined)
  if (bytes < maxBytes) return { open: { text: joined, bytes }, closed: undefined }
  if (bytes === maxBytes) return { open: undefined, closed: joined }
  return { open: undefined, closed: truncateTo(joined, maxBytes) }
}

/** `text` within `maxBytes`, cut and marked `[truncated]` when longer. */
export const truncateTo = (text: string, maxBytes: number): string => {
  if (utf8Bytes(text) <= maxBytes) return text
  const marker = `\n${TRUNCATED_MARKER}`
  return `${prefixWithin(text, Math.max(0, maxBytes - utf8Bytes(marker)))}${marker}`
}

/** One job's fire queue: at most one payload in flight and one bounded pending batch. */
export interface DispatchState {
  readonly inFlight: boolean
  readonly pending: string | undefined
  readonly lastFireAtMs: number | undefined
}

export const idleDispatch: DispatchState = { inFlight: false, pending: undefined, lastFireAtMs: undefined }

/** What to do with the queue now: fire `text`, or wait (`waitMs` until the interval allows a fire; none when nothing is pending or a payload runs). */
export type DispatchStep =
  | { readonly _tag: "Fire"; readonly text: string; readonly state: DispatchState }
  | { readonly _tag: "Wait"; readonly waitMs: number | undefined; readonly state: DispatchState }

const ready = (state: DispatchState, nowMs: number, intervalMs: number) =>
  !state.inFlight && (state.lastFireAtMs === undefined || nowMs - state.lastFireAtMs >= intervalMs)

/** Fires the pending batch when nothing runs and the interval has passed; otherwise says how long to wait. */
export const nextDispatch = (state: DispatchState, nowMs: number, intervalMs: number): DispatchStep => {
  if (state.pending === undefined || state.inFlight) return { _tag: "Wait", waitMs: undefined, state }
  if (ready(state, nowMs, intervalMs)) return { _tag: "Fire", text: state.pending, state: { inFlight: true, pending: undefined, lastFireAtMs: nowMs } }
  return { _tag: "Wait", waitMs: (state.lastFireAtMs ?? nowMs) + intervalMs - nowMs, state }
}

/**
 * A closed batch arrives: it joins the pending batch (a bounded merge, `coalesced`) or becomes it, then
 * fires at once when nothing runs and the trigger interval has passed.
 */
export const offerBatch = (state: DispatchState, batch: string, nowMs: number, options: { readonly intervalMs: number; readonly maxBatchBytes: number }): DispatchStep & { readonly coalesced: boolean } => {
  const coalesced = state.pending !== undefined
  const pending = state.pending === undefined ? batch : truncateTo(`${state.pending}\n${batch}`, options.maxBatchBytes)
  return { ...nextDispatch({ ...state, pending }, nowMs, options.intervalMs), coalesced }
}

/** The payload fired from the queue has finished. */
export const fireDone = (state: DispatchState): DispatchState => ({ ...state, inFlight: false })

/** After the source process exits: restart (after a delay), or stop in the error state at the cap. */
export type RestartDecision =
  | { readonly _tag: "Restart"; readonly delayMs: number; readonly shortRuns: number }
  | { readonly _tag: "Exhausted"; readonly shortRuns: number }

/**
 * A run shorter than 60 s counts; five in a row exhaust the source. A short run restarts after the
 * scheduler's error backoff for that count; a long run resets the count and restarts at once.
 */
export const afterSourceExit = (shortRuns: number, runMs: number, backoffMs: (n: number) => number = errorBackoffMs): RestartDecision => {
  if (runMs >= STREAM_SHORT_RUN_MS) return { _tag: "Restart", delayMs: 0, shortRuns: 0 }
  const count = shortRuns + 1
  return count >= STREAM_MAX_SHORT_RUNS ? { _tag: "Exhausted", shortRuns: count } : { _tag: "Restart", delayMs: backoffMs(count), shortRuns: count }
}
