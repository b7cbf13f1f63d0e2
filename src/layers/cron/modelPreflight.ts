import { Clock, Effect, Either } from "effect"
import {
  PREFLIGHT_CACHE_TTL_MS,
  PREFLIGHT_TIMEOUT_MS,
  type PreflightCandidate,
  type PreflightProbe,
  preflightProbe,
  preflightUnavailableReason,
  type PreflightVerdict,
  preflightVerdict
} from "../../domain/cron/modelPreflight.js"

/** A fetch failure as one line: the message, then each cause's code and message. */
const describeError = (error: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const e = current as { readonly message?: unknown; readonly code?: unknown; readonly name?: unknown; readonly cause?: unknown }
    const message = typeof e.message === "string" ? e.message : String(current)
    parts.push(typeof e.code === "string" ? `${e.code}: ${message}` : message)
    current = e.cause
  }
  const text = parts.join(" | ")
  const timedOut = /TimeoutError|aborted due to timeout/.test(`${(error as { name?: unknown })?.name ?? ""} ${text}`)
  return timedOut ? `Local provider preflight exceeded its configured ${PREFLIGHT_TIMEOUT_MS}ms deadline | ${text}` : text
}

/**
 * The isolated-turn preflight (spec 3.3): before a cron agent turn, each local Chat Completions (or
 * Ollama) candidate is probed with one GET, in chain order, until one answers (any HTTP status counts);
 * each endpoint's verdict is reused for 5 minutes. Remote providers are not probed.
 */
export const makeModelPreflight = () => {
  const cache = new Map<string, { readonly checkedAtMs: number; readonly error: string | undefined }>()

  const probe = (p: PreflightProbe) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = cache.get(p.cacheKey)
      if (cached !== undefined && now - cached.checkedAtMs < PREFLIGHT_CACHE_TTL_MS) return cached.error
      const answered = yield* Effect.either(Effect.tryPromise({
        try: async () => {
          const response = await fetch(p.url, { method: "GET", signal: AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS) })
          await response.body?.cancel().catch(() => undefined)
        },
        catch: describeError
      }))
      const error = Either.isLeft(answered) ? answered.left : undefined
      cache.set(p.cacheKey, { checkedAtMs: now, error })
      return error
    })

  const check = (jobId: string, candidates: ReadonlyArray<PreflightCandidate>): Effect.Effect<PreflightVerdict> =>
    Effect.gen(function*() {
      const results: Array<{ readonly candidate: PreflightCandidate; readonly unavailable?: string | undefined }> = []
      for (const candidate of candidates) {
        const target = preflightProbe(candidate)
        const error = target === undefined ? undefined : yield* probe(target)
        const unavailable = target === undefined || error === undefined ? undefined : preflightUnavailableReason({ ...candidate, baseUrl: target.baseUrl, error })
        results.push({ candidate, unavailable })
        if (unavailable === undefined) break
      }
      return preflightVerdict(results, jobId)
    })

  return { check }
}
