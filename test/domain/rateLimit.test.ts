import { describe, expect, it } from "@effect/vitest"
import { isTracked, trackedKeys } from "../../src/domain/rateLimit/boundedMap.js"
import {
  DEFAULT_RATE_LIMIT,
  emptyFailureState,
  failureCount,
  failureKey,
  type FailureState,
  lockoutRemaining,
  pruneFailures,
  recordFailure,
  resetFailures
} from "../../src/domain/rateLimit/lockout.js"
import { consumeWrite, controlPlaneKey, emptyWriteBudgetState, pruneWrites, type WriteBudgetState } from "../../src/domain/rateLimit/writeBudget.js"

const config = DEFAULT_RATE_LIMIT
const KEY = "shared-secret:203.0.113.5"

const fail = (state: FailureState, times: number, at: number, key = KEY): FailureState => {
  let next = state
  for (let i = 0; i < times; i++) next = recordFailure(next, config, key, at)
  return next
}

describe("failed-auth lockout", () => {
  it("defaults to 10 failures per 60 s and a 5 minute lockout", () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: true })
  })

  it("locks at exactly maxAttempts, not before", () => {
    const nine = fail(emptyFailureState(), 9, 1_000)
    expect(failureCount(nine, config, KEY, 1_000)).toBe(9)
    expect(lockoutRemaining(nine, KEY, 1_000)).toBeUndefined()
    const ten = recordFailure(nine, config, KEY, 2_000)
    expect(lockoutRemaining(ten, KEY, 2_000)).toBe(300_000)
    expect(lockoutRemaining(ten, KEY, 2_500)).toBe(299_500)
  })

  it("honours a custom maxAttempts", () => {
    const custom = { ...config, maxAttempts: 3, lockoutMs: 1_000 }
    let state = emptyFailureState()
    state = recordFailure(state, custom, KEY, 0)
    state = recordFailure(state, custom, KEY, 0)
    expect(lockoutRemaining(state, KEY, 0)).toBeUndefined()
    state = recordFailure(state, custom, KEY, 0)
    expect(lockoutRemaining(state, KEY, 0)).toBe(1_000)
  })

  it("slides the window: failures older than windowMs stop counting", () => {
    let state = fail(emptyFailureState(), 5, 0)
    state = fail(state, 4, 30_000)
    expect(failureCount(state, config, KEY, 59_999)).toBe(9)
    // At t = 60 000 the five failures from t = 0 fall out of the window.
    expect(failureCount(state, config, KEY, 60_000)).toBe(4)
    state = recordFailure(state, config, KEY, 60_000)
    expect(failureCount(state, config, KEY, 60_000)).toBe(5)
    expect(lockoutRemaining(state, KEY, 60_000)).toBeUndefined()
    // Five more inside the window reach ten and lock.
    state = fail(state, 5, 61_000)
    expect(lockoutRemaining(state, KEY, 61_000)).toBe(300_000)
  })

  it("spreading failures wider than the window never locks", () => {
    let state = emptyFailureState()
    for (let i = 0; i < 50; i++) state = recordFailure(state, config, KEY, i * 7_000)
    expect(lockoutRemaining(state, KEY, 50 * 7_000)).toBeUndefined()
  })

  it("the lockout expires after lockoutMs and the count starts over", () => {
    const locked = fail(emptyFailureState(), 10, 0)
    expect(lockoutRemaining(locked, KEY, 299_999)).toBe(1)
    expect(lockoutRemaining(locked, KEY, 300_000)).toBeUndefined()
    expect(failureCount(locked, config, KEY, 300_000)).toBe(0)
    const again = recordFailure(locked, config, KEY, 300_000)
    expect(failureCount(again, config, KEY, 300_000)).toBe(1)
    expect(lockoutRemaining(again, KEY, 300_000)).toBeUndefined()
  })

  it("failures while locked do not extend the lockout", () => {
    const locked = fail(emptyFailureState(), 10, 0)
    const more = fail(locked, 5, 100_000)
    expect(lockoutRemaining(more, KEY, 100_000)).toBe(200_000)
  })

  it("a lockoutMs of 0 never locks", () => {
    const noLockout = { ...config, lockoutMs: 0 }
    let state = emptyFailureState()
    for (let i = 0; i < 20; i++) state = recordFailure(state, noLockout, KEY, 0)
    expect(lockoutRemaining(state, KEY, 0)).toBeUndefined()
  })

  it("reset clears failures and an active lockout for that key only", () => {
    let state = fail(emptyFailureState(), 10, 0)
    state = fail(state, 3, 0, "shared-secret:198.51.100.7")
    const cleared = resetFailures(state, KEY)
    expect(lockoutRemaining(cleared, KEY, 1)).toBeUndefined()
    expect(failureCount(cleared, config, KEY, 1)).toBe(0)
    expect(failureCount(cleared, config, "shared-secret:198.51.100.7", 1)).toBe(3)
    expect(resetFailures(cleared, "absent")).toBe(cleared)
  })

  it("keys are independent", () => {
    const state = fail(emptyFailureState(), 10, 0)
    expect(lockoutRemaining(state, "shared-secret:198.51.100.7", 0)).toBeUndefined()
    expect(lockoutRemaining(state, "device-token:203.0.113.5", 0)).toBeUndefined()
  })

  it("the state is immutable", () => {
    const empty = emptyFailureState()
    const one = recordFailure(empty, config, KEY, 0)
    expect(failureCount(empty, config, KEY, 0)).toBe(0)
    expect(failureCount(one, config, KEY, 0)).toBe(1)
  })

  it("caps the number of keys and evicts the oldest-touched key", () => {
    let state = emptyFailureState(3)
    state = recordFailure(state, config, "a", 0)
    state = recordFailure(state, config, "b", 1)
    state = recordFailure(state, config, "c", 2)
    // Touching "a" makes "b" the oldest.
    state = recordFailure(state, config, "a", 3)
    state = recordFailure(state, config, "d", 4)
    expect(trackedKeys(state)).toBe(3)
    expect(isTracked(state, "b")).toBe(false)
    expect(["a", "c", "d"].every((k) => isTracked(state, k))).toBe(true)
    expect(failureCount(state, config, "a", 4)).toBe(2)
    state = recordFailure(state, config, "e", 5)
    expect(isTracked(state, "c")).toBe(false)
    expect(trackedKeys(state)).toBe(3)
  })

  it("holds at most 10 000 keys by default", () => {
    let state = emptyFailureState()
    for (let i = 0; i < 10_050; i++) state = recordFailure(state, config, `shared-secret:10.0.${i >> 8}.${i & 255}`, i)
    expect(trackedKeys(state)).toBe(10_000)
    expect(isTracked(state, "shared-secret:10.0.0.0")).toBe(false)
    expect(isTracked(state, "shared-secret:10.0.0.49")).toBe(false)
    expect(isTracked(state, "shared-secret:10.0.0.50")).toBe(true)
  })

  it("prune drops stale keys but keeps locked and recent ones", () => {
    let state = fail(emptyFailureState(), 10, 0, "locked")
    state = recordFailure(state, config, "stale", 0)
    state = recordFailure(state, config, "recent", 100_000)
    const pruned = pruneFailures(state, config, 120_000)
    expect(isTracked(pruned, "locked")).toBe(true)
    expect(isTracked(pruned, "recent")).toBe(true)
    expect(isTracked(pruned, "stale")).toBe(false)
  })
})

