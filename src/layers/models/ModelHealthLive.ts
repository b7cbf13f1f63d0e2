import { Clock, Effect, Either, Layer, ParseResult, Schema } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { emptyHealth, HealthFile, withFailure, withFallback, withSuccess } from "../../domain/models/health.js"
import { ModelHealth } from "../../services/ModelHealth.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"
import { Paths } from "../../services/Paths.js"
import { atomicWrite, ensurePrivateDir, io, readIfExists } from "../fs/files.js"

const HealthJson = Schema.parseJson(HealthFile)
const decode = Schema.decodeUnknownEither(HealthJson, { errors: "all", onExcessProperty: "preserve" })
const encode = Schema.encodeSync(HealthFile)

/** `<stateDir>/agents/<agentId>/agent/auth-health.json`. */
export const healthPath = (stateDir: string, agentId = "main") => path.join(stateDir, "agents", agentId, "agent", "auth-health.json")

/**
 * Model health in a JSON file under the state dir, written atomically and serialised in-process.
 * A file that does not decode is moved aside (`.corrupt-<ms>`) and health starts empty.
 */
export const ModelHealthLive = Layer.effect(
  ModelHealth,
  Effect.gen(function*() {
    const paths = yield* Paths
    const policy = yield* ModelPolicy
    const file = healthPath(paths.stateDir)
    const lock = yield* Effect.makeSemaphore(1)

    const read = Effect.gen(function*() {
      const text = yield* readIfExists(file)
      if (text === undefined) return emptyHealth
      const decoded = decode(text)
      if (Either.isRight(decoded)) return decoded.right
      const now = yield* Clock.currentTimeMillis
      yield* Effect.logWarning(`model health file ${file} is unreadable (${ParseResult.TreeFormatter.formatErrorSync(decoded.left).split("\n")[0]}); moved aside, starting empty`)
      yield* io(file, "moving aside", () => fs.rename(file, `${file}.corrupt-${now}`))
      return emptyHealth
    })

    // `change` returns the current value itself when nothing needs writing.
    const update = (change: (current: HealthFile, now: number) => HealthFile) =>
      lock.withPermits(1)(
        Effect.gen(function*() {
          const current = yield* read
          const now = yield* Clock.currentTimeMillis
          const next = change(current, now)
          if (next === current) return
          yield* ensurePrivateDir(path.dirname(file))
          yield* atomicWrite(file, `${JSON.stringify(encode(next), null, 2)}\n`)
        })
      ).pipe(Effect.catchTag("ConfigIoError", (error) => Effect.logWarning(`could not record model health: ${error.message}`)))

    return {
      read: read.pipe(Effect.catchTag("ConfigIoError", (error) => Effect.as(Effect.logWarning(error.message), emptyHealth))),
      recordFailure: (attempt) => update((current, now) => withFailure(current, attempt, now, policy.cooldown)),
      recordSuccess: (provider) => update((current, now) => withSuccess(current, provider, now)),
      recordFallback: (record) => update((current) => withFallback(current, record))
    }
  })
)
