import { Duration, Effect, Layer, Ref, Stream } from "effect"
import { type ModelCallError, type ModelError, retryAfterOf } from "../../domain/models/errors.js"
import { isTransient } from "../../domain/models/failover.js"
import { ModelClient } from "../../services/ModelClient.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"

/** How long to wait before retry number `retry` (1-based), or `undefined` when not to retry. */
export const retryDelay = (
  error: ModelCallError,
  retry: number,
  policy: { readonly maxRetries: number; readonly baseDelay: Duration.DurationInput; readonly maxDelay: Duration.DurationInput; readonly retryAfterCap: Duration.DurationInput }
): number | undefined => {
  if (retry > policy.maxRetries) return undefined
  // Our own timeout already spent the time budget; the long-context refusal repeats for the same payload.
  if (error._tag === "ModelTimeout" || (error._tag === "ModelRateLimited" && error.longContext)) return undefined
  if (!isTransient(error.reason)) return undefined
  const hinted = retryAfterOf(error)
  if (hinted !== undefined) return hinted > Duration.toMillis(policy.retryAfterCap) ? undefined : hinted
  return Math.min(Duration.toMillis(policy.baseDelay) * 2 ** (retry - 1), Duration.toMillis(policy.maxDelay))
}

const asCallError = (error: ModelError): ModelCallError | undefined => (error._tag === "ModelFailover" ? undefined : error)

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
    const waitFor = (error: ModelError, retry: number) => {
      const call = asCallError(error)
      const delay = call === undefined ? undefined : retryDelay(call, retry, policy)
      return delay === undefined || call === undefined
        ? undefined
        : Effect.logWarning(`model ${call.provider}/${call.model} failed (${call.reason}: ${call.message}); retry ${retry}/${policy.maxRetries} in ${delay}ms`).pipe(
          Effect.zipRight(Effect.sleep(Duration.millis(delay)))
        )
    }
    return {
      complete: (request) => {
        const attempt = (retry: number): ReturnType<typeof inner.complete> =>
          inner.complete(request).pipe(
            Effect.catchAll((error) => {
              const wait = waitFor(error, retry)
              return wait === undefined ? Effect.fail(error) : Effect.zipRight(wait, attempt(retry + 1))
            })
          )
        return attempt(1)
      },
      stream: (request) =>
        Stream.unwrap(
          Effect.map(Ref.make(false), (started) => {
            const attempt = (retry: number): ReturnType<typeof inner.stream> =>
              inner.stream(request).pipe(
                Stream.tap(() => Ref.set(started, true)),
                Stream.catchAll((error) =>
                  Stream.unwrap(
                    Effect.map(Ref.get(started), (hasStarted) => {
                      const wait = hasStarted ? undefined : waitFor(error, retry)
                      return wait === undefined ? Stream.fail(error) : Stream.unwrap(Effect.as(wait, attempt(retry + 1)))
                    })
                  )
                )
              )
            return attempt(1)
          })
        )
    }
  })
)
