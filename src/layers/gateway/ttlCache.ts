import { Clock, Duration, Effect, Ref } from "effect"

/**
 * A value computed at most once per `ttl`. A hit is two synchronous reads (clock and ref), so a request
 * served from the cache never leaves its fiber (`Effect.cachedWithTTL` awaits a Deferred even on a hit,
 * which costs every call a scheduler hop). Expired, it is computed again by one caller at a time; the
 * callers waiting meanwhile take that caller's value.
 */
export const makeTtlCache = <A, E, R>(compute: Effect.Effect<A, E, R>, ttl: Duration.DurationInput) =>
  Effect.gen(function*() {
    const ttlMs = Duration.toMillis(ttl)
    const current = yield* Ref.make<{ readonly value: A; readonly expiresAtMs: number } | undefined>(undefined)
    const lock = yield* Effect.makeSemaphore(1)
    const fresh = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(Ref.get(current), (cached) => (cached !== undefined && now < cached.expiresAtMs ? cached : undefined)))
    const measure = Effect.flatMap(Clock.currentTimeMillis, (started) =>
      Effect.tap(compute, (value) => Ref.set(current, { value, expiresAtMs: started + ttlMs })))
    const refreshIfStale = lock.withPermits(1)(Effect.flatMap(fresh, (cached) => (cached !== undefined ? Effect.succeed(cached.value) : measure)))
    return {
      /** The cached value while it is younger than `ttl`, else a new one. */
      get: Effect.flatMap(fresh, (cached) => (cached !== undefined ? Effect.succeed(cached.value) : refreshIfStale)),
      /** A new value, whatever the cache holds. */
      refresh: lock.withPermits(1)(measure)
    }
  })
