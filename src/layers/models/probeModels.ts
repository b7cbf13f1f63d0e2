import { Clock, Effect } from "effect"
import { attemptOf } from "../../domain/models/errors.js"
import type { ProbeTarget } from "../../domain/models/probePlan.js"
import { responseText } from "../../domain/models/response.js"
import { probeBucket, type ProbeResult } from "../../domain/models/statusReport.js"
import { ModelClient } from "../../services/ModelClient.js"

/** Sends one tiny real request per probe target (strict, no fallback) and buckets the outcome. */
export const probeModels = (targets: ReadonlyArray<ProbeTarget>, options: { readonly maxTokens: number; readonly concurrency: number }) =>
  Effect.gen(function*() {
    const client = yield* ModelClient
    return yield* Effect.forEach(
      targets,
      (probe): Effect.Effect<ProbeResult> => {
        if (probe._tag === "Known") return Effect.succeed(probe.result)
        const base = { provider: probe.provider, profileId: probe.profileId, model: probe.target.model }
        return Effect.gen(function*() {
          const started = yield* Clock.currentTimeMillis
          const input = { messages: [{ role: "user" as const, content: "Reply with OK" }], maxTokens: options.maxTokens }
          const outcome = yield* Effect.either(client.complete({ target: probe.target, fallbacks: [], input }))
          const latencyMs = (yield* Clock.currentTimeMillis) - started
          if (outcome._tag === "Right") {
            const text = responseText(outcome.right)
            return { ...base, status: "ok" as const, latencyMs, ...(text === "" ? { detail: "answered with no text" } : {}) }
          }
          const error = outcome.left
          const attempt = error._tag === "ModelFailover" ? error.attempts[error.attempts.length - 1] : attemptOf(error)
          const reason = attempt?.reason ?? error.reason
          return { ...base, status: probeBucket(reason), reason, latencyMs, detail: error.message }
        })
      },
      { concurrency: Math.max(1, options.concurrency) }
    )
  })
