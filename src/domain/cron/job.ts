import { Schema } from "effect"
import { opt } from "../opt.js"
import { CronPacing } from "./pacing.js"
import { CronSchedule } from "./schedule.js"
import { CronTrigger, ScriptPayload } from "./script.js"

const Str = Schema.String
const Num = Schema.Number

/** What a job does when it fires. `heartbeat` is the system job that owns an agent's heartbeat cadence. */
export const CronPayload = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("systemEvent"), text: Str }),
  Schema.Struct({
    kind: Schema.Literal("agentTurn"),
    message: Str,
    model: opt(Str),
    fallbacks: opt(Schema.Array(Str)),
    thinking: opt(Str),
    timeoutSeconds: opt(Num),
    lightContext: opt(Schema.Boolean),
    /** The tools this job's turns may use (`--tools`); absent or `*` is all of them. */
    toolsAllow: opt(Schema.Array(Str))
  }),
  Schema.Struct({
    kind: Schema.Literal("command"),
    argv: Schema.Array(Str).pipe(Schema.minItems(1)),
    cwd: opt(Str),
    env: opt(Schema.Record({ key: Str, value: Str })),
    input: opt(Str),
    timeoutSeconds: opt(Num),
    /** Kill the process after this long without any output (`--no-output-timeout-seconds`; 0 disables). */
    noOutputTimeoutSeconds: opt(Num.pipe(Schema.nonNegative())),
    /** Output kept per stream, its last bytes (`--output-max-bytes`). */
    outputMaxBytes: opt(Schema.Int.pipe(Schema.positive()))
  }),
  ScriptPayload,
  Schema.Struct({ kind: Schema.Literal("heartbeat") })
)
export type CronPayload = typeof CronPayload.Type

/** Where failure alerts go: a chat (`announce`, channel + peer) or a webhook URL (`to`). */
export const FailureRoute = Schema.Struct({
  mode: opt(Schema.Literal("announce", "webhook")),
  channel: opt(Str),
  to: opt(Str),
  accountId: opt(Str)
})
export type FailureRoute = typeof FailureRoute.Type

/** Where a finished run's text goes. */
export const CronDelivery = Schema.Struct({
  mode: Schema.Literal("none", "announce", "webhook"),
  channel: opt(Str),
  to: opt(Str),
  accountId: opt(Str),
  threadId: opt(Str),
  bestEffort: opt(Schema.Boolean),
  failureDestination: opt(FailureRoute)
})
export type CronDelivery = typeof CronDelivery.Type

/**
 * A job's own failure-alert policy: `false` turns alerts off for the job; an object turns them on and
 * tunes them (threshold, cooldown, skipped runs) and may name where they go.
 */
export const FailureAlert = Schema.Union(
  Schema.Literal(false),
  Schema.Struct({
    after: opt(Schema.Int.pipe(Schema.positive())),
    cooldownMs: opt(Schema.Int.pipe(Schema.nonNegative())),
    includeSkipped: opt(Schema.Boolean),
    ...FailureRoute.fields
  })
)
export type FailureAlert = typeof FailureAlert.Type

export const RunStatus = Schema.Literal("ok", "error", "skipped")
export type RunStatus = typeof RunStatus.Type
export const DeliveryStatus = Schema.Literal("delivered", "not-delivered", "unknown", "not-requested")
export type DeliveryStatus = typeof DeliveryStatus.Type

/** A job's runtime state (persisted with it). */
export const CronJobState = Schema.Struct({
  nextRunAtMs: opt(Num),
  runningAtMs: opt(Num),
  lastRunAtMs: opt(Num),
  lastRunStatus: opt(RunStatus),
  lastStatus: opt(RunStatus),
  lastDurationMs: opt(Num),
  lastError: opt(Str),
  lastDiagnosticSummary: opt(Str),
  lastDelivered: opt(Schema.Boolean),
  lastDeliveryStatus: opt(DeliveryStatus),
  lastDeliveryError: opt(Str),
  lastFailureNotificationDeliveryStatus: opt(DeliveryStatus),
  lastFailureNotificationDeliveryError: opt(Str),
  lastFailureAlertAtMs: opt(Num),
  consecutiveErrors: opt(Num),
  consecutiveSkipped: opt(Num),
  /** The JSON a trigger or script payload returned last (its next run sees it frozen as `trigger.state`). */
  triggerState: opt(Schema.Unknown),
  triggerEvalCount: opt(Num),
  lastTriggerEvalAtMs: opt(Num),
  lastTriggerFireAtMs: opt(Num),
  // Event sources (on-exit, stream): see `cronSources`.
  onExitStartedAtMs: opt(Num),
  streamStatus: opt(Schema.Literal("running", "restarting", "stopped", "error")),
  streamConsecutiveFailures: opt(Num),
  streamRestartExhausted: opt(Schema.Boolean),
  streamDroppedBatches: opt(Num),
  streamCoalescedBatches: opt(Num)
})
export type CronJobState = typeof CronJobState.Type

export const SessionTarget = Schema.Union(Schema.Literal("main", "isolated", "current"), Schema.TemplateLiteral("session:", Str))

/** One scheduled job, as stored and as `cron.list` shows it (before the derived top-level fields). */
export const CronJob = Schema.Struct({
  id: Str,
  declarationKey: opt(Str),
  displayName: opt(Str),
  agentId: opt(Str),
  sessionKey: opt(Str),
  name: Str,
  description: opt(Str),
  enabled: Schema.Boolean,
  deleteAfterRun: opt(Schema.Boolean),
  createdAtMs: Num,
  updatedAtMs: Num,
  schedule: CronSchedule,
  sessionTarget: SessionTarget,
  wakeMode: Schema.Literal("now", "next-heartbeat"),
  payload: CronPayload,
  trigger: opt(CronTrigger),
  delivery: opt(CronDelivery),
  failureAlert: opt(FailureAlert),
  pacing: opt(CronPacing),
  state: CronJobState
})
export type CronJob = typeof CronJob.Type

/** The jobs file (`<state dir>/cron/jobs.json`). */
export const CronStoreFile = Schema.Struct({ version: Schema.Literal(1), jobs: Schema.Array(CronJob) })

/** One line of a job's run history (`<state dir>/cron/runs/<jobId>.jsonl`). */
export const CronRunEntry = Schema.Struct({
  ts: Num,
  jobId: Str,
  action: Schema.Literal("finished"),
  status: RunStatus,
  completionStatus: opt(Schema.Literal("succeeded", "failed", "unknown")),
  error: opt(Str),
  summary: opt(Str),
  runId: opt(Str),
  runAtMs: Num,
  durationMs: Num,
  nextRunAtMs: opt(Num),
  delivered: opt(Schema.Boolean),
  deliveryStatus: opt(DeliveryStatus),
  deliveryError: opt(Str),
  sessionKey: opt(Str),
  model: opt(Str),
  provider: opt(Str),
  jobName: opt(Str)
})
export type CronRunEntry = typeof CronRunEntry.Type

/** How long run history is kept. */
export const RUN_HISTORY_MS = 7 * 86_400_000

/** `status` of a job in `cron.list`: disabled, running, its last run's status, or idle. */
export const jobStatus = (job: CronJob): "disabled" | "running" | RunStatus | "idle" =>
  !job.enabled ? "disabled" : job.state.runningAtMs !== undefined ? "running" : job.state.lastRunStatus ?? "idle"

/** The agent a job runs as. */
export const effectiveAgentId = (job: CronJob): string => job.agentId ?? "main"
