import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Duration, Effect, Layer, Schedule } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { StateIoError } from "../domain/errors.js"
import { StateFiles } from "../services/StateFiles.js"
import { pidAlive } from "./fs/pidAlive.js"
import { isAlreadyExists, isNotFound, stateIoError } from "./fs/platformErrors.js"

const TEMP_SUFFIX = /^\.(\d+)\.[0-9a-f]+\.tmp$/
const encoder = new TextEncoder()

/** Another live process holds the lock file (its pid when readable). */
class LockHeld extends Data.TaggedError("LockHeld")<{ readonly pid: number | undefined }> {}

/** The durable-file primitives over @effect/platform's FileSystem. */
export const StateFilesLive = Layer.effect(StateFiles, Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem

  const readIfExists = (file: string) =>
    fs.readFileString(file).pipe(
      Effect.map((text): string | undefined => text),
      Effect.catchIf(isNotFound, () => Effect.succeed(undefined)),
      Effect.mapError(stateIoError(file, "reading"))
    )

  const removeQuietly = (file: string) => Effect.ignore(fs.remove(file, { force: true }))

  /** Opens with `flag`, writes all bytes, fsyncs, closes: one durable write. */
  const writeSynced = (file: string, content: string | Uint8Array, flag: FileSystem.OpenFlag, mode = 0o600) =>
    Effect.scoped(Effect.gen(function*() {
      const handle = yield* fs.open(file, { flag, mode })
      yield* handle.writeAll(typeof content === "string" ? encoder.encode(content) : content)
      yield* handle.sync
    }))

  // fsync of a directory makes a rename durable; some filesystems refuse it, which is harmless.
  const syncDir = (dir: string) => Effect.ignore(Effect.scoped(Effect.flatMap(fs.open(dir, { flag: "r" }), (handle) => handle.sync)))

  const atomicWrite = <E = never>(
    file: string,
    content: string | Uint8Array,
    beforeRename: Effect.Effect<void, E> = Effect.void as Effect.Effect<void, E>,
    options: { readonly mode?: number } = {}
  ) =>
    Effect.suspend(() => {
      const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
      return Effect.gen(function*() {
        yield* writeSynced(temp, content, "wx", options.mode).pipe(Effect.mapError(stateIoError(file, "writing temp file for")))
        // The umask may have narrowed the mode asked for at open.
        if (options.mode !== undefined) yield* fs.chmod(temp, options.mode).pipe(Effect.mapError(stateIoError(file, "writing temp file for")))
        yield* beforeRename
        yield* fs.rename(temp, file).pipe(Effect.mapError(stateIoError(file, "replacing")))
        yield* syncDir(path.dirname(file))
      }).pipe(Effect.onError(() => removeQuietly(temp)))
    })

  const sweep = (file: string, shouldRemove: (pid: number) => boolean) =>
    Effect.gen(function*() {
      const dir = path.dirname(file)
      const base = path.basename(file)
      const entries = yield* fs.readDirectory(dir).pipe(Effect.catchIf(isNotFound, () => Effect.succeed<Array<string>>([])))
      for (const entry of entries) {
        if (!entry.startsWith(base)) continue
        const match = TEMP_SUFFIX.exec(entry.slice(base.length))
        if (match !== null && shouldRemove(Number(match[1]))) yield* fs.remove(path.join(dir, entry), { force: true })
      }
    }).pipe(Effect.mapError(stateIoError(file, "cleaning temp files for")))

  const sweepStaleTemps = (file: string) => sweep(file, (pid) => !pidAlive(pid))

  const writeExclusive = (file: string, text: string) =>
    fs.writeFileString(file, text, { flag: "wx", mode: 0o600 }).pipe(Effect.mapError(stateIoError(file, "writing")))

  const appendSynced = (file: string, text: string) => writeSynced(file, text, "a").pipe(Effect.mapError(stateIoError(file, "appending to")))

  const ensurePrivateDir = (dir: string) =>
    fs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(Effect.mapError(stateIoError(dir, "creating directory")))

  const readOwner = (lockPath: string) =>
    fs.readFileString(lockPath).pipe(Effect.map((text) => Number(text.trim())), Effect.orElseSucceed(() => 0))

  /** One attempt: create the lock file exclusively, or reclaim it when its owner is dead. */
  const tryAcquire = (lockPath: string) =>
    Effect.gen(function*() {
      const created = yield* fs.writeFileString(lockPath, `${process.pid}\n`, { flag: "wx", mode: 0o600 }).pipe(
        Effect.as(true),
        Effect.catchIf(isAlreadyExists, () => Effect.succeed(false))
      )
      if (created) return
      const owner = yield* readOwner(lockPath)
      if (owner > 0 && pidAlive(owner)) return yield* new LockHeld({ pid: owner })
      // The owner died holding the lock. Move it aside under a unique name first, so two reclaimers
      // cannot both delete a lock a third process has just taken.
      const aside = `${lockPath}.stale.${process.pid}`
      yield* fs.rename(lockPath, aside).pipe(Effect.catchIf(isNotFound, () => new LockHeld({ pid: undefined })))
      const moved = yield* readOwner(aside)
      yield* fs.remove(aside, { force: true })
      if (moved > 0 && moved !== owner && pidAlive(moved)) return yield* new LockHeld({ pid: moved })
      yield* fs.writeFileString(lockPath, `${process.pid}\n`, { flag: "wx", mode: 0o600 }).pipe(
        Effect.catchIf(isAlreadyExists, () => new LockHeld({ pid: undefined }))
      )
    })

  const withLock = <A, E, R>(lockPath: string, policy: { readonly timeout: Duration.DurationInput; readonly poll: Duration.DurationInput }, effect: Effect.Effect<A, E, R>) => {
    const acquire = tryAcquire(lockPath).pipe(
      Effect.retry({ while: (cause) => cause._tag === "LockHeld", schedule: Schedule.spaced(policy.poll).pipe(Schedule.upTo(policy.timeout)) }),
      Effect.mapError((cause) =>
        cause._tag === "LockHeld"
          ? new StateIoError({ message: `lock ${lockPath} is held by pid ${cause.pid ?? "unknown"}; timed out after ${Duration.toMillis(policy.timeout)}ms`, path: lockPath })
          : stateIoError(lockPath, "locking")(cause)
      )
    )
    const release = Effect.flatMap(readOwner(lockPath), (owner) => (owner === process.pid ? Effect.ignore(fs.remove(lockPath, { force: true })) : Effect.void))
    return Effect.acquireUseRelease(acquire, () => effect, () => release)
  }

  return StateFiles.of({ readIfExists, atomicWrite, writeExclusive, appendSynced, ensurePrivateDir, sweepStaleTemps, withLock })
}))
