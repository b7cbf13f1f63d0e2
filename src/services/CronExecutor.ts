import { Context, type Effect } from "effect"
import type { CronJob, CronRunEntry } from "../domain/cron/job.js"
import type { RunOutcome } from "../domain/cron/finishRun.js"

/** What a payload run reports (the scheduler adds the run's start time). */
export type ExecutionOutcome = Omit<RunOutcome, "runId" | "runAtMs">

/**
 * Runs a job's payload and delivers its result (systemEvent, agentTurn, command, heartbeat), and
 * sends failure alerts: the part of cron that touches agents, processes and channels.
 */
export class CronExecutor extends Context.Tag("openclaw/CronExecutor")<CronExecutor, {
  /** Never fails: a failure is an outcome with `status: "error"`. */
  readonly execute: (job: CronJob, runId: string) => Effect.Effect<ExecutionOutcome>
  /** Sends the failure alert for a run; answers how it went. */
  readonly alert: (job: CronJob, entry: CronRunEntry) => Effect.Effect<"delivered" | "not-delivered" | "not-requested">
}>() {}
