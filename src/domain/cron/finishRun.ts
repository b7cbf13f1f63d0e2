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
  /** A paced job's proposed delay to its next check (the agent's `next_check`). */
  readonly nextCheckMs?: number | undefined
}

/** The failure alert defaults: after 2 consecutive failures, at most one per hour. */
export const FAILURE_ALERT_AFTER = 2
export const FAILURE_ALERT_COOLDOWN_MS = 3_600_000

/** What the scheduler does after a run: the job's new state (or its deletion), the history line, an alert. */
export interface FinishedRun {
  readonly job: CronJob | undefined
  readonly entry: CronRunEntry
  readonly alert: boolean
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
  defaults: { readonly alertAfter?: number | undefined; readonly alertCooldownMs?: number | undefined; readonly includeSkipped?: boolean | undefined; readonly alertsEnabled?: boolean | undefined } = {}
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

  const policy = job.failureAlert === false ? undefined : job.failureAlert
  const alertsOn = job.failureAlert !== false && defaults.alertsEnabled !== false
  const after = policy?.after ?? defaults.alertAfter ?? FAILURE_ALERT_AFTER
  const cooldown = policy?.cooldownMs ?? defaults.alertCooldownMs ?? FAILURE_ALERT_COOLDOWN_MS
  const includeSkipped = policy?.includeSkipped ?? defaults.includeSkipped ?? false
  const streak = outcome.status === "error" ? errors : outcome.status === "skipped" && includeSkipped ? skips : 0
  const last = job.state.lastFailureAlertAtMs
  const alert = alertsOn && streak >= after && (last === undefined || nowMs - last >= cooldown)

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
    lastFailureNotificationDeliveryStatus: kept.lastFailureNotificationDeliveryStatus ?? "not-requested",
    lastFailureAlertAtMs: alert ? nowMs : kept.lastFailureAlertAtMs,
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
