import type { CronJob, CronJobState, RunStatus } from "./job.js"
import { applyTriggerEval, triggerFloor, type TriggerEval } from "./script.js"

const omitUndefined = <T>(value: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

/**
 * A trigger that did not fire: the evaluation is counted and its state kept, the job waits for its
 * next slot (at least the minimum interval away), and no run is recorded.
 */
export const quietEvaluation = (job: CronJob, evaluation: TriggerEval, nowMs: number, minIntervalMs: number): CronJob => {
  const { runningAtMs: _running, ...kept } = job.state
  const state = applyTriggerEval(kept, evaluation, true, nowMs)
  return { ...job, state: omitUndefined<CronJobState>({ ...state, nextRunAtMs: job.enabled ? triggerFloor(job, state.nextRunAtMs, nowMs, minIntervalMs) : undefined }) }
}

/**
 * What a finished run's scripts change besides the usual bookkeeping: the trigger's counters and its
 * state (kept only when the payload succeeded), a script payload's returned state (likewise), `once`
 * disabling the job after its first successful fired run, and the minimum interval to the next check.
 */
export const applyScriptOutcome = (
  job: CronJob,
  outcome: { readonly status: RunStatus; readonly triggerEval?: TriggerEval | undefined; readonly scriptState?: { readonly state: unknown } | undefined },
  nowMs: number,
  minIntervalMs: number
): CronJob => {
  const ok = outcome.status === "ok"
  let state: CronJobState = outcome.triggerEval === undefined ? job.state : applyTriggerEval(job.state, outcome.triggerEval, ok, nowMs)
  if (ok && outcome.scriptState !== undefined) state = { ...state, triggerState: outcome.scriptState.state }
  if (ok && outcome.triggerEval?.fired === true && job.trigger?.once === true) {
    return { ...job, enabled: false, state: omitUndefined<CronJobState>({ ...state, nextRunAtMs: undefined }) }
  }
  return { ...job, state: omitUndefined<CronJobState>({ ...state, nextRunAtMs: triggerFloor(job, state.nextRunAtMs, state.lastTriggerEvalAtMs, minIntervalMs) }) }
}
