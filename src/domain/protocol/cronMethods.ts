import { Schema } from "effect"
import { CronDelivery, CronJob, CronPayload, CronRunEntry, FailureAlert, SessionTarget } from "../cron/job.js"
import { ClearableJobFields, CronDeliveryPatch, CronPayloadPatch } from "../cron/jobPatch.js"
import { CronPacing } from "../cron/pacing.js"
import { CronSchedule } from "../cron/schedule.js"
import { CRON_SCRATCH_MAX_BYTES, CronScratch } from "../cron/scratch.js"
import { CronTrigger } from "../cron/script.js"
import { HeartbeatEvent } from "../heartbeat/event.js"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

const spec = defineMethod

const Id = Schema.String.pipe(Schema.minLength(1))
const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const Preview = Schema.Struct({ label: Schema.String, detail: Schema.String })
const Limit = Schema.Int.pipe(Schema.between(1, 500))
const Offset = Schema.Int.pipe(Schema.nonNegative())

/** `cron.list` params: the original CLI's and the Control UI's filters. */
export const CronListParams = Schema.Struct({
  agentId: opt(Schema.String),
  includeDisabled: opt(Schema.Boolean),
  includeDeliveryPreviews: opt(Schema.Boolean),
  compact: opt(Schema.Boolean),
  limit: opt(Limit),
  offset: opt(Offset),
  enabled: opt(Schema.Literal("all", "enabled", "disabled")),
  sortBy: opt(Schema.String),
  sortDir: opt(Schema.Literal("asc", "desc")),
  scheduleKind: opt(Schema.String),
  lastRunStatus: opt(Schema.String),
  trigger: opt(Schema.String),
  query: opt(Schema.String)
})
export type CronListParams = typeof CronListParams.Type

/** Jobs stay open records on the wire so the CLI reads any gateway's jobs (newer payload kinds included). */
export const CronListResult = Schema.Struct({
  jobs: Schema.Array(AnyRecord),
  snapshotRevision: opt(Schema.String),
  total: opt(Schema.Number),
  offset: opt(Schema.Number),
  limit: opt(Schema.Number),
  hasMore: opt(Schema.Boolean),
  nextOffset: opt(Schema.NullOr(Schema.Number)),
  deliveryPreviews: opt(Schema.Record({ key: Schema.String, value: Preview }))
})
export type CronListResult = typeof CronListResult.Type

export const CronStatusResult = Schema.Struct({
  enabled: Schema.Boolean,
  triggersEnabled: opt(Schema.Boolean),
  storePath: opt(Schema.String),
  storage: opt(Schema.String),
  sqlitePath: opt(Schema.String),
  jobs: Schema.Number,
  nextWakeAtMs: Schema.NullOr(Schema.Number)
})
export type CronStatusResult = typeof CronStatusResult.Type

/** `cron.add` params: a job definition. */
export const CronAddParams = Schema.Struct({
  name: Id,
  schedule: CronSchedule,
  payload: CronPayload,
  trigger: opt(CronTrigger),
  sessionTarget: opt(SessionTarget),
  wakeMode: opt(Schema.Literal("now", "next-heartbeat")),
  delivery: opt(CronDelivery),
  failureAlert: opt(FailureAlert),
  agentId: opt(Schema.String),
  sessionKey: opt(Schema.String),
  description: opt(Schema.String),
  displayName: opt(Schema.String),
  declarationKey: opt(Schema.String),
  enabled: opt(Schema.Boolean),
  deleteAfterRun: opt(Schema.Boolean),
  pacing: opt(CronPacing)
})
export type CronAddParams = typeof CronAddParams.Type

const { declarationKey: _key, trigger: _trigger, payload: _payload, delivery: _delivery, agentId: _agent, sessionKey: _session, displayName: _display, pacing: _pacing, ...replacedFields } = CronAddParams.fields

/**
 * `cron.update` patch: any field of a job definition but its declaration key, each optional; payload and
 * delivery are merged field by field, and `null` removes a field (as the original's `cron edit --clear-*`;
 * `trigger: null` removes the condition trigger, `pacing: null` the pacing bounds).
 */
export const CronJobPatchParams = Schema.Struct({
  ...replacedFields,
  ...ClearableJobFields,
  trigger: opt(Schema.NullOr(CronTrigger)),
  pacing: opt(Schema.NullOr(CronPacing)),
  payload: opt(CronPayloadPatch),
  delivery: opt(CronDeliveryPatch)
}).pipe(Schema.partialWith({ exact: true }))
export type CronJobPatchParams = typeof CronJobPatchParams.Type

export const CronUpdateParams = Schema.Struct({ id: opt(Id), jobId: opt(Id), patch: CronJobPatchParams })
export const CronIdParams = Schema.Struct({ id: opt(Id), jobId: opt(Id) })
export const CronRunParams = Schema.Struct({ id: opt(Id), jobId: opt(Id), mode: opt(Schema.Literal("due", "force")) })

