import { Clock, Duration, Effect, Layer, Ref, Schedule, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { attemptOf, type FailoverAttempt, type ModelCallError, type ModelError, ModelFailover } from "../../domain/models/errors.js"
import { type FailoverReason, shouldFallback } from "../../domain/models/failover.js"
import { unusableProfiles } from "../../domain/models/health.js"
import type { FallbackInfo, ModelResponse, ModelStreamEvent } from "../../domain/models/response.js"
import { overloadSchedule } from "../../domain/models/retry.js"
import { fallbackNotice, OVERLOAD_NOTICE } from "../../domain/models/selection.js"
import { type ModelCallRequest, ModelClient } from "../../services/ModelClient.js"
import { ModelHealth } from "../../services/ModelHealth.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"
import { defaultOverloadRetry } from "./ModelPolicyLive.js"

const flatten = (error: ModelError): ReadonlyArray<FailoverAttempt> => (error._tag === "ModelFailover" ? error.attempts : [attemptOf(error)])

const summary = (attempts: ReadonlyArray<FailoverAttempt>) =>
  attempts.map((a) => `${a.provider}/${a.model}: ${a.reason} (${a.summary})`).join("; ")

/** The final failure: the error itself for a single try, else a FailoverError with every attempt. */
const exhausted = (attempts: ReadonlyArray<FailoverAttempt>, last: ModelError): ModelError => {
  if (attempts.length <= 1) return last
  const final = attempts[attempts.length - 1] ?? attemptOf(last as ModelCallError)
  return new ModelFailover({
    message: `All ${attempts.length} model attempts failed: ${summary(attempts)}`,
    provider: final.provider,
    model: final.model,
    reason: final.reason,
    ...(final.status === undefined ? {} : { status: final.status }),
    attempts
  })
}

/**
 * Model fallback (spec 1.4): tries the target, then each fallback, on failover-worthy failures
 * (auth, rate limit, overload, timeout, billing, model_not_found, unknown). Format errors and context
 * overflow stop the chain. A candidate whose auth profile is cooling down or disabled is skipped while
 * another remains; a chain where every candidate was overloaded is rerun with backoff. Records each
 * failure and the decision for `models status`; a stream falls back only before its first event.
 */
export const ModelFallbackLive = Layer.effect(
  ModelClient,
  Effect.gen(function*() {
    const inner = yield* ModelClient
    const health = yield* ModelHealth
    const policy = yield* ModelPolicy
    const overload = policy.overloadRetry ?? defaultOverloadRetry

    /**
     * The rerun of an all-overloaded chain for one call: `schedule` decides from the failures of each
     * round (every attempt since `startRound` overloaded, and `mayRerun`); `startRound` marks a round and
     * says the overload notice once the wait just served crossed `noticeAfter`.
     */
    const overloadRerun = (attempts: ReadonlyArray<FailoverAttempt>, mayRerun: Effect.Effect<boolean>) =>
      Effect.map(Ref.make({ start: 0, waited: 0, notice: false }), (round) => {
        const noticeAt = Duration.toMillis(overload.noticeAfter)
        const startRound = Effect.flatMap(
          Ref.modify(round, (r) => [r.notice, { ...r, start: attempts.length, notice: false }]),
          (notice) => notice ? Effect.logWarning(OVERLOAD_NOTICE) : Effect.void
        )
        const allOverloaded = Effect.map(Ref.get(round), ({ start }) => {
          const failed = attempts.slice(start)
          return failed.length > 0 && failed.every((a) => a.reason === "overloaded")
        })
        const schedule = overloadSchedule(overload).pipe(
          Schedule.mapInputEffect((_: ModelError) => Effect.flatMap(mayRerun, (may) => may ? allOverloaded : Effect.succeed(false))),
          Schedule.tapOutput((step) =>
            step === undefined ? Effect.void : Effect.zipRight(
              Ref.update(round, (r) => ({ ...r, waited: r.waited + step.delayMs, notice: r.waited < noticeAt && r.waited + step.delayMs >= noticeAt })),
              Effect.logWarning(`model fallback: every candidate is overloaded; rerunning the chain (${step.retry}/${overload.maxRetries}) in ${step.delayMs}ms`)
            ))
        )
        return { startRound, schedule }
      })

    const candidatesOf = (request: ModelCallRequest): ReadonlyArray<ModelTarget> => [request.target, ...request.fallbacks]
    const single = (request: ModelCallRequest, target: ModelTarget): ModelCallRequest => ({ target, fallbacks: [], input: request.input })

    // Rate-limit and overload cooldowns belong to the model that hit them; others to the whole provider.
    const MODEL_SCOPED: ReadonlySet<FailoverReason> = new Set(["rate_limit", "overloaded"])
    const unavailable = (target: ModelTarget) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const rows = unusableProfiles(yield* health.read, now)
        return rows.find((row) => row.provider === target.provider && (row.kind === "disabled" || !MODEL_SCOPED.has(row.reason) || row.model === target.model))
      })

    /**
     * Stage 1 before stage 2 (spec 1.4): a candidate whose auth profile is cooling down or disabled is
     * skipped without a call while a later candidate remains; the last one is always tried.
     */
    const usableFrom = (index: number, candidates: ReadonlyArray<ModelTarget>, attempts: Array<FailoverAttempt>) =>
      Effect.gen(function*() {
        let i = index
        while (i < candidates.length - 1) {
          const target = candidates[i]
          if (target === undefined) break
          const row = yield* unavailable(target)
          if (row === undefined) break
          const left = Math.ceil(row.remainingMs / 1000)
          const why = row.lastError === undefined ? "" : `; last error: ${row.lastError.summary}`
          attempts.push({
            provider: target.provider,
            model: target.model,
            reason: row.reason,
            summary: `auth profile ${row.profileId} is in ${row.kind} (${row.reason}) for ${left}s more${why}`,
            code: "MODEL_PROFILE_UNAVAILABLE"
          })
          yield* Effect.logWarning(`model fallback: ${target.key} skipped, ${row.profileId} ${row.kind}:${row.reason} (${left}s left); trying ${candidates[i + 1]?.key ?? "-"}`)
          i++
        }
        return i
      })

    const onFailure = (error: ModelError, index: number, candidates: ReadonlyArray<ModelTarget>, attempts: Array<FailoverAttempt>) =>
      Effect.gen(function*() {
        const failed = flatten(error)
        attempts.push(...failed)
        yield* Effect.forEach(failed, (attempt) => health.recordFailure(attempt), { discard: true })
        const next = candidates[index + 1]
        const last = failed[failed.length - 1]
        if (next === undefined || last === undefined || !shouldFallback(last.reason)) {
          const selected = candidates[0]
          if (candidates.length > 1 && selected !== undefined && last !== undefined) {
            const at = yield* Clock.currentTimeMillis
            yield* health.recordFallback({ at, selected: selected.key, reason: attempts[0]?.reason ?? last.reason, summary: summary(attempts), outcome: "exhausted" })
          }
          return undefined
        }
        yield* Effect.logWarning(`model fallback: ${last.provider}/${last.model} failed (${last.reason}: ${last.summary}); trying ${next.key}`)
        return next
      })

    const onSuccess = (response: ModelResponse, index: number, candidates: ReadonlyArray<ModelTarget>, attempts: ReadonlyArray<FailoverAttempt>) =>
      Effect.gen(function*() {
        yield* health.recordSuccess(response.provider)
        const selected = candidates[0]
        const active = candidates[index]
        const first = attempts[0]
        if (index === 0 || selected === undefined || active === undefined || first === undefined) return { ...response, attempts }
        const fallback: FallbackInfo = { selected: selected.key, active: active.key, reason: first.reason, notice: fallbackNotice(active.key, selected.key, first.reason) }
        const at = yield* Clock.currentTimeMillis
        yield* health.recordFallback({ at, selected: selected.key, active: active.key, reason: first.reason, summary: summary(attempts), outcome: "fallback" })
        // Info, not a warning: callers show the notice themselves (infer on stderr, the agent in the DM).
        yield* Effect.logInfo(fallback.notice)
        return { ...response, attempts, fallback }
      })

    return {
      complete: Effect.fn("ModelFallback.complete")(function*(request) {
        const candidates = candidatesOf(request)
        const attempts: Array<FailoverAttempt> = []
        const run = (from: number): Effect.Effect<ModelResponse, ModelError> =>
          Effect.flatMap(usableFrom(from, candidates, attempts), (index) =>
            inner.complete(single(request, candidates[index] ?? request.target)).pipe(
              Effect.matchEffect({
                onSuccess: (response) => onSuccess(response, index, candidates, [...attempts]),
                onFailure: (error) =>
                  Effect.flatMap(onFailure(error, index, candidates, attempts), (next) =>
                    next === undefined ? Effect.fail(exhausted(attempts, error)) : run(index + 1))
              })
            ))
        // Spec 1.4: an all-overloaded chain is rerun with backoff (before any output: `complete` has none).
        const rerun = yield* overloadRerun(attempts, Effect.succeed(true))
        const round: Effect.Effect<ModelResponse, ModelError> = Effect.zipRight(rerun.startRound, run(0))
        return yield* Effect.retry(round, rerun.schedule)
      }),
      stream: (request) =>
        Stream.unwrap(
          Effect.gen(function*() {
            const started = yield* Ref.make(false)
            const candidates = candidatesOf(request)
            const attempts: Array<FailoverAttempt> = []
            const run = (from: number): Stream.Stream<ModelStreamEvent, ModelError> =>
              Stream.unwrap(Effect.map(usableFrom(from, candidates, attempts), (index) =>
                inner.stream(single(request, candidates[index] ?? request.target)).pipe(
                  Stream.mapEffect((event) =>
                    event._tag === "Completed"
                      ? Effect.map(onSuccess(event.response, index, candidates, [...attempts]), (response): ModelStreamEvent => ({ _tag: "Completed", response }))
                      : Effect.as(Ref.set(started, true), event)
                  ),
                  Stream.catchAll((error) =>
                    Stream.unwrap(
                      Effect.gen(function*() {
                        if (yield* Ref.get(started)) return Stream.fail(error)
                        const next = yield* onFailure(error, index, candidates, attempts)
                        return next === undefined ? Stream.fail(exhausted(attempts, error)) : run(index + 1)
                      })
                    )
                  )
                )))
            // Rerun only before any output: a rerun would repeat what the caller already saw.
            const rerun = yield* overloadRerun(attempts, Effect.map(Ref.get(started), (hasStarted) => !hasStarted))
            return Stream.retry(Stream.unwrap(Effect.as(rerun.startRound, run(0))), rerun.schedule)
          })
        ).pipe(Stream.withSpan("ModelFallback.stream"))
    }
  })
)
