import { Clock, Effect, Layer, Ref } from "effect"
import { emptyHealth, type HealthFile, withFailure, withFallback, withSuccess } from "../../src/domain/models/health.js"
import { ModelHealth } from "../../src/services/ModelHealth.js"
import { ModelPolicy } from "../../src/services/ModelPolicy.js"

/** Model health in memory (same bookkeeping as the file-backed layer), for policy tests on the TestClock. */
export const ModelHealthTest = Layer.effect(
  ModelHealth,
  Effect.gen(function*() {
    const policy = yield* ModelPolicy
    const state = yield* Ref.make<HealthFile>(emptyHealth)
    const update = (change: (current: HealthFile, now: number) => HealthFile) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.update(state, (current) => change(current, now)))
    return {
      read: Ref.get(state),
      recordFailure: (attempt) => update((current, now) => withFailure(current, attempt, now, policy.cooldown)),
      recordSuccess: (provider) => update((current, now) => withSuccess(current, provider, now)),
      recordFallback: (record) => update((current) => withFallback(current, record))
    }
  })
)
