import { Clock, Effect, Layer, Ref } from "effect"
import type { OpenClawConfig } from "../domain/config/ConfigSchema.js"
import { Unavailable } from "../domain/protocol/errors.js"
import {
  DEFAULT_RATE_LIMIT,
  emptyFailureState,
  failureKey,
  lockoutRemaining,
  pruneFailures,
  type RateLimitConfig,
  recordFailure,
  resetFailures
} from "../domain/rateLimit/lockout.js"
import { consumeWrite, CONTROL_PLANE_LIMIT_TEXT, controlPlaneKey, emptyWriteBudgetState, pruneWrites } from "../domain/rateLimit/writeBudget.js"
import { AuthRateLimiter, type LimiterKey } from "../services/AuthRateLimiter.js"

/** The limiter settings of a gateway config section, with the defaults filled in. */
export const rateLimitFromConfig = (cfg: OpenClawConfig["gateway"]): RateLimitConfig => {
  const rateLimit = cfg?.auth?.rateLimit
  return {
    maxAttempts: rateLimit?.maxAttempts ?? DEFAULT_RATE_LIMIT.maxAttempts,
    windowMs: rateLimit?.windowMs ?? DEFAULT_RATE_LIMIT.windowMs,
    lockoutMs: rateLimit?.lockoutMs ?? DEFAULT_RATE_LIMIT.lockoutMs,
    exemptLoopback: rateLimit?.exemptLoopback ?? DEFAULT_RATE_LIMIT.exemptLoopback
  }
}

// Expired entries are swept at most this often, on the next limiter call (no background fiber).
const PRUNE_EVERY_MS = 60_000

/** In-memory failed-auth lockout and control-plane write limiter (spec 8); state lives as long as the layer. */
export const AuthRateLimiterLive = (config: RateLimitConfig = DEFAULT_RATE_LIMIT) =>
  Layer.effect(
    AuthRateLimiter,
    Effect.gen(function*() {
      const failures = yield* Ref.make(emptyFailureState())
      const writes = yield* Ref.make(emptyWriteBudgetState())
      const lastPrune = yield* Ref.make(yield* Clock.currentTimeMillis)

      const maintain = (now: number) =>
        Effect.gen(function*() {
          const due = yield* Ref.modify(lastPrune, (last) => (now - last >= PRUNE_EVERY_MS ? [true, now] : [false, last]))
          if (!due) return
          yield* Ref.update(failures, (state) => pruneFailures(state, config, now))
          yield* Ref.update(writes, (state) => pruneWrites(state, now))
        })

      const withKey = <A>(key: LimiterKey, onExempt: A, f: (k: string, now: number) => Effect.Effect<A>) =>
        Effect.gen(function*() {
          const k = failureKey(key, config)
          if (k === undefined) return onExempt
          const now = yield* Clock.currentTimeMillis
          yield* maintain(now)
          return yield* f(k, now)
        })

      return AuthRateLimiter.of({
        lockedFor: Effect.fn("AuthRateLimiter.lockedFor")(function*(key: LimiterKey) {
          return yield* withKey<number | undefined>(key, undefined, (k, now) => Effect.map(Ref.get(failures), (state) => lockoutRemaining(state, k, now)))
        }),
        recordFailure: Effect.fn("AuthRateLimiter.recordFailure")(function*(key: LimiterKey) {
          yield* withKey(key, undefined, (k, now) => Ref.update(failures, (state) => recordFailure(state, config, k, now)))
        }),
        reset: Effect.fn("AuthRateLimiter.reset")(function*(key: LimiterKey) {
          yield* withKey(key, undefined, (k) => Ref.update(failures, (state) => resetFailures(state, k)))
        }),
        controlPlaneWrite: Effect.fn("AuthRateLimiter.controlPlaneWrite")(function*(method: string, deviceId: string | undefined, ip: string) {
          const now = yield* Clock.currentTimeMillis
          yield* maintain(now)
          const decision = yield* Ref.modify(writes, (state) => consumeWrite(state, controlPlaneKey(method, deviceId, ip), now))
          if (decision.allowed) return
          const { retryAfterMs } = decision
          return yield* new Unavailable({
            message: `rate limit exceeded for ${method}; retry after ${Math.ceil(retryAfterMs / 1000)}s`,
            retryAfterMs,
            details: { method, limit: CONTROL_PLANE_LIMIT_TEXT }
          })
        })
      })
    })
  )
