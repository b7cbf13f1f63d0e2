import { Cron } from "croner"
import { Schema } from "effect"
import { opt } from "../opt.js"

/** An `on-exit` schedule: fire once when the watched shell command (run by the gateway) exits. */
export const OnExitSchedule = Schema.Struct({ kind: Schema.Literal("on-exit"), command: Schema.String.pipe(Schema.minLength(1)), cwd: opt(Schema.String) })
export type OnExitSchedule = typeof OnExitSchedule.Type

/** A `stream` schedule: fire from batched output lines of a supervised long-lived argv command. */
export const StreamSchedule = Schema.Struct({
  kind: Schema.Literal("stream"),
  command: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
  cwd: opt(Schema.String),
  mode: opt(Schema.Literal("line", "match")),
  match: opt(Schema.String),
  batchMs: opt(Schema.Int.pipe(Schema.positive())),
  maxBatchBytes: opt(Schema.Int.pipe(Schema.positive()))
})
export type StreamSchedule = typeof StreamSchedule.Type

/**
 * When a job runs: once at a time, every interval from an anchor, on a cron expression in a time zone,
 * or on an event (a watched command's exit, a stream source's output), never time-due.
 */
export const CronSchedule = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("at"), at: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("every"), everyMs: Schema.Int.pipe(Schema.positive()), anchorMs: opt(Schema.Number) }),
  Schema.Struct({ kind: Schema.Literal("cron"), expr: Schema.String, tz: opt(Schema.String), staggerMs: opt(Schema.Int.pipe(Schema.nonNegative())) }),
  OnExitSchedule,
  StreamSchedule
)
export type CronSchedule = typeof CronSchedule.Type

/** The window top-of-hour expressions are spread over unless `--exact` (the original's 5 minutes). */
export const DEFAULT_TOP_OF_HOUR_STAGGER_MS = 5 * 60_000

const fieldsOf = (expr: string) => expr.trim().split(/\s+/)

/** Minute 0 with a wildcard hour (`0 * * * *`, `0 0 * * * *`): the expressions staggered by default. */
export const isTopOfHour = (expr: string): boolean => {
  const fields = fieldsOf(expr)
  const [minute, hour] = fields.length === 6 ? [fields[1], fields[2]] : [fields[0], fields[1]]
  const secondOk = fields.length !== 6 || fields[0] === "0"
  return secondOk && minute === "0" && hour === "*"
}

const cronOf = (expr: string, tz: string | undefined) =>
  // DOM and DOW both restricted match either one (the classic Vixie OR), 5 or 6 fields only.
  new Cron(expr, { paused: true, mode: "5-or-6-parts", domAndDow: false, ...(tz === undefined || tz === "" ? {} : { timezone: tz }) })

/** Why an expression (or its time zone) cannot be scheduled, or `undefined` when it can. */
export const cronExprProblem = (expr: string, tz?: string): string | undefined => {
  const count = fieldsOf(expr).length
  if (count !== 5 && count !== 6) return `Invalid cron expression "${expr}": expected 5 fields (or 6 with seconds), got ${count}`
  if (tz !== undefined && tz !== "" && !isValidTimeZone(tz)) return `Invalid timezone "${tz}": use an IANA name such as Europe/Berlin`
  try {
    const next = cronOf(expr, tz).nextRun(new Date(0))
    return next === null ? `Cron expression "${expr}" never fires` : undefined
  } catch (error) {
    return `Invalid cron expression "${expr}": ${error instanceof Error ? error.message : String(error)}`
  }
}

/** True for an IANA zone name this runtime knows. */
export const isValidTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** The stagger window a cron schedule actually uses (explicit, else 5 min at the top of the hour, else 0). */
export const effectiveStaggerMs = (schedule: { readonly expr: string; readonly staggerMs?: number }): number =>
  schedule.staggerMs ?? (isTopOfHour(schedule.expr) ? DEFAULT_TOP_OF_HOUR_STAGGER_MS : 0)

/** A stable offset in `[0, windowMs)` per job id, so the same job always fires at the same point of its window. */
export const staggerOffsetMs = (jobId: string, windowMs: number): number => {
  if (windowMs <= 0) return 0
  let hash = 2166136261
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 16777619)
  return (hash >>> 0) % windowMs
}

/** An `at` value (ISO, with or without offset) in epoch ms; an ISO time without offset is UTC. */
export const parseAtMs = (at: string): number | undefined => {
  const text = at.trim()
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text)
  const ms = Date.parse(hasZone || !/T\d/.test(text) && !/^\d{4}-\d\d-\d\d \d/.test(text) ? text : `${text}Z`)
  return Number.isFinite(ms) ? ms : undefined
}

/**
 * The next time a job is due after `nowMs`, or `undefined` when it never is again. A one-shot that
 * has run has no next time; `every` keeps its anchor's phase; a cron time is shifted by the job's
 * stagger offset (the next slot whose shifted time is after now).
 */
export const nextRunAtMs = (
  schedule: CronSchedule,
  job: { readonly id: string; readonly createdAtMs: number; readonly lastRunAtMs?: number | undefined },
  nowMs: number
): number | undefined => {
  switch (schedule.kind) {
    case "at":
      return job.lastRunAtMs === undefined ? parseAtMs(schedule.at) : undefined
    case "every": {
      const anchor = schedule.anchorMs ?? job.createdAtMs
      const steps = Math.max(1, Math.floor((nowMs - anchor) / schedule.everyMs) + 1)
      return anchor + steps * schedule.everyMs
    }
    case "cron": {
      const offset = staggerOffsetMs(job.id, effectiveStaggerMs(schedule))
      try {
        const next = cronOf(schedule.expr, schedule.tz).nextRun(new Date(nowMs - offset))
        return next === null ? undefined : next.getTime() + offset
      } catch {
        return undefined
      }
    }
    case "on-exit":
    case "stream":
      return undefined
  }
}

/** Schedules that fire on an event rather than a time. */
export const isEventSchedule = (schedule: CronSchedule): schedule is OnExitSchedule | StreamSchedule =>
  schedule.kind === "on-exit" || schedule.kind === "stream"

/** Recurring error backoff: 30 s, 1 m, 5 m, 15 m, then 60 m for every further consecutive error. */
export const ERROR_BACKOFF_MS: ReadonlyArray<number> = [30_000, 60_000, 300_000, 900_000, 3_600_000]

/** The delay before retrying after `consecutiveErrors` errors in a row (0 when there are none). */
export const errorBackoffMs = (consecutiveErrors: number): number =>
  consecutiveErrors <= 0 ? 0 : ERROR_BACKOFF_MS[Math.min(consecutiveErrors, ERROR_BACKOFF_MS.length) - 1] ?? 3_600_000
