import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Runtime, TestClock } from "effect"
import { makeTtlCache } from "../../src/layers/gateway/ttlCache.js"

describe("makeTtlCache", () => {
  it.effect("computes once per ttl; a refresh computes anew", () =>
    Effect.gen(function*() {
      let computed = 0
      const cache = yield* makeTtlCache(Effect.sync(() => ++computed), "1 second")
      expect(yield* cache.get).toBe(1)
      yield* TestClock.adjust("999 millis")
      expect(yield* cache.get).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* cache.get).toBe(2)
      expect(yield* cache.refresh).toBe(3)
      expect(yield* cache.get).toBe(3)
    }))

  it.effect("a hit completes within the fork that asks (Effect.cachedWithTTL's hit waits for a scheduler hop)", () =>
    Effect.gen(function*() {
      const cache = yield* makeTtlCache(Effect.succeed("value"), "1 hour")
      yield* cache.get
      // Forked with this test's runtime (its TestClock), as the gateway forks requests with its own.
      const hit = Runtime.runFork(yield* Effect.runtime<never>())(cache.get).unsafePoll()
      expect(hit !== null && Exit.isSuccess(hit) && hit.value).toBe("value")
    }))

  it.effect("callers that find it stale while it is being computed take that computation's value", () =>
    Effect.gen(function*() {
      let computed = 0
      const gate = yield* Deferred.make<void>()
      const cache = yield* makeTtlCache(Effect.zipRight(Deferred.await(gate), Effect.sync(() => ++computed)), "1 second")
      const callers = yield* Effect.forkAll(Array.from({ length: 5 }, () => cache.get), { discard: false })
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(callers)).toEqual([1, 1, 1, 1, 1])
      expect(computed).toBe(1)
    }))
})
