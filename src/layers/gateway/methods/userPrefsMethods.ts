import { Effect, Either, Layer, Schema } from "effect"
import * as path from "node:path"
import { Unavailable } from "../../../domain/protocol/errors.js"
import { SystemMethods as M } from "../../../domain/protocol/systemMethods.js"
import { applyPrefs, emptyPrefsFile, pickPrefs, PrefsFile } from "../../../domain/userPrefs.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"
import { Paths } from "../../../services/Paths.js"
import { StateFiles } from "../../../services/StateFiles.js"

const decodeFile = Schema.decodeUnknownEither(Schema.parseJson(PrefsFile))
const LOCK_POLICY = { timeout: "5 seconds", poll: "10 millis" } as const

/**
 * `users.prefs.get/set`: this gateway has one operator (no user profiles), so preferences are kept
 * gateway-wide in one state file, written atomically (0600) under a lock. A file that does not decode
 * is refused for writes (UNAVAILABLE naming it) rather than overwritten.
 */
export const UserPrefsMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const files = yield* StateFiles
    const { stateDir } = yield* Paths
    const dir = path.join(stateDir, "control-ui")
    const file = path.join(dir, "prefs.json")
    const unavailable = (error: { readonly message: string }) => new Unavailable({ message: error.message })

    const read = Effect.flatMap(files.readIfExists(file), (text) =>
      text === undefined || text.trim() === ""
        ? Effect.succeed(emptyPrefsFile)
        : Either.match(decodeFile(text), {
          onLeft: () => Effect.fail(new Unavailable({ message: `${file} is not a valid preferences file; fix or remove it.` })),
          onRight: Effect.succeed
        }))

    yield* registry.register(M.usersPrefsGet, (params) =>
      Effect.map(read.pipe(Effect.catchTag("StateIoError", (e) => Effect.fail(unavailable(e)))), (prefs) => ({ status: "ok" as const, entries: pickPrefs(prefs, params.keys) })))

    yield* registry.register(M.usersPrefsSet, (params) =>
      Effect.zipRight(files.ensurePrivateDir(dir), files.withLock(path.join(dir, ".prefs.lock"), LOCK_POLICY, Effect.gen(function*() {
        const outcome = applyPrefs(yield* read, params.entries, params.expectedEntries)
        if (outcome._tag === "Conflict") return { status: "conflict" as const }
        yield* files.atomicWrite(file, `${JSON.stringify(outcome.file, null, 2)}\n`)
        return { status: "ok" as const }
      }))).pipe(Effect.catchTag("StateIoError", (e) => Effect.fail(unavailable(e)))))
  })
)
