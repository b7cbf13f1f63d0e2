import { Context, type Effect } from "effect"
import type { Unavailable } from "../domain/protocol/errors.js"

/** Who is being counted: a limiter scope (`shared-secret`, `device-token`, ...) and the client address. */
export interface LimiterKey {
  readonly scope: string
  readonly ip: string
  /** Normalized browser `Origin` of the socket, when it sent one: such sockets get no loopback exemption. */
  readonly browserOrigin?: string | undefined
}

/** Failed-auth lockout (spec 8) and the control-plane write limiter. */
export class AuthRateLimiter extends Context.Tag("openclaw/AuthRateLimiter")<AuthRateLimiter, {
  /** `undefined` when attempts are allowed, else the milliseconds left in the lockout. */
  readonly lockedFor: (key: LimiterKey) => Effect.Effect<number | undefined>
  /** Counts one wrong credential. */
  readonly recordFailure: (key: LimiterKey) => Effect.Effect<void>
  /** A success clears the failures of that scope for that key. */
  readonly reset: (key: LimiterKey) => Effect.Effect<void>
  /** 30 per 60 s per method per device and IP; fails with `rate limit exceeded for <m>; retry after <n>s`. */
  readonly controlPlaneWrite: (method: string, deviceId: string | undefined, ip: string) => Effect.Effect<void, Unavailable>
}>() {}
