import { Duration, Effect, Layer, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { ModelTimeout } from "../../domain/models/errors.js"
import { ModelClient } from "../../services/ModelClient.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"

/**
 * Bounds each provider call by `models.providers.<id>.timeoutSeconds`, else the policy's default:
 * the whole call for `complete`, the wait for each next piece for `stream`.
 */
export const ModelTimeoutLive = Layer.effect(
  ModelClient,
  Effect.gen(function*() {
    const inner = yield* ModelClient
    const policy = yield* ModelPolicy
    const limitOf = (target: ModelTarget) => target.providerEntry.timeoutMs ?? Duration.toMillis(policy.timeout)
    const timeout = (target: ModelTarget, ms: number) => () =>
      new ModelTimeout({
        message: `LLM request timed out after ${Math.round(ms / 1000)}s (${target.key})`,
        provider: target.provider,
        model: target.model,
        reason: "timeout",
        status: 408,
        timeoutMs: ms
      })
    return {
      complete: Effect.fn("ModelTimeout.complete")(function*(request) {
        const ms = limitOf(request.target)
        return yield* inner.complete(request).pipe(Effect.timeoutFail({ duration: Duration.millis(ms), onTimeout: timeout(request.target, ms) }))
      }),
      stream: (request) => {
        const ms = limitOf(request.target)
        return inner.stream(request).pipe(Stream.timeoutFail(timeout(request.target, ms), Duration.millis(ms)), Stream.withSpan("ModelTimeout.stream"))
      }
    }
  })
)
