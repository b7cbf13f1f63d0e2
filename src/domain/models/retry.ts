import { Duration, Schedule } from "effect"
import { type ModelCallError, type ModelError, retryAfterOf } from "./errors.js"
import { isTransient } from "./failover.js"

/** The same-provider retry numbers of `ModelPolicy.retry`. */
export interface RetryPolicy {
  /** Extra tries on the same provider after a transient failure. */
  readonly maxRetries: number
  /** First backoff when the provider sent no `retry-after`; doubles per retry up to `maxDelay`. */
  readonly baseDelay: Duration.DurationInput
  readonly maxDelay: Duration.DurationInput
  /** A longer `retry-after` is not waited for: the failure surfaces so fallback can run. */
  readonly retryAfterCap: Duration.DurationInput
}

/** `baseMs` doubled per retry (`retry` is 1-based), at most `maxMs`. */
export const backoffMs = (retry: number, baseMs: number, maxMs: number): number => Math.min(baseMs * 2 ** (retry - 1), maxMs)

/** How long to wait before retry number `retry` (1-based), or `undefined` when not to retry. */
export const retryDelay = (error: ModelCallError, retry: number, policy: RetryPolicy): number | undefined => {
  if (retry > policy.maxRetries) return undefined
  // Our own timeout already spent the time budget; the long-context refusal repeats for the same payload.
  if (error._tag === "ModelTimeout" || (error._tag === "ModelRateLimited" && error.longContext)) return undefined
  if (!isTransient(error.reason)) return undefined
  const hinted = retryAfterOf(error)
  if (hinted !== undefined) return hinted > Duration.toMillis(policy.retryAfterCap) ? undefined : hinted
  return backoffMs(retry, Duration.toMillis(policy.baseDelay), Duration.toMillis(policy.maxDelay))
}

/** One retry the schedule decided on: the failure, its 1-based number and the wait before it. */
export interface RetryStep {
  readonly error: ModelCallError
  readonly retry: number
  readonly delayMs: number
}

/**
 * The same-provider retry policy as a Schedule over the failures: each failure and its number go
 * through `retryDelay`; the schedule stops (the failure surfaces) when it says not to retry, else
 * waits the delay it gives (`retry-after` up to the cap, else the doubling backoff). A chain's
 * `ModelFailover` is never retried here.
 */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<RetryStep | undefined, ModelError> =>
  Schedule.identity<ModelError>().pipe(
    Schedule.intersect(Schedule.count),
    Schedule.map(([error, count]): RetryStep | undefined => {
      if (error._tag === "ModelFailover") return undefined
      const delayMs = retryDelay(error, count + 1, policy)
      return delayMs === undefined ? undefined : { error, retry: count + 1, delayMs }
    }),
    Schedule.whileOutput((step) => step !== undefined),
    Schedule.addDelay((step) => Duration.millis(step?.delayMs ?? 0))
  )

/** The all-overloaded chain rerun numbers of `ModelPolicy.overloadRetry`. */
export interface OverloadRetryPolicy {
  readonly maxRetries: number
  readonly baseDelay: Duration.DurationInput
  readonly maxDelay: Duration.DurationInput
  /** Tell the user once this much was spent waiting. */
  readonly noticeAfter: Duration.DurationInput
}

/** One rerun of a whole fallback chain: its 1-based number and the wait before it. */
export interface RerunStep {
  readonly retry: number
  readonly delayMs: number
}

/**
 * The rerun of a fallback chain whose every attempt was `overloaded` (spec 1.4), as a Schedule over
 * "was the whole round overloaded": up to `maxRetries` reruns, from `baseDelay` doubling to `maxDelay`.
 */
export const overloadSchedule = (policy: OverloadRetryPolicy): Schedule.Schedule<RerunStep | undefined, boolean> =>
  Schedule.identity<boolean>().pipe(
    Schedule.intersect(Schedule.count),
    Schedule.map(([allOverloaded, count]): RerunStep | undefined =>
      allOverloaded && count < policy.maxRetries
        ? { retry: count + 1, delayMs: backoffMs(count + 1, Duration.toMillis(policy.baseDelay), Duration.toMillis(policy.maxDelay)) }
        : undefined
    ),
    Schedule.whileOutput((step) => step !== undefined),
    Schedule.addDelay((step) => Duration.millis(step?.delayMs ?? 0))
  )