describe("control-plane write budget", () => {
  const key = controlPlaneKey("config.patch", "dev-1", "203.0.113.5")

  const consume = (state: WriteBudgetState, times: number, at: number) => {
    let next = state
    for (let i = 0; i < times; i++) {
      const [decision, after] = consumeWrite(next, key, at)
      expect(decision.allowed).toBe(true)
      next = after
    }
    return next
  }

  it("keys by method, device and IP", () => {
    expect(key).toBe("config.patch:dev-1:203.0.113.5")
    expect(controlPlaneKey("config.apply", undefined, "::ffff:10.0.0.1")).toBe("config.apply:unknown-device:10.0.0.1")
  })

  it("allows 30 per window and refuses the 31st with the time left", () => {
    const state = consume(emptyWriteBudgetState(), 30, 1_000)
    const [refused, same] = consumeWrite(state, key, 25_461)
    expect(refused).toEqual({ allowed: false, retryAfterMs: 35_539 })
    expect(same).toBe(state)
    const [other] = consumeWrite(state, controlPlaneKey("config.apply", "dev-1", "203.0.113.5"), 25_461)
    expect(other.allowed).toBe(true)
  })

  it("opens a new window after 60 s", () => {
    const state = consume(emptyWriteBudgetState(), 30, 0)
    expect(consumeWrite(state, key, 59_999)[0]).toEqual({ allowed: false, retryAfterMs: 1 })
    const [decision] = consumeWrite(state, key, 60_000)
    expect(decision).toEqual({ allowed: true, remaining: 29 })
  })

  it("prune drops ended windows", () => {
    const state = consume(emptyWriteBudgetState(), 1, 0)
    expect(isTracked(pruneWrites(state, 59_999), key)).toBe(true)
    expect(isTracked(pruneWrites(state, 60_000), key)).toBe(false)
  })
})

describe("failureKey", () => {
  it("keys by scope and IP", () => {
    expect(failureKey({ scope: "shared-secret", ip: "203.0.113.5" }, config)).toBe("shared-secret:203.0.113.5")
    expect(failureKey({ scope: "device-token", ip: "::ffff:203.0.113.5" }, config)).toBe("device-token:203.0.113.5")
  })

  it("exempts loopback only when exemptLoopback is on", () => {
    expect(failureKey({ scope: "shared-secret", ip: "127.0.0.1" }, config)).toBeUndefined()
    expect(failureKey({ scope: "shared-secret", ip: "::1" }, config)).toBeUndefined()
    expect(failureKey({ scope: "shared-secret", ip: "127.0.0.1" }, { ...config, exemptLoopback: false })).toBe("shared-secret:127.0.0.1")
  })

  it("browser-origin sockets on loopback are keyed by origin, elsewhere by IP", () => {
    expect(failureKey({ scope: "shared-secret", ip: "127.0.0.1", browserOrigin: "https://Evil.Example:443" }, config)).toBe(
      "shared-secret:browser-origin:https://evil.example"
    )
    expect(failureKey({ scope: "shared-secret", ip: "203.0.113.5", browserOrigin: "https://evil.example" }, config)).toBe(
      "shared-secret:203.0.113.5"
    )
    expect(failureKey({ scope: "shared-secret", ip: "127.0.0.1", browserOrigin: undefined }, config)).toBeUndefined()
  })
})
