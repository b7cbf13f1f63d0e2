import { Effect, Layer } from "effect"
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

/**
 * In-memory failed-auth lockout and control-plane write limiter (spec 8); state lives as long as the layer.
 * Each call is one synchronous step around the pure decisions: every connect asks `lockedFor` and `reset`,
 * and a Ref, a generator and a span per call cost a connect storm more than the decisions themselves.
 */
export const AuthRateLimiterLive = (config: RateLimitConfig = DEFAULT_RATE_LIMIT) =>
  Layer.effect(
    AuthRateLimiter,
    Effect.gen(function*() {
      const clock = yield* Effect.clock
      // Read and replaced only inside the synchronous steps below (one thread): no Ref needed.
      let failures = emptyFailureState()
      let writes = emptyWriteBudgetState()
      let lastPrune = clock.unsafeCurrentTimeMillis()

      /** The time of this call; expired entries are swept first when due. */
      const now = () => {
        const millis = clock.unsafeCurrentTimeMillis()
        if (millis - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = millis
          failures = pruneFailures(failures, config, millis)
          writes = pruneWrites(writes, millis)
        }
        return millis
      }

      const withKey = <A>(key: LimiterKey, onExempt: A, f: (k: string, now: number) => A) =>
        Effect.sync(() => {
          const k = failureKey(key, config)
          return k === undefined ? onExempt : f(k, now())
        })

      return AuthRateLimiter.of({
        lockedFor: (key) => withKey<number | undefined>(key, undefined, (k, millis) => lockoutRemaining(failures, k, millis)),
        recordFailure: (key) =>
          withKey(key, undefined, (k, millis) => {
            failures = recordFailure(failures, config, k, millis)
          }),
        reset: (key) =>
          withKey(key, undefined, (k) => {
            failures = resetFailures(failures, k)
          }),
        controlPlaneWrite: (method, deviceId, ip) =>
          Effect.suspend(() => {
            const [decision, next] = consumeWrite(writes, controlPlaneKey(method, deviceId, ip), now())
            writes = next
            if (decision.allowed) return Effect.void
            const { retryAfterMs } = decision
            return Effect.fail(
              new Unavailable({
                message: `rate limit exceeded for ${method}; retry after ${Math.ceil(retryAfterMs / 1000)}s`,
                retryAfterMs,
                details: { method, limit: CONTROL_PLANE_LIMIT_TEXT }
              })
            )
          })
      })
    })
  )
