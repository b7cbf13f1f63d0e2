import { HashMap, Option, Order, SortedMap } from "effect"

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

/** Hard cap on the keys each limiter map holds, so unique-key floods cannot grow memory without bound. */
export const MAX_LIMITER_KEYS = 10_000

// ---------------------------------------------------------------------------------------------
// Bounded map: persistent, evicts the least recently touched key when a new key arrives while full.

/** An immutable string-keyed map with a key cap and least-recently-touched eviction. */
export interface BoundedMap<V> {
  readonly entries: HashMap.HashMap<string, { readonly value: V; readonly seq: number }>
  /** Touch sequence number → key, oldest first. */
  readonly order: SortedMap.SortedMap<number, string>
  readonly seq: number
  readonly capacity: number
}

const emptyBounded = <V>(capacity: number): BoundedMap<V> => ({
  entries: HashMap.empty(),
  order: SortedMap.empty(Order.number),
  seq: 0,
  capacity: Math.max(1, Math.floor(capacity))
})

const boundedGet = <V>(map: BoundedMap<V>, key: string): V | undefined =>
  Option.getOrUndefined(Option.map(HashMap.get(map.entries, key), (e) => e.value))

const boundedRemove = <V>(map: BoundedMap<V>, key: string): BoundedMap<V> => {
  const existing = HashMap.get(map.entries, key)
  if (Option.isNone(existing)) return map
  return { ...map, entries: HashMap.remove(map.entries, key), order: SortedMap.remove(map.order, existing.value.seq) }
}

/** Stores `value` under `key` and marks it most recently touched, evicting the oldest key if full. */
const boundedSet = <V>(map: BoundedMap<V>, key: string, value: V): BoundedMap<V> => {
  let next = boundedRemove(map, key)
  while (HashMap.size(next.entries) >= next.capacity) {
    const oldest = SortedMap.headOption(next.order)
    if (Option.isNone(oldest)) break
    next = boundedRemove(next, oldest.value[1])
  }
  const seq = next.seq + 1
  return {
    ...next,
    seq,
    entries: HashMap.set(next.entries, key, { value, seq }),
    order: SortedMap.set(next.order, seq, key)
  }
}

const boundedFilter = <V>(map: BoundedMap<V>, keep: (value: V) => boolean): BoundedMap<V> => {
  let next = map
  for (const [key, entry] of map.entries) {
    if (!keep(entry.value)) next = boundedRemove(next, key)
  }
  return next
}

const boundedSize = <V>(map: BoundedMap<V>): number => HashMap.size(map.entries)

const boundedHas = <V>(map: BoundedMap<V>, key: string): boolean => HashMap.has(map.entries, key)

// ---------------------------------------------------------------------------------------------
// Failed-auth lockout: sliding window of failure times per key.

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

/** Number of keys the limiter currently holds. */
export const trackedKeys = <V>(state: BoundedMap<V>): number => boundedSize(state)

/** Whether the limiter holds `key`. */
export const isTracked = <V>(state: BoundedMap<V>, key: string): boolean => boundedHas(state, key)

// ---------------------------------------------------------------------------------------------
// Control-plane writes: fixed window per `<method>:<deviceId>:<ip>`.

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

// ---------------------------------------------------------------------------------------------
// Addresses and origins.

const parseIpv4 = (ip: string): ReadonlyArray<number> | undefined => {
  const parts = ip.split(".")
  if (parts.length !== 4) return undefined
  const octets: Array<number> = []
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    octets.push(n)
  }
  return octets
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 tail allowed), or undefined. */
const parseIpv6 = (ip: string): ReadonlyArray<number> | undefined => {
  let text = ip
  const lastColon = text.lastIndexOf(":")
  if (lastColon < 0) return undefined
  const tail = text.slice(lastColon + 1)
  if (tail.includes(".")) {
    const v4 = parseIpv4(tail)
    if (v4 === undefined) return undefined
    const [a = 0, b = 0, c = 0, d = 0] = v4
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const groups = (part: string): Array<number> | undefined => {
    if (part === "") return []
    const out: Array<number> = []
    for (const group of part.split(":")) {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined
      out.push(parseInt(group, 16))
    }
    return out
  }
  const head = groups(halves[0] ?? "")
  if (head === undefined) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const rest = groups(halves[1] ?? "")
  if (rest === undefined || head.length + rest.length > 7) return undefined
  return [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest]
}

const bareIp = (ip: string): string => {
  let v = ip.trim().toLowerCase()
  if (v.startsWith("[") && v.endsWith("]")) v = v.slice(1, -1)
  const zone = v.indexOf("%")
  return zone >= 0 ? v.slice(0, zone) : v
}

/** Canonical form of a client address for keys: lowercased, brackets dropped, `::ffff:a.b.c.d` → `a.b.c.d`. */
export const normalizeIp = (ip: string): string => {
  const v = bareIp(ip)
  if (v.startsWith("::ffff:") && parseIpv4(v.slice(7)) !== undefined) return v.slice(7)
  return v
}

/** True for `127.0.0.0/8`, `::1` and IPv4-mapped loopback (`::ffff:127.x.x.x`). */
export const isLoopbackAddress = (ip: string | undefined): boolean => {
  if (ip === undefined) return false
  const v = bareIp(ip)
  const v4 = parseIpv4(v)
  if (v4 !== undefined) return v4[0] === 127
  const v6 = parseIpv6(v)
  if (v6 === undefined) return false
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7] = v6
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return true
  return zeroPrefix && g5 === 0xffff && g6 >> 8 === 127
}

/**
 * Scheme and host of a browser `Origin`, lowercased, default port (http 80, https 443) dropped;
 * `undefined` for a missing, `null` or unparseable origin.
 */
export const normalizeOrigin = (origin: string | undefined | null): string | undefined => {
  if (origin === undefined || origin === null) return undefined
  const text = origin.trim()
  if (text === "" || text.toLowerCase() === "null") return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.host === "") return undefined
  // WHATWG URL already drops the default port of http(s) (and ws/wss).
  return `${url.protocol}//${url.host}`.toLowerCase()
}

// ---------------------------------------------------------------------------------------------
// Limiter keys.

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
