import { Schema } from "effect"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

/** Counts of the work a restart waits for, under the original's names. */
export const RestartWorkCounts = Schema.Struct({
  /** RPCs being served (the restart request itself not counted). */
  queueSize: Schema.Number,
  /** Replies still owed to chat channels (none are queued in this version: always 0). */
  pendingReplies: Schema.Number,
  /** Agent runs in progress. */
  embeddedRuns: Schema.Number,
  /** Cron jobs running. */
  activeTasks: Schema.Number,
  totalActive: Schema.Number
})
export type RestartWorkCounts = typeof RestartWorkCounts.Type

/** What the gateway found before restarting: is it safe now, and what blocks it. */
export const RestartPreflight = Schema.Struct({
  safe: Schema.Boolean,
  counts: RestartWorkCounts,
  blockers: Schema.Array(Schema.Struct({ kind: Schema.String, count: Schema.Number, message: Schema.String })),
  summary: Schema.String
})
export type RestartPreflight = typeof RestartPreflight.Type

/**
 * Result of `gateway.restart.request`, the original's shape. This gateway restarts in process (`mode:
 * "in-process"`, no `signal`) and adds `drainBudgetMs`; the original's `signal: "SIGUSR1"`, `mode: "emit"`
 * decode too, so `restart --safe` works against either gateway.
 */
export const RestartRequestResult = Schema.Struct({
  ok: Schema.Boolean,
  /** `scheduled`: restarting now; `deferred`: restarting once the blockers drain (or the budget runs out). */
  status: Schema.String,
  preflight: RestartPreflight,
  restart: Schema.Struct({
    ok: Schema.Boolean,
    pid: Schema.Number,
    signal: opt(Schema.String),
    delayMs: Schema.Number,
    mode: Schema.String,
    /** Joined a restart that was already scheduled or deferred. */
    coalesced: Schema.Boolean,
    cooldownMsApplied: Schema.Number,
    /** How long a deferred restart waits for the blockers before it is forced; `null`: no limit. */
    drainBudgetMs: opt(Schema.NullOr(Schema.Number))
  })
})
export type RestartRequestResult = typeof RestartRequestResult.Type

/**
 * `gateway.restart.request` params. `reason` and `skipDeferral` are the original's; `target` (the
 * original CLI's pid/owner/port check) is accepted and checked against this process; `waitMs` is this
 * version's drain budget for `restart --wait` (`0`: no limit). Other keys are ignored, as the original's
 * loose handler does.
 */
export const RestartRequestParams = Schema.Struct({
  reason: opt(Schema.String),
  skipDeferral: opt(Schema.Unknown),
  target: opt(Schema.Struct({ pid: opt(Schema.Number), ownerId: opt(Schema.String), port: opt(Schema.Number) })),
  waitMs: opt(Schema.Int.pipe(Schema.nonNegative()))
})
export type RestartRequestParams = typeof RestartRequestParams.Type

/** The gateway's restart coordination methods, with the original 2026.9.6's names and scope. */
export const RestartMethods = {
  request: defineMethod("gateway.restart.request", "operator.admin", RestartRequestParams, RestartRequestResult, { controlPlaneWrite: true, unknownParams: "ignore" }),
  /** The original's deprecated read-only preview of what a restart would wait for. */
  preflight: defineMethod("gateway.restart.preflight", "operator.admin", Schema.Struct({}), RestartPreflight, { unknownParams: "ignore" })
}
