import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Either, ParseResult, PubSub, Schema, type Scope } from "effect"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import type { RegistryChange } from "../../domain/pairing/changes.js"
import { dropExpired, PairedFile, PendingFile } from "../../domain/pairing/registryState.js"
import type { Outcome } from "../../domain/pairing/transitions.js"
import { fileTimestamp } from "../../domain/WriteGuard.js"
import { StateFiles } from "../../services/StateFiles.js"
import { makeVersionedRead } from "../fs/fileVersion.js"
import { stateIoError } from "../fs/platformErrors.js"
import { jsonFileText } from "../../domain/jsonFile.js"

/** Pairing mutations are short; another process (the CLI) holds the lock for milliseconds. */
const LOCK_POLICY = { timeout: "5 seconds", poll: "10 millis" } as const

/** Unknown fields (written by a newer or the original OpenClaw) are kept, not rejected or dropped. */
const decodeOptions = { errors: "all", onExcessProperty: "preserve" } as const
// Built once: every connect reads both files, and building a parseJson decoder costs more than the read.
const decodePaired = Schema.decodeUnknownEither(Schema.parseJson(PairedFile), decodeOptions)
const decodePending = Schema.decodeUnknownEither(Schema.parseJson(PendingFile), decodeOptions)

/** Both files as read at `now` (expired requests already dropped). */
export interface Snapshot {
  readonly paired: PairedFile
  readonly pending: PendingFile
  readonly now: number
}

type Loaded<A> = { readonly _tag: "Ok"; readonly value: A } | { readonly _tag: "Corrupt"; readonly detail: string }

/** How a transaction may end before it takes the lock. */
export interface TransactOptions<A> {
  /**
   * The result when the lock-free snapshot shows there is nothing to do (a device another connect approved a
   * moment ago); `undefined` runs the transaction. Only for bodies that would then change nothing.
   */
  readonly unlessDone?: (snapshot: Snapshot) => A | undefined
}

/**
 * `<stateDir>/devices/{paired,pending}.json` with serialised read-modify-write transactions (in process and
 * across processes) and lock-free snapshots. Changes of a committed transaction are published to `hub`.
 */
