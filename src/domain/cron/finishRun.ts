import type { FailoverReason } from "../models/failover.js"
import { type FailureAlertPlan, type FailureDetail, type GlobalFailureAlert, planFailureAlert } from "./failureAlert.js"
import type { CronJob, CronJobState, CronRunEntry, DeliveryStatus, RunStatus } from "./job.js"
import { pacedNextRunAtMs } from "./pacing.js"
import { errorBackoffMs, nextRunAtMs } from "./schedule.js"

/** What one run of a job came to. */
export interface RunOutcome {
  readonly runId: string
  readonly runAtMs: number
  readonly status: RunStatus
  readonly error?: string | undefined
  readonly summary?: string | undefined
  readonly deliveryStatus: DeliveryStatus
  readonly deliveryError?: string | undefined
  readonly sessionKey?: string | undefined
  readonly model?: string | undefined
  readonly provider?: string | undefined
  /** A model failure's classification, shown in a failure alert instead of the provider's words. */
  readonly errorReason?: FailoverReason | undefined
  /** A fact the payload vouches for (a command's exit code), shown in a failure alert. */
  readonly failureDetail?: FailureDetail | undefined
  /** A paced job's proposed delay to its next check (the agent's `next_check`). */
  readonly nextCheckMs?: number | undefined
}

/** What the scheduler does after a run: the job's new state (or its deletion), the history line, an alert. */
export interface FinishedRun {
  readonly job: CronJob | undefined
  readonly entry: CronRunEntry
  readonly alert: FailureAlertPlan | undefined
}

/** Drops `undefined` fields, so the result fits a schema type with exact optional fields. */
const omitUndefined = <T>(value: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

/**
 * Applies a finished run to its job: counters (errors back off, successes reset, skips counted apart),
 * the next run (a recurring job's natural slot, pushed out by the error backoff; a one-shot is spent),
 * and whether a failure alert is due (`after` consecutive failures, once per cooldown).
 */
export const finishRun = (
  job: CronJob,
  outcome: RunOutcome,
  nowMs: number,
  failureAlert?: GlobalFailureAlert | undefined
): FinishedRun => {
  const errors = outcome.status === "error" ? (job.state.consecutiveErrors ?? 0) + 1 : outcome.status === "ok" ? 0 : job.state.consecutiveErrors ?? 0
  const skips = outcome.status === "skipped" ? (job.state.consecutiveSkipped ?? 0) + 1 : 0
  // An on-exit job fires once, as a one-shot.
  const oneShot = job.schedule.kind === "at" || job.schedule.kind === "on-exit"
  const natural = oneShot ? undefined : nextRunAtMs(job.schedule, { ...job, lastRunAtMs: outcome.runAtMs }, nowMs)
  const paced = natural === undefined ? undefined : pacedNextRunAtMs(job.pacing, outcome, nowMs)
  const next = natural === undefined ? undefined : outcome.status === "error" ? Math.max(natural, nowMs + errorBackoffMs(errors)) : paced ?? natural
  const deliveryFailed = outcome.deliveryStatus === "not-delivered" && job.delivery?.bestEffort !== true
  const completionStatus = outcome.status === "ok" && !deliveryFailed ? "succeeded" : "failed"

  // The heartbeat's own job reports through the heartbeat (its visibility settings), not failure alerts.
  const alert = job.payload.kind === "heartbeat"
    ? undefined
    : planFailureAlert(job, { ...outcome, completionStatus, consecutiveErrors: errors, consecutiveSkipped: skips }, failureAlert, nowMs)
  // A success ends the incident: the next failure streak alerts again without waiting out the cooldown.
  const lastAlertAt = alert !== undefined ? nowMs : completionStatus === "succeeded" ? undefined : job.state.lastFailureAlertAtMs

  const deleted = oneShot && completionStatus === "succeeded" && job.deleteAfterRun === true
  const durationMs = Math.max(0, nowMs - outcome.runAtMs)
  const { runningAtMs: _running, nextRunAtMs: _next, lastError: _lastError, lastDeliveryError: _lastDeliveryError, onExitStartedAtMs: _watched, ...kept } = job.state
  const state = omitUndefined<CronJobState>({
    ...kept,
    nextRunAtMs: oneShot ? undefined : next,
    lastRunAtMs: outcome.runAtMs,
    lastRunStatus: outcome.status,
    lastStatus: outcome.status,
    lastDurationMs: durationMs,
    lastError: outcome.error,
    lastDiagnosticSummary: outcome.summary,
    lastDelivered: outcome.deliveryStatus === "not-requested" ? undefined : outcome.deliveryStatus === "delivered",
    lastDeliveryStatus: outcome.deliveryStatus,
    lastDeliveryError: outcome.deliveryError,
    // An alert about to be sent is `unknown` until the executor reports how it went.
    lastFailureNotificationDeliveryStatus: alert !== undefined ? "unknown" : kept.lastFailureNotificationDeliveryStatus ?? "not-requested",
    lastFailureNotificationDeliveryError: alert !== undefined ? undefined : kept.lastFailureNotificationDeliveryError,
    lastFailureAlertAtMs: lastAlertAt,
    consecutiveErrors: errors,
    consecutiveSkipped: skips
  })
  const entry = omitUndefined<CronRunEntry>({
    ts: nowMs,
    jobId: job.id,
    action: "finished" as const,
    status: outcome.status,
    completionStatus,
    error: outcome.error,
    summary: outcome.summary,
    runId: outcome.runId,
    runAtMs: outcome.runAtMs,
    durationMs,
    nextRunAtMs: state.nextRunAtMs,
    delivered: outcome.deliveryStatus === "not-requested" ? undefined : outcome.deliveryStatus === "delivered",
    deliveryStatus: outcome.deliveryStatus,
    deliveryError: outcome.deliveryError,
    sessionKey: outcome.sessionKey,
    model: outcome.model,
    provider: outcome.provider,
    jobName: job.name
  })
  return {
    job: deleted ? undefined : { ...job, enabled: oneShot ? false : job.enabled, updatedAtMs: nowMs, state },
    entry,
    alert
  }
}
