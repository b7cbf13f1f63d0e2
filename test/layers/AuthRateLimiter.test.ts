import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import type { OpenClawConfig } from "../../src/domain/config/ConfigSchema.js"
import { DEFAULT_RATE_LIMIT, type RateLimitConfig } from "../../src/domain/rateLimit/lockout.js"
import { AuthRateLimiterLive, rateLimitFromConfig } from "../../src/layers/AuthRateLimiterLive.js"
import { AuthRateLimiter, type LimiterKey } from "../../src/services/AuthRateLimiter.js"

const withLimiter = <A, E>(body: Effect.Effect<A, E, AuthRateLimiter>, config: RateLimitConfig = DEFAULT_RATE_LIMIT) =>
  body.pipe(Effect.provide(AuthRateLimiterLive(config)))

const failTimes = (key: LimiterKey, times: number) =>
  Effect.gen(function*() {
    const limiter = yield* AuthRateLimiter
    for (let i = 0; i < times; i++) yield* limiter.recordFailure(key)
  })

const remote: LimiterKey = { scope: "shared-secret", ip: "203.0.113.5" }

describe("rateLimitFromConfig", () => {
  it("applies the defaults", () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: true })
    expect(rateLimitFromConfig(undefined)).toEqual(DEFAULT_RATE_LIMIT)
    expect(rateLimitFromConfig({})).toEqual(DEFAULT_RATE_LIMIT)
    expect(rateLimitFromConfig({ auth: {} })).toEqual(DEFAULT_RATE_LIMIT)
  })

  it("takes the configured fields and defaults the rest", () => {
    const gateway: OpenClawConfig["gateway"] = { auth: { rateLimit: { maxAttempts: 5, lockoutMs: 0, exemptLoopback: false } } }
    expect(rateLimitFromConfig(gateway)).toEqual({ maxAttempts: 5, windowMs: 60_000, lockoutMs: 0, exemptLoopback: false })
  })
})

describe("AuthRateLimiterLive: failed auth", () => {
  it.effect("10 failures lock that IP for that scope only", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      yield* failTimes(remote, 9)
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
      yield* limiter.recordFailure(remote)
      expect(yield* limiter.lockedFor(remote)).toBe(300_000)
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "198.51.100.7" })).toBeUndefined()
      expect(yield* limiter.lockedFor({ scope: "device-token", ip: "203.0.113.5" })).toBeUndefined()
      // The IPv4-mapped form of the same address shares the bucket.
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "::ffff:203.0.113.5" })).toBe(300_000)
    })))

  it.effect("only recordFailure counts: lockedFor queries consume no budget", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      for (let i = 0; i < 50; i++) yield* limiter.lockedFor(remote)
      yield* failTimes(remote, 9)
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
    })))

  it.effect("retryAfterMs shrinks as the clock advances and the lock lifts after lockoutMs", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      yield* failTimes(remote, 10)
      expect(yield* limiter.lockedFor(remote)).toBe(300_000)
      yield* TestClock.adjust("3 seconds")
      expect(yield* limiter.lockedFor(remote)).toBe(297_000)
      yield* TestClock.adjust("296 seconds")
      expect(yield* limiter.lockedFor(remote)).toBe(1_000)
      yield* TestClock.adjust("1 second")
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
      // A fresh budget: one more failure does not re-lock.
      yield* limiter.recordFailure(remote)
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
    })))

  it.effect("failures spread beyond the window do not lock", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      yield* failTimes(remote, 9)
      yield* TestClock.adjust("60 seconds")
      yield* failTimes(remote, 9)
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
      yield* limiter.recordFailure(remote)
      expect(yield* limiter.lockedFor(remote)).toBe(300_000)
    })))

  it.effect("loopback is never locked while exemptLoopback is on", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      for (const ip of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.3.2.1"]) {
        const key = { scope: "shared-secret", ip }
        yield* failTimes(key, 25)
        expect(yield* limiter.lockedFor(key)).toBeUndefined()
      }
    })))

  it.effect("loopback is counted when exemptLoopback is off", () =>
    withLimiter(
      Effect.gen(function*() {
        const limiter = yield* AuthRateLimiter
        const key = { scope: "shared-secret", ip: "127.0.0.1" }
        yield* failTimes(key, 10)
        expect(yield* limiter.lockedFor(key)).toBe(300_000)
      }),
      { ...DEFAULT_RATE_LIMIT, exemptLoopback: false }
    ))

  it.effect("a browser-origin socket on loopback is locked, keyed by its origin", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      const evil: LimiterKey = { scope: "shared-secret", ip: "127.0.0.1", browserOrigin: "https://evil.example" }
      const other: LimiterKey = { scope: "shared-secret", ip: "127.0.0.1", browserOrigin: "https://other.example" }
      yield* failTimes(evil, 10)
      expect(yield* limiter.lockedFor(evil)).toBe(300_000)
      // Same origin from another loopback address (and spelled differently) shares the bucket.
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "::1", browserOrigin: "HTTPS://Evil.Example:443" })).toBe(300_000)
      // Another origin, the plain loopback CLI and another scope are unaffected.
      expect(yield* limiter.lockedFor(other)).toBeUndefined()
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "127.0.0.1" })).toBeUndefined()
      expect(yield* limiter.lockedFor({ ...evil, scope: "device-token" })).toBeUndefined()
      yield* failTimes(other, 9)
      expect(yield* limiter.lockedFor(other)).toBeUndefined()
    })))

  it.effect("a browser-origin socket from a remote address is keyed by its IP", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      yield* failTimes({ scope: "shared-secret", ip: "203.0.113.5", browserOrigin: "https://a.example" }, 10)
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "203.0.113.5", browserOrigin: "https://b.example" })).toBe(300_000)
      expect(yield* limiter.lockedFor({ scope: "shared-secret", ip: "198.51.100.7", browserOrigin: "https://a.example" })).toBeUndefined()
    })))

  it.effect("a success reset clears the failures and the lockout of that scope", () =>
    withLimiter(Effect.gen(function*() {
      const limiter = yield* AuthRateLimiter
      const device = { scope: "device-token", ip: "203.0.113.5" }
      yield* failTimes(remote, 9)
      yield* failTimes(device, 10)
      yield* limiter.reset(remote)
      yield* failTimes(remote, 9)
      expect(yield* limiter.lockedFor(remote)).toBeUndefined()
      expect(yield* limiter.lockedFor(device)).toBe(300_000)
      yield* limiter.reset(device)
      expect(yield* limiter.lockedFor(device)).toBeUndefined()
    })))

  it.effect("each layer build has its own state", () =>
    Effect.gen(function*() {
      yield* withLimiter(failTimes(remote, 10))
      const locked = yield* withLimiter(Effect.flatMap(AuthRateLimiter, (l) => l.lockedFor(remote)))
      expect(locked).toBeUndefined()
    }))

  it.effect("honours a configured maxAttempts and lockoutMs", () =>
    withLimiter(
      Effect.gen(function*() {
        const limiter = yield* AuthRateLimiter
        yield* failTimes(remote, 3)
        expect(yield* limiter.lockedFor(remote)).toBe(5_000)
        yield* TestClock.adjust("5 seconds")
        expect(yield* limiter.lockedFor(remote)).toBeUndefined()
      }),
      { ...DEFAULT_RATE_LIMIT, maxAttempts: 3, lockoutMs: 5_000 }
    ))
})

