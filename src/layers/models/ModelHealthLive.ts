import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Either, Layer, ParseResult, Schema } from "effect"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import { emptyHealth, HealthFile, withFailure, withFallback, withSuccess } from "../../domain/models/health.js"
import { ModelHealth } from "../../services/ModelHealth.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { stateIoError } from "../fs/platformErrors.js"

const HealthJson = Schema.parseJson(HealthFile)
const decode = Schema.decodeUnknownEither(HealthJson, { errors: "all", onExcessProperty: "preserve" })
const encode = Schema.encodeSync(HealthFile)

/** `<stateDir>/agents/<agentId>/agent/auth-health.json`. */
export const healthPath = (stateDir: string, agentId = "main") => path.join(stateDir, "agents", agentId, "agent", "auth-health.json")

/**
 * Model health in a JSON file under the state dir, written atomically (StateFiles) and serialised
 * in-process. A file that does not decode is moved aside (`.corrupt-<ms>`) and health starts empty;
 * a file that cannot be read or written is a logged StateIoError, never a failed model call.
 */
export const ModelHealthLive = Layer.effect(
  ModelHealth,
  Effect.gen(function*() {
    const paths = yield* Paths
    const policy = yield* ModelPolicy
    const files = yield* StateFiles
    const fs = yield* FileSystem.FileSystem
    const file = healthPath(paths.stateDir)
    const lock = yield* Effect.makeSemaphore(1)

    const load: Effect.Effect<HealthFile, StateIoError> = Effect.gen(function*() {
      const text = yield* files.readIfExists(file)
      if (text === undefined) return emptyHealth
      const decoded = decode(text)
      if (Either.isRight(decoded)) return decoded.right
      const now = yield* Clock.currentTimeMillis
      yield* Effect.logWarning(`model health file ${file} is unreadable (${ParseResult.TreeFormatter.formatErrorSync(decoded.left).split("\n")[0]}); moved aside, starting empty`)
      yield* fs.rename(file, `${file}.corrupt-${now}`).pipe(Effect.mapError(stateIoError(file, "moving aside")))
      return emptyHealth
    })

    // `change` returns the current value itself when nothing needs writing.
    const update = (change: (current: HealthFile, now: number) => HealthFile) =>
      lock.withPermits(1)(
        Effect.gen(function*() {
          const current = yield* load
          const now = yield* Clock.currentTimeMillis
          const next = change(current, now)
          if (next === current) return
          yield* files.ensurePrivateDir(path.dirname(file))
          yield* files.atomicWrite(file, `${JSON.stringify(encode(next), null, 2)}\n`)
        })
      ).pipe(Effect.catchTag("StateIoError", (error) => Effect.logWarning(`could not record model health: ${error.message}`)))

    return {
      read: load.pipe(
        Effect.catchTag("StateIoError", (error) => Effect.as(Effect.logWarning(error.message), emptyHealth)),
        Effect.withSpan("ModelHealth.read")
      ),
      recordFailure: (attempt) => update((current, now) => withFailure(current, attempt, now, policy.cooldown)).pipe(Effect.withSpan("ModelHealth.recordFailure")),
      recordSuccess: (provider) => update((current, now) => withSuccess(current, provider, now)).pipe(Effect.withSpan("ModelHealth.recordSuccess")),
      recordFallback: (record) => update((current) => withFallback(current, record)).pipe(Effect.withSpan("ModelHealth.recordFallback"))
    }
  })
)