export const makePairingFiles = (stateDir: string): Effect.Effect<{
  readonly transact: <A, E>(body: (snapshot: Snapshot) => Effect.Effect<Outcome<A>, E>, options?: TransactOptions<A>) => Effect.Effect<A, E | StateIoError>
  readonly snapshot: Effect.Effect<Snapshot, StateIoError>
  readonly hub: PubSub.PubSub<RegistryChange>
}, never, StateFiles | FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function*() {
    const files = yield* StateFiles
    const fs = yield* FileSystem.FileSystem
    const dir = path.join(stateDir, "devices")
    const pairedPath = path.join(dir, "paired.json")
    const pendingPath = path.join(dir, "pending.json")
    const lockPath = path.join(dir, ".lock")
    const writeLock = yield* Effect.makeSemaphore(1)
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<RegistryChange>(), PubSub.shutdown)

    const decodeFile = <A>(decode: (text: string) => Either.Either<A, ParseResult.ParseError>, file: string) =>
      files.readIfExists(file).pipe(
        Effect.map((text): Loaded<A | undefined> => {
          if (text === undefined || text.trim() === "") return { _tag: "Ok", value: undefined }
          return Either.match(decode(text), {
            onLeft: (error) => ({
              _tag: "Corrupt",
              detail: ParseResult.ArrayFormatter.formatErrorSync(error)
                .slice(0, 3)
                .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
                .join("; ")
            }),
            onRight: (value) => ({ _tag: "Ok", value })
          })
        })
      )

    /** Moves an undecodable file aside (never overwritten in place) so a human can recover it. */
    const quarantine = (file: string, detail: string) =>
      Effect.gen(function*() {
        const stamp = fileTimestamp(new Date(yield* Clock.currentTimeMillis))
        let target = `${file}.corrupt.${stamp}`
        for (let attempt = 1; yield* fs.exists(target); attempt++) target = `${file}.corrupt.${stamp}-${attempt}`
        yield* fs.rename(file, target)
        yield* Effect.logWarning(`device registry: ${file} could not be read (${detail}); moved it to ${target} and starting empty`)
      }).pipe(Effect.mapError(stateIoError(file, "moving aside")))

    /** Reads one file; under the lock a corrupt file is moved aside, outside it `Corrupt` is reported. */
    const loadLocked = <A>(decode: (text: string) => Either.Either<A, ParseResult.ParseError>, file: string, empty: A) =>
      Effect.gen(function*() {
        const loaded = yield* decodeFile(decode, file)
        if (loaded._tag === "Ok") return loaded.value ?? empty
        yield* quarantine(file, loaded.detail)
        return empty
      })

    const prepareDir = Effect.gen(function*() {
      yield* files.ensurePrivateDir(dir)
      // An existing directory keeps its mode under mkdir: tighten one that others can read.
      yield* Effect.gen(function*() {
        const stat = yield* fs.stat(dir)
        if ((stat.mode & 0o077) !== 0) yield* fs.chmod(dir, 0o700)
      }).pipe(Effect.mapError(stateIoError(dir, "restricting")))
    })

    const save = (file: string, value: unknown) => Effect.zipRight(files.sweepStaleTemps(file), files.atomicWrite(file, jsonFileText(value)))

    /** Writes of this process so far (see makeVersionedRead). */
    let writes = 0
    const transact = <A, E>(
      body: (snapshot: Snapshot) => Effect.Effect<Outcome<A>, E>,
      options: TransactOptions<A> = {}
    ): Effect.Effect<A, E | StateIoError> =>
      Effect.gen(function*() {
        if (options.unlessDone !== undefined) {
          // Checked once this caller's turn has come: callers queued behind a write that did their work skip the lock.
          const clean = yield* cleanSnapshot
          const done = clean === undefined ? undefined : options.unlessDone(clean)
          if (done !== undefined) return done
        }
        yield* prepareDir
        // The files are re-read under the lock, since another process may have changed them.
        const outcome = yield* files.withLock(lockPath, LOCK_POLICY, Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const paired = yield* loadLocked(decodePaired, pairedPath, {})
          const pending = dropExpired(yield* loadLocked(decodePending, pendingPath, {}), now)
          const result = yield* body({ paired, pending, now })
          // Counted however the saves end: a snapshot begun before them is not shared with callers after them.
          yield* Effect.ensuring(
            Effect.zipRight(
              result.paired === undefined ? Effect.void : save(pairedPath, result.paired),
              result.pending === undefined ? Effect.void : save(pendingPath, result.pending)
            ),
            Effect.sync(() => void (writes += 1))
          )
          return result
        }))
        if (outcome.changes !== undefined) yield* PubSub.publishAll(hub, outcome.changes)
        return outcome.result
      }).pipe(writeLock.withPermits(1))

    // Both files as last read and decoded, kept until either changes version: each connect takes a snapshot (or
    // three), and a storm of connects of known devices changes nothing.
    const readBoth = makeVersionedRead(
      [pairedPath, pendingPath],
      Effect.zip(decodeFile(decodePaired, pairedPath), decodeFile(decodePending, pendingPath)).pipe(Effect.provideService(FileSystem.FileSystem, fs)),
      { generation: () => writes }
    )

    /** Both files as they are now, read without the lock (they are replaced atomically); undefined when one is corrupt. */
    const cleanSnapshot: Effect.Effect<Snapshot | undefined, StateIoError> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const [paired, pending] = yield* readBoth
      return paired._tag === "Ok" && pending._tag === "Ok" ? { paired: paired.value ?? {}, pending: dropExpired(pending.value ?? {}, now), now } : undefined
    })

    /** A lock-free read; a corrupt file sends it through the lock to be moved aside. */
    const snapshot: Effect.Effect<Snapshot, StateIoError> = Effect.flatMap(cleanSnapshot, (clean) =>
      clean !== undefined ? Effect.succeed(clean) : transact((s) => Effect.succeed({ result: s })))

    return { transact, snapshot, hub }
  })
