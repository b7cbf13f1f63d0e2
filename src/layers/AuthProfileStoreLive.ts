import { Effect, Either, Layer, ParseResult, Schema } from "effect"
import * as path from "node:path"
import { AuthProfileFile, AuthStoreInvalid, emptyAuthProfiles, withProfile } from "../domain/auth/authProfiles.js"
import { jsonFileText } from "../domain/jsonFile.js"
import { makeVersionedRead } from "./fs/fileVersion.js"
import { AuthProfileStore } from "../services/AuthProfileStore.js"
import { Paths } from "../services/Paths.js"
import { StateFiles } from "../services/StateFiles.js"

/** `<stateDir>/agents/<agentId>/agent/auth-profiles.json`, beside the agent's `auth-health.json`. */
export const authProfilesPath = (stateDir: string, agentId = "main") => path.join(stateDir, "agents", agentId, "agent", "auth-profiles.json")

// Fields the original (or a newer version) keeps there, such as usage stats, are preserved.
const decode = Schema.decodeUnknownEither(Schema.parseJson(AuthProfileFile), { errors: "all", onExcessProperty: "preserve" })
const encode = Schema.encodeSync(AuthProfileFile, { onExcessProperty: "preserve" })

/** Another process (a running gateway reads it; a second onboard writes it) holds the lock for milliseconds. */
const LOCK_POLICY = { timeout: "5 seconds", poll: "10 millis" } as const

/**
 * The default agent's auth-profile store as a JSON file: atomic 0600 writes through StateFiles under a
 * cross-process lock. A file that does not decode is an error naming it and is never overwritten.
 */
export const AuthProfileStoreLive = Layer.effect(
  AuthProfileStore,
  Effect.gen(function*() {
    const paths = yield* Paths
    const files = yield* StateFiles
    const file = authProfilesPath(paths.stateDir)

    const readNow = Effect.flatMap(files.readIfExists(file), (text) => {
      if (text === undefined || text.trim() === "") return Effect.succeed(emptyAuthProfiles)
      return Either.match(decode(text), {
        onRight: Effect.succeed,
        onLeft: (error) => {
          const issues = ParseResult.ArrayFormatter.formatErrorSync(error).slice(0, 3).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
          return Effect.fail(new AuthStoreInvalid({
            message: `auth-profile store ${file} is not valid (${issues.join("; ")}); fix or move it aside, then rerun`,
            path: file
          }))
        }
      })
    })

    // Every model catalogue (sessions.list, models.list, each agent turn) reads the store: decoded once per change.
    const read = makeVersionedRead([file], readNow)

    const upsert = (profiles: Readonly<Record<string, AuthProfileFile["profiles"][string]>>) =>
      Effect.zipRight(
        files.ensurePrivateDir(path.dirname(file)),
        files.withLock(`${file}.lock`, LOCK_POLICY, Effect.gen(function*() {
          const current = yield* readNow
          const next = Object.entries(profiles).reduce((store, [id, profile]) => withProfile(store, id, profile), current)
          yield* files.atomicWrite(file, jsonFileText(encode(next)), undefined, { mode: 0o600 })
        }))
      )

    const remove = Effect.gen(function*() {
      const existed = (yield* files.readIfExists(file)) !== undefined
      yield* files.removeIfExists(file)
      return existed
    })

    return AuthProfileStore.of({ location: Effect.succeed(file), read, upsert, remove })
  })
)
