import { isLoopbackAddress, normalizeIp } from "../net/ip.js"
import { normalizeOrigin } from "../net/origin.js"
import { type BoundedMap, boundedFilter, boundedGet, boundedRemove, boundedSet, emptyBounded, MAX_LIMITER_KEYS } from "./boundedMap.js"

/** Settings of the failed-auth limiter (`gateway.auth.rateLimit`, spec 8), defaults applied. */
export interface RateLimitConfig {
  readonly maxAttempts: number
  readonly windowMs: number
  readonly lockoutMs: number
  readonly exemptLoopback: boolean
}

/** The defaults of `gateway.auth.rateLimit`: 10 failures per 60 s, then a 5 minute lockout; loopback exempt. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  maxAttempts: 10,
  windowMs: 60_000,
  lockoutMs: 300_000,
  exemptLoopback: true
}

/** One key's failures inside the window, and the end of its lockout when locked. */
export interface FailureEntry {
  readonly attempts: ReadonlyArray<number>
  readonly lockedUntil: number | undefined
}

/** All failure counters of one limiter. */
export type FailureState = BoundedMap<FailureEntry>

/** A limiter with no failures recorded; `maxKeys` defaults to 10 000. */
export const emptyFailureState = (maxKeys: number = MAX_LIMITER_KEYS): FailureState => emptyBounded(maxKeys)

const isLocked = (entry: FailureEntry, now: number): entry is FailureEntry & { readonly lockedUntil: number } =>
  entry.lockedUntil !== undefined && now < entry.lockedUntil

/** Attempts still inside the window ending at `now`; an expired lockout starts from zero. */
const liveAttempts = (entry: FailureEntry, config: RateLimitConfig, now: number): ReadonlyArray<number> => {
  if (entry.lockedUntil !== undefined && now >= entry.lockedUntil) return []
  const cutoff = now - config.windowMs
  return entry.attempts.filter((t) => t > cutoff)
}

/**
 * Counts one failure for `key` at `now`. Attempts older than `windowMs` are dropped; reaching
 * `maxAttempts` locks the key until `now + lockoutMs`. Failures while locked do not extend the lockout.
 */
export const recordFailure = (state: FailureState, config: RateLimitConfig, key: string, now: number): FailureState => {
  const current = boundedGet(state, key)
  if (current !== undefined && isLocked(current, now)) return boundedSet(state, key, current)
  const attempts = [...(current === undefined ? [] : liveAttempts(current, config, now)), now]
  const lockedUntil = attempts.length >= config.maxAttempts ? now + config.lockoutMs : undefined
  return boundedSet(state, key, { attempts, lockedUntil })
}

/** Milliseconds left in the lockout of `key` at `now`, or `undefined` when attempts are allowed. */
export const lockoutRemaining = (state: FailureState, key: string, now: number): number | undefined => {
  const entry = boundedGet(state, key)
  return entry !== undefined && isLocked(entry, now) ? entry.lockedUntil - now : undefined
}

/** Failures of `key` that still count at `now` (0 once a lockout has expired). */
export const failureCount = (state: FailureState, config: RateLimitConfig, key: string, now: number): number => {
  const entry = boundedGet(state, key)
  return entry === undefined ? 0 : liveAttempts(entry, config, now).length
}

/** Forgets every failure and any lockout of `key`. */
export const resetFailures = (state: FailureState, key: string): FailureState => boundedRemove(state, key)

/** Drops keys with no lockout and no failure inside the window (periodic maintenance). */
export const pruneFailures = (state: FailureState, config: RateLimitConfig, now: number): FailureState =>
  boundedFilter(state, (entry) => isLocked(entry, now) || liveAttempts(entry, config, now).length > 0)

/** Who a failure is charged to: a limiter scope, the client address and, for browser sockets, the page origin. */
export interface FailureSubject {
  readonly scope: string
  readonly ip: string
  readonly browserOrigin?: string | undefined
}

/**
 * The counter key for `subject`, or `undefined` when it is exempt (loopback with `exemptLoopback`).
 * Browser-origin sockets never get the loopback exemption; from loopback they are keyed by
 * `browser-origin:<normalized origin>` so each page origin has its own bucket.
 */
export const failureKey = (subject: FailureSubject, config: RateLimitConfig): string | undefined => {
  const loopback = isLoopbackAddress(subject.ip)
  if (subject.browserOrigin !== undefined) {
    if (!loopback) return `${subject.scope}:${normalizeIp(subject.ip)}`
    const origin = normalizeOrigin(subject.browserOrigin) ?? subject.browserOrigin.trim().toLowerCase()
    return `${subject.scope}:browser-origin:${origin}`
  }
  if (loopback && config.exemptLoopback) return undefined
  return `${subject.scope}:${normalizeIp(subject.ip)}`
}
