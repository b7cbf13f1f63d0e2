import { Context, type Effect } from "effect"
import type { FailureAlertPlan } from "../domain/cron/failureAlert.js"
import type { CronJob } from "../domain/cron/job.js"
import type { RunOutcome } from "../domain/cron/finishRun.js"

/** What a payload run reports (the scheduler adds the run's start time). */
export type ExecutionOutcome = Omit<RunOutcome, "runId" | "runAtMs">

/** How a failure alert's delivery went. */
export interface AlertDelivery {
  readonly status: "delivered" | "not-delivered"
  readonly error?: string | undefined
}

/**
 * Runs a job's payload and delivers its result (systemEvent, agentTurn, command, heartbeat), and
 * sends failure alerts: the part of cron that touches agents, processes and channels.
 */
export class CronExecutor extends Context.Tag("openclaw/CronExecutor")<CronExecutor, {
  /** Never fails: a failure is an outcome with `status: "error"`. */
  readonly execute: (job: CronJob, runId: string) => Effect.Effect<ExecutionOutcome>
  /** Sends a failure alert (chat or webhook); answers how it went, and why not when it did not. */
  readonly alert: (job: CronJob, plan: FailureAlertPlan) => Effect.Effect<AlertDelivery>
}>() {}
