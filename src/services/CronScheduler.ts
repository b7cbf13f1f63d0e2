import { Context, type Effect } from "effect"
import type { CronJobInvalid, CronJobNotFound } from "../domain/cron/errors.js"
import type { CronDelivery, CronJob, CronPayload, CronRunEntry, FailureAlert, RunStatus } from "../domain/cron/job.js"
import type { CronPacing } from "../domain/cron/pacing.js"
import type { CronSchedule } from "../domain/cron/schedule.js"
import type { CronScratchState, ScratchWrite } from "../domain/cron/scratch.js"
import type { CronTrigger } from "../domain/cron/script.js"
import type { CronJobPatchParams } from "../domain/protocol/cronMethods.js"

/** A new job as `cron.add` receives it (the scheduler fills id, times and state). */
export interface CronJobInput {
  readonly name: string
  readonly schedule: CronSchedule
  readonly payload: CronPayload
  readonly trigger?: CronTrigger | undefined
  readonly sessionTarget?: CronJob["sessionTarget"] | undefined
  readonly wakeMode?: CronJob["wakeMode"] | undefined
  readonly delivery?: CronDelivery | undefined
  readonly failureAlert?: FailureAlert | undefined
  readonly agentId?: string | undefined
  readonly sessionKey?: string | undefined
  readonly description?: string | undefined
  readonly displayName?: string | undefined
  readonly declarationKey?: string | undefined
  readonly enabled?: boolean | undefined
  readonly deleteAfterRun?: boolean | undefined
  readonly pacing?: CronPacing | undefined
}

/** Fields `cron.update` may change (payload and delivery field by field; `null` removes, `trigger: null` too). */
export type CronJobPatch = CronJobPatchParams

/** `cron.status`. */
export interface CronStatus {
  readonly enabled: boolean
  /** False with `cron.triggers.enabled: false` (stream schedules off). */
  readonly triggersEnabled: boolean
  readonly storePath: string
  readonly jobs: number
  readonly nextWakeAtMs: number | null
}

/** `cron.run`: started, or why not. */
export type CronRunResult =
  | { readonly ok: true; readonly enqueued: true; readonly runId: string }
  | { readonly ok: true; readonly ran: false; readonly reason: "not-due" | "already-running" }

/** A page of run history (`cron.runs`). */
export interface CronRunsPage {
  readonly entries: ReadonlyArray<CronRunEntry>
  readonly total: number
  readonly offset: number
  readonly limit: number
  readonly hasMore: boolean
  readonly nextOffset: number | null
}

export interface CronRunsQuery {
  readonly id?: string | undefined
  readonly runId?: string | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
  readonly status?: RunStatus | "all" | undefined
  readonly deliveryStatus?: string | undefined
  readonly query?: string | undefined
  readonly sortDir?: "asc" | "desc" | undefined
}

/**
 * The gateway's scheduler: jobs and their run history on disk, a timer armed for the earliest due
 * job (at most 60 s away), each job run at most once at a time.
 */
export class CronScheduler extends Context.Tag("openclaw/CronScheduler")<CronScheduler, {
  readonly status: Effect.Effect<CronStatus>
  readonly list: (options: { readonly includeDisabled: boolean; readonly agentId?: string | undefined }) => Effect.Effect<ReadonlyArray<CronJob>>
  readonly get: (id: string) => Effect.Effect<CronJob, CronJobNotFound>
  readonly add: (input: CronJobInput) => Effect.Effect<CronJob, CronJobInvalid>
  readonly update: (id: string, patch: CronJobPatch) => Effect.Effect<CronJob, CronJobNotFound | CronJobInvalid>
  readonly remove: (id: string) => Effect.Effect<{ readonly removed: boolean }>
  /** A forced run skips the condition trigger unless `evaluateTrigger` (a stream's batch gate sets it, with the batch). */
  readonly run: (id: string, mode: "due" | "force", options?: { readonly evaluateTrigger?: boolean; readonly streamBatch?: string }) => Effect.Effect<CronRunResult, CronJobNotFound>
  readonly runs: (query: CronRunsQuery) => Effect.Effect<CronRunsPage, CronJobNotFound>
  /** A job's private scratch (the heartbeat monitor's context), kept out of the job itself. */
  readonly readScratch: (id: string) => Effect.Effect<CronScratchState, CronJobNotFound>
  /** Replaces (`content`) or clears (`null`) a job's scratch; a stale `expectedRevision` is a conflict. */
  readonly writeScratch: (id: string, input: { readonly content: string | null; readonly expectedRevision?: number | undefined }) => Effect.Effect<Exclude<ScratchWrite, { readonly ok: true }> | { readonly ok: true; readonly state: CronScratchState }, CronJobNotFound | CronJobInvalid>
  /** A job other than a heartbeat is running (the heartbeat's `cron-in-progress`). */
  readonly busy: Effect.Effect<boolean>
  /** Runs what is due now (the timer calls this; tests and the bench may too). */
  readonly tick: Effect.Effect<void>
  /** Waits until every run started so far has finished and been recorded. */
  readonly idle: Effect.Effect<void>
}>() {}
