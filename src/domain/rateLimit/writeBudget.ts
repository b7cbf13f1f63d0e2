import { normalizeIp } from "../net/ip.js"
import { type BoundedMap, boundedFilter, boundedGet, boundedSet, emptyBounded, MAX_LIMITER_KEYS } from "./boundedMap.js"

/** The control-plane write backstop: 30 requests per 60 s per method, device and IP (not configurable). */
export const CONTROL_PLANE_LIMIT = { maxRequests: 30, windowMs: 60_000 } as const

/** The `details.limit` text of the control-plane error. */
export const CONTROL_PLANE_LIMIT_TEXT = `${CONTROL_PLANE_LIMIT.maxRequests} per ${CONTROL_PLANE_LIMIT.windowMs / 1000}s`

/** Requests counted in the window that started at `windowStart`. */
export interface WriteBucket {
  readonly count: number
  readonly windowStart: number
}

/** All control-plane buckets. */
export type WriteBudgetState = BoundedMap<WriteBucket>

/** A control-plane limiter with no requests recorded. */
export const emptyWriteBudgetState = (maxKeys: number = MAX_LIMITER_KEYS): WriteBudgetState => emptyBounded(maxKeys)

/** Bucket key `<method>:<deviceId>:<ip>`; device-less callers share `unknown-device`. */
export const controlPlaneKey = (method: string, deviceId: string | undefined, ip: string): string =>
  `${method}:${deviceId ?? "unknown-device"}:${normalizeIp(ip)}`

/** Outcome of one control-plane request: allowed, or refused with the wait until the window ends. */
export type WriteDecision =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterMs: number }

/** Consumes one request from the bucket of `key` at `now`; refused requests consume nothing. */
export const consumeWrite = (
  state: WriteBudgetState,
  key: string,
  now: number,
  limit: { readonly maxRequests: number; readonly windowMs: number } = CONTROL_PLANE_LIMIT
): readonly [WriteDecision, WriteBudgetState] => {
  const bucket = boundedGet(state, key)
  if (bucket === undefined || now - bucket.windowStart >= limit.windowMs) {
    return [{ allowed: true, remaining: limit.maxRequests - 1 }, boundedSet(state, key, { count: 1, windowStart: now })]
  }
  if (bucket.count >= limit.maxRequests) {
    return [{ allowed: false, retryAfterMs: Math.max(1, bucket.windowStart + limit.windowMs - now) }, state]
  }
  const count = bucket.count + 1
  return [{ allowed: true, remaining: limit.maxRequests - count }, boundedSet(state, key, { count, windowStart: bucket.windowStart })]
}

/** Drops buckets whose window has ended. */
export const pruneWrites = (
  state: WriteBudgetState,
  now: number,
  limit: { readonly windowMs: number } = CONTROL_PLANE_LIMIT
): WriteBudgetState => boundedFilter(state, (bucket) => now - bucket.windowStart < limit.windowMs)
