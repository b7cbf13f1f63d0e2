import { Effect, Layer, Ref, Schedule, Stream } from "effect"
import { retrySchedule } from "../../domain/models/retry.js"
import { ModelClient } from "../../services/ModelClient.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"

/**
 * Retries transient failures (rate limit, overload, 5xx, broken connections) on the same provider, a
 * bounded number of times, waiting `retry-after` when given (a longer one than the cap surfaces at
 * once so fallback can run). Streams retry only before their first event.
 */
export const ModelRetryLive = Layer.effect(
  ModelClient,
  Effect.gen(function*() {
    const inner = yield* ModelClient
    const { retry: policy } = yield* ModelPolicy
    const schedule = retrySchedule(policy).pipe(
      Schedule.tapOutput((step) =>
        step === undefined
          ? Effect.void
          : Effect.logWarning(
            `model ${step.error.provider}/${step.error.model} failed (${step.error.reason}: ${step.error.message}); retry ${step.retry}/${policy.maxRetries} in ${step.delayMs}ms`
          ))
    )
    return {
      complete: Effect.fn("ModelRetry.complete")(function*(request) {
        return yield* Effect.retry(inner.complete(request), schedule)
      }),
      stream: (request) =>
        Stream.unwrap(
          Effect.map(Ref.make(false), (started) =>
            inner.stream(request).pipe(
              Stream.tap(() => Ref.set(started, true)),
              // Once an event went out, a retry would repeat it: the failure surfaces instead.
              Stream.retry(Schedule.checkEffect(schedule, () => Effect.map(Ref.get(started), (hasStarted) => !hasStarted)))
            ))
        ).pipe(Stream.withSpan("ModelRetry.stream"))
    }
  })
)