describe("AuthRateLimiterLive: control-plane writes", () => {
  const writeFrom = (method: string, deviceId: string | undefined, ip: string) =>
    Effect.flatMap(AuthRateLimiter, (limiter) => limiter.controlPlaneWrite(method, deviceId, ip))
  const write = (method: string) => writeFrom(method, "dev-1", "203.0.113.5")

  const writeTimes = (times: number, method = "config.patch") =>
    Effect.gen(function*() {
      for (let i = 0; i < times; i++) yield* write(method)
    })

  it.effect("allows 30 in 60 s, refuses the 31st, and allows again after 60 s", () =>
    withLimiter(Effect.gen(function*() {
      yield* writeTimes(30)
      yield* TestClock.adjust("25 seconds")
      const error = yield* Effect.flip(write("config.patch"))
      expect(error._tag).toBe("Unavailable")
      expect(error.code).toBe("UNAVAILABLE")
      expect(error.message).toBe("rate limit exceeded for config.patch; retry after 35s")
      expect(error.retryAfterMs).toBe(35_000)
      expect(error.details).toEqual({ method: "config.patch", limit: "30 per 60s" })
      yield* TestClock.adjust("34500 millis")
      const late = yield* Effect.flip(write("config.patch"))
      expect(late.retryAfterMs).toBe(500)
      expect(late.message).toBe("rate limit exceeded for config.patch; retry after 1s")
      yield* TestClock.adjust("500 millis")
      yield* writeTimes(30)
      expect((yield* Effect.flip(write("config.patch"))).retryAfterMs).toBe(60_000)
    })))

  it.effect("the 31st call at the same instant reports retry after 60s", () =>
    withLimiter(Effect.gen(function*() {
      yield* writeTimes(30)
      const error = yield* Effect.flip(write("config.patch"))
      expect(error.message).toBe("rate limit exceeded for config.patch; retry after 60s")
      expect(error.retryAfterMs).toBe(60_000)
    })))

  it.effect("buckets are per method, per device and per IP", () =>
    withLimiter(Effect.gen(function*() {
      yield* writeTimes(30)
      yield* write("config.apply")
      yield* writeFrom("config.patch", "dev-2", "203.0.113.5")
      yield* writeFrom("config.patch", undefined, "203.0.113.5")
      yield* writeFrom("config.patch", "dev-1", "198.51.100.7")
      // The IPv4-mapped spelling of the same client shares its bucket.
      expect((yield* Effect.either(writeFrom("config.patch", "dev-1", "::ffff:203.0.113.5")))._tag).toBe("Left")
      const refused = yield* Effect.either(write("config.patch"))
      expect(refused._tag).toBe("Left")
    })))

  it.effect("refused calls do not extend the window", () =>
    withLimiter(Effect.gen(function*() {
      yield* writeTimes(30)
      for (let i = 0; i < 10; i++) {
        yield* TestClock.adjust("5 seconds")
        yield* Effect.flip(write("config.patch"))
      }
      yield* TestClock.adjust("10 seconds")
      yield* write("config.patch")
    })))
})
