import { Clock, Duration, Effect, Schema } from "effect"
import { describeNetworkError } from "../telegram/botApi.js"

/** A REST call that failed: Discord's words (or the network's), the HTTP status. */
export interface DiscordRestError {
  readonly message: string
  readonly status: number | undefined
}

interface Bucket {
  remaining: number
  resetAt: number
}

/** At most this many 429s in a row for one call before it fails (never a 429 loop). */
const MAX_RATE_LIMITED = 3

/**
 * Discord's REST API with its rate limits honoured: each route learns its bucket from
 * `X-RateLimit-Bucket`; a call waits while its bucket is empty (`X-RateLimit-Remaining: 0` until
 * `X-RateLimit-Reset-After`); a 429 waits `retry_after` (all routes when `global`) and retries.
 */
export const makeDiscordRest = (input: { readonly apiBase: string; readonly token: string }) => {
  const routeBucket = new Map<string, string>()
  const buckets = new Map<string, Bucket>()
  let globalUntil = 0

  const waitFor = (route: string) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const id = routeBucket.get(route)
      const bucket = id === undefined ? undefined : buckets.get(id)
      let until = globalUntil
      if (bucket !== undefined && bucket.remaining <= 0 && bucket.resetAt > until) until = bucket.resetAt
      if (until > now) yield* Effect.sleep(Duration.millis(until - now))
    })

  const learn = (route: string, headers: Headers, now: number) => {
    const id = headers.get("x-ratelimit-bucket")
    const remaining = headers.get("x-ratelimit-remaining")
    const resetAfter = headers.get("x-ratelimit-reset-after")
    if (id === null) return
    routeBucket.set(route, id)
    if (remaining !== null && resetAfter !== null) buckets.set(id, { remaining: Number(remaining), resetAt: now + Number(resetAfter) * 1000 })
  }

  // Calls on one route go one at a time, so two sends never both spend a bucket's last request.
  const locks = new Map<string, Effect.Semaphore>()
  const lockFor = (route: string) => {
    const existing = locks.get(route)
    if (existing !== undefined) return existing
    const made = Effect.unsafeMakeSemaphore(1)
    locks.set(route, made)
    return made
  }

  const call = <A, I>(method: "GET" | "POST", route: string, path: string, body: unknown, result: Schema.Schema<A, I>): Effect.Effect<A, DiscordRestError> =>
    lockFor(`${method} ${route}`).withPermits(1)(Effect.gen(function*() {
      let limited = 0
      while (true) {
        yield* waitFor(route)
        const response = yield* Effect.tryPromise({
          try: (signal) =>
            fetch(`${input.apiBase.replace(/\/+$/, "")}${path}`, {
              method,
              headers: { authorization: `Bot ${input.token}`, "content-type": "application/json", "user-agent": "DiscordBot (https://openclaw.ai, 1)" },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
              signal
            }),
          catch: (error): DiscordRestError => ({ message: describeNetworkError(error).split(input.token).join("<token>"), status: undefined })
        })
        const text = yield* Effect.promise(() => response.text().catch(() => ""))
        const now = yield* Clock.currentTimeMillis
        learn(route, response.headers, now)
        const json = safeJson(text) as { message?: unknown; code?: unknown; retry_after?: unknown; global?: unknown } | undefined
        if (response.status === 429) {
          const retryAfter = typeof json?.retry_after === "number" ? json.retry_after : Number(response.headers.get("retry-after") ?? "1")
          if (++limited > MAX_RATE_LIMITED) return yield* Effect.fail<DiscordRestError>({ message: `${method} ${route} returned 429: rate limited (retry_after=${retryAfter}s)`, status: 429 })
          const until = now + retryAfter * 1000
          if (json?.global === true) globalUntil = until
          else {
            const id = routeBucket.get(route) ?? route
            routeBucket.set(route, id)
            buckets.set(id, { remaining: 0, resetAt: until })
          }
          continue
        }
        if (!response.ok) {
          const detail = typeof json?.message === "string" ? json.message : text.trim().slice(0, 200) || response.statusText
          return yield* Effect.fail<DiscordRestError>({ message: `${method} ${route} returned ${response.status}: ${detail}`, status: response.status })
        }
        return yield* Schema.decodeUnknown(result)(json).pipe(
          Effect.mapError((): DiscordRestError => ({ message: `${method} ${route} returned an unexpected result`, status: response.status }))
        )
      }
    }))

  return { call }
}

export type DiscordRest = ReturnType<typeof makeDiscordRest>

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
