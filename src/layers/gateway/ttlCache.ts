import { Duration, Effect, Exit } from "effect"

/**
 * A value computed at most once per `ttl`. A hit is one synchronous step (a clock read and a comparison),
 * so a request served from the cache never leaves its fiber (`Effect.cachedWithTTL` awaits a Deferred even
 * on a hit, which costs every call a scheduler hop). Expired, it is computed again by one caller at a time;
 * the callers waiting meanwhile take that caller's value.
 */
export const makeTtlCache = <A, E, R>(compute: Effect.Effect<A, E, R>, ttl: Duration.DurationInput) =>
  Effect.gen(function*() {
    const ttlMs = Duration.toMillis(ttl)
    const clock = yield* Effect.clock
    // Kept as an Exit: a hit returns it as it is (an Exit is an Effect), nothing allocated per call.
    let current: { readonly value: Exit.Exit<A>; readonly expiresAtMs: number } | undefined
    const fresh = () => (current !== undefined && clock.unsafeCurrentTimeMillis() < current.expiresAtMs ? current.value : undefined)
    const lock = yield* Effect.makeSemaphore(1)
    const measure = Effect.suspend(() => {
      const started = clock.unsafeCurrentTimeMillis()
      return Effect.tap(compute, (value) => {
        current = { value: Exit.succeed(value), expiresAtMs: started + ttlMs }
      })
    })
    const refreshIfStale = lock.withPermits(1)(Effect.suspend(() => fresh() ?? measure))
    return {
      /** The cached value while it is younger than `ttl`, else a new one. */
      get: Effect.suspend(() => fresh() ?? refreshIfStale),
      /** The cached value as an Exit while it is younger than `ttl` (plain code: nothing to run), else undefined. */
      peek: fresh,
      /** A new value, whatever the cache holds. */
      refresh: lock.withPermits(1)(measure)
    }
  })
