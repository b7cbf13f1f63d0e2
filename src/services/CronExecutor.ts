import { Context, type Effect } from "effect"
import type { FailureAlertPlan } from "../domain/cron/failureAlert.js"
import type { CronJob } from "../domain/cron/job.js"
import type { RunOutcome } from "../domain/cron/finishRun.js"
import type { TriggerEval } from "../domain/cron/script.js"

/**
 * What a payload run reports (the scheduler adds the run's start time). `triggerEval` when a condition
 * trigger was evaluated (`fired: false`: no payload ran, no run history); `scriptState` when a script
 * payload returned state to keep.
 */
export type ExecutionOutcome = Omit<RunOutcome, "runId" | "runAtMs"> & {
  readonly triggerEval?: TriggerEval | undefined
  readonly scriptState?: { readonly state: unknown } | undefined
}

/** How a run was started: scheduled (and `--due`) runs evaluate the trigger, forced manual runs do not; a stream hands over its batch. */
export interface ExecuteOptions {
  readonly evaluateTrigger?: boolean | undefined
  readonly streamBatch?: string | undefined
}

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
  readonly execute: (job: CronJob, runId: string, options?: ExecuteOptions) => Effect.Effect<ExecutionOutcome>
  /** Sends a failure alert (chat or webhook); answers how it went, and why not when it did not. */
  readonly alert: (job: CronJob, plan: FailureAlertPlan) => Effect.Effect<AlertDelivery>
}>() {}