export const CronRunResult = Schema.Struct({
  ok: Schema.Boolean,
  enqueued: opt(Schema.Boolean),
  ran: opt(Schema.Boolean),
  runId: opt(Schema.String),
  reason: opt(Schema.String),
  processInstanceId: opt(Schema.String)
})
export type CronRunResult = typeof CronRunResult.Type

export const CronRunsParams = Schema.Struct({
  id: opt(Id),
  jobId: opt(Id),
  runId: opt(Schema.String),
  limit: opt(Limit),
  offset: opt(Offset),
  status: opt(Schema.Literal("all", "ok", "error", "skipped")),
  deliveryStatus: opt(Schema.Literal("delivered", "not-delivered", "unknown", "not-requested")),
  query: opt(Schema.String),
  sortDir: opt(Schema.Literal("asc", "desc")),
  scope: opt(Schema.String),
  agentId: opt(Schema.String)
})
export type CronRunsParams = typeof CronRunsParams.Type

export const CronRunsResult = Schema.Struct({
  entries: Schema.Array(Schema.Union(CronRunEntry, AnyRecord)),
  total: Schema.Number,
  offset: Schema.Number,
  limit: Schema.Number,
  hasMore: Schema.Boolean,
  nextOffset: Schema.NullOr(Schema.Number)
})
export type CronRunsResult = typeof CronRunsResult.Type

/** `cron.scratch.get`: a job's private scratch. */
export const CronScratchGetResult = Schema.Struct({ scratch: Schema.NullOr(CronScratch), currentRevision: Schema.Int, maxBytes: Schema.Int })
export type CronScratchGetResult = typeof CronScratchGetResult.Type

/** `cron.scratch.set`: replace (`content`) or clear (`null`), optionally only from `expectedRevision`. */
export const CronScratchSetParams = Schema.Struct({
  id: opt(Id),
  jobId: opt(Id),
  content: Schema.NullOr(Schema.String.pipe(Schema.maxLength(CRON_SCRATCH_MAX_BYTES))),
  expectedRevision: opt(Schema.Int.pipe(Schema.nonNegative()))
})
export const CronScratchSetResult = Schema.Union(
  Schema.Struct({ ok: Schema.Literal(true), scratch: Schema.NullOr(CronScratch), currentRevision: Schema.Int, maxBytes: Schema.Int }),
  Schema.Struct({ ok: Schema.Literal(false), reason: Schema.Literal("revision-conflict"), currentRevision: Schema.Int })
)
export type CronScratchSetResult = typeof CronScratchSetResult.Type

export const SetHeartbeatsParams = Schema.Struct({ enabled: Schema.Boolean })
export const WakeParams = Schema.Struct({ mode: Schema.Literal("now", "next-heartbeat"), text: Schema.String, sessionKey: opt(Schema.String), agentId: opt(Schema.String) })
export const SystemEventParams = Schema.Struct({ text: Schema.String, sessionKey: opt(Schema.String), mode: opt(Schema.Literal("now", "next-heartbeat")) })
const Ok = Schema.Struct({ ok: Schema.Boolean })

/**
 * The scheduler's and heartbeat's RPCs, names, params and scopes as the original serves them: reads
 * need `operator.read`, job changes `operator.admin`, `wake` `operator.write`.
 */
export const CronMethods = {
  list: spec("cron.list", "operator.read", CronListParams, CronListResult),
  status: spec("cron.status", "operator.read", Schema.Struct({}), CronStatusResult),
  runs: spec("cron.runs", "operator.read", CronRunsParams, CronRunsResult),
  add: spec("cron.add", "operator.admin", CronAddParams, AnyRecord),
  update: spec("cron.update", "operator.admin", CronUpdateParams, AnyRecord),
  remove: spec("cron.remove", "operator.admin", CronIdParams, Schema.Struct({ ok: Schema.Boolean, removed: Schema.Boolean })),
  run: spec("cron.run", "operator.admin", CronRunParams, CronRunResult),
  scratchGet: spec("cron.scratch.get", "operator.admin", CronIdParams, CronScratchGetResult),
  scratchSet: spec("cron.scratch.set", "operator.admin", CronScratchSetParams, CronScratchSetResult),
  lastHeartbeat: spec("last-heartbeat", "operator.read", Schema.Struct({}), Schema.NullOr(HeartbeatEvent), { unknownParams: "ignore" }),
  setHeartbeats: spec("set-heartbeats", "operator.admin", SetHeartbeatsParams, Schema.Struct({ ok: Schema.Boolean, enabled: Schema.Boolean })),
  wake: spec("wake", "operator.write", WakeParams, Ok),
  systemEvent: spec("system-event", "operator.admin", SystemEventParams, Ok)
} as const

/** Used by the CLI to check a job id decodes where it must (`cron get`). */
export const CronJobSchema = CronJob
