import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Data, Duration, Effect, Layer, Schedule } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { StateIoError } from "../domain/errors.js"
import { judgeLock, parseLockOwner, renderLockOwner } from "../domain/lock/lockOwner.js"
import { type LockPolicy, StateFiles } from "../services/StateFiles.js"
import { pidAlive } from "./fs/pidAlive.js"
import { pidFacts, processStartTime } from "./fs/processFacts.js"
import { isAlreadyExists, isNotFound, stateIoError } from "./fs/platformErrors.js"

const TEMP_SUFFIX = /^\.(\d+)\.[0-9a-f]+\.tmp$/
// Beside a lock: temp files of its owner records and reclaim guard, and `.stale.<pid>` files older versions left.
const LOCK_LEFTOVER = /^(?:\.reclaim)?\.(\d+)\.[0-9a-f]+\.tmp$|^\.stale\.(\d+)$/

/** A unique temp name beside `file` that `sweepStaleTemps` recognises by its pid. */
const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
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
      const temp = tempName(file)
      return Effect.gen(function*() {
        yield* writeSynced(temp, content, "wx", options.mode).pipe(Effect.mapError(stateIoError(file, "writing temp file for")))
        // The umask may have narrowed the mode asked for at open.
        if (options.mode !== undefined) yield* fs.chmod(temp, options.mode).pipe(Effect.mapError(stateIoError(file, "writing temp file for")))
        yield* beforeRename
        yield* fs.rename(temp, file).pipe(Effect.mapError(stateIoError(file, "replacing")))
        yield* syncDir(path.dirname(file))
      }).pipe(Effect.onError(() => removeQuietly(temp)))
    })

  const sweep = (file: string, shouldRemove: (pid: number) => boolean, pattern = TEMP_SUFFIX) =>
    Effect.gen(function*() {
      const dir = path.dirname(file)
      const base = path.basename(file)
      const entries = yield* fs.readDirectory(dir).pipe(Effect.catchIf(isNotFound, () => Effect.succeed<Array<string>>([])))
      for (const entry of entries) {
        if (!entry.startsWith(base)) continue
        const match = pattern.exec(entry.slice(base.length))
        if (match !== null && shouldRemove(Number(match[1] ?? match[2]))) yield* fs.remove(path.join(dir, entry), { force: true })
      }
    }).pipe(Effect.mapError(stateIoError(file, "cleaning temp files for")))

  const sweepStaleTemps = (file: string) => sweep(file, (pid) => !pidAlive(pid))

  const sweepLockLeftovers = (lockPath: string) => Effect.ignore(sweep(lockPath, (pid) => !pidAlive(pid), LOCK_LEFTOVER))

  const writeExclusive = (file: string, text: string) =>
    fs.writeFileString(file, text, { flag: "wx", mode: 0o600 }).pipe(Effect.mapError(stateIoError(file, "writing")))

  const appendSynced = (file: string, text: string) => writeSynced(file, text, "a").pipe(Effect.mapError(stateIoError(file, "appending to")))

  const removeIfExists = (file: string) =>
    fs.remove(file).pipe(Effect.catchIf(isNotFound, () => Effect.void), Effect.mapError(stateIoError(file, "removing")))

  const ensurePrivateDir = (dir: string) =>
    fs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(Effect.mapError(stateIoError(dir, "creating directory")))

  /** The file's text, or undefined when it is gone or unreadable (a lock's owner is then judged without it). */
  const readText = (file: string) => fs.readFileString(file).pipe(Effect.orElseSucceed((): string | undefined => undefined))

  // Our start time is read once, on the first lock: commands that never lock never read /proc.
  const selfStartTime = yield* Effect.cached(processStartTime(process.pid).pipe(Effect.provideService(FileSystem.FileSystem, fs)))

  /** A fresh owner record of this process: its text is what identifies this acquisition. */
  const ownerRecord = Effect.gen(function*() {
    const startTime = yield* selfStartTime
    const createdAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    return renderLockOwner({ pid: process.pid, ...(startTime === undefined ? {} : { startTime }), nonce: randomBytes(8).toString("hex"), createdAt })
  })

  /**
   * Publishes `text` at `target` unless something is there: a complete temp file is hard-linked into place,
   * so nobody ever sees `target` empty or half written. True when this call created it.
   */
  const linkExclusive = (target: string, text: string, window: Effect.Effect<void>) =>
    Effect.suspend(() => {
      const temp = tempName(target)
      return Effect.gen(function*() {
        yield* fs.writeFileString(temp, text, { flag: "wx", mode: 0o600 })
        yield* window
        return yield* fs.link(temp, target).pipe(Effect.as(true), Effect.catchIf(isAlreadyExists, () => Effect.succeed(false)))
      }).pipe(Effect.ensuring(removeQuietly(temp)))
    })

  const judge = (text: string | undefined) =>
    Effect.gen(function*() {
      const owner = text === undefined ? undefined : parseLockOwner(text)
      const facts = owner === undefined ? undefined : yield* pidFacts(owner.pid).pipe(Effect.provideService(FileSystem.FileSystem, fs))
      return judgeLock(owner, facts)
    })

  /**
   * Removes `file` only if it still holds `expected`: moved aside under a unique name first, put back when
   * it turns out to be a newer one. Used for a stale reclaim guard, the rare case of a reclaimer killed mid-way.
   */
  const removeIfUnchanged = (file: string, expected: string) =>
    Effect.suspend(() => {
      const aside = tempName(file)
      return Effect.gen(function*() {
        const moved = yield* fs.rename(file, aside).pipe(Effect.as(true), Effect.catchIf(isNotFound, () => Effect.succeed(false)))
        if (!moved || (yield* readText(aside)) === expected) return
        yield* fs.link(aside, file).pipe(Effect.catchIf(isAlreadyExists, () => Effect.void))
      }).pipe(Effect.ensuring(removeQuietly(aside)))
    })

  /**
   * Deletes a stale lock whose text was `seen`. Reclaimers take turns through a guard file, so none can
   * delete a lock another reclaimer has just taken: under the guard a stale lock can only be removed by us.
   */
  const reclaim = (lockPath: string, seen: string | undefined, window: Effect.Effect<void>) =>
    Effect.gen(function*() {
      const guard = `${lockPath}.reclaim`
      const guardText = yield* ownerRecord
      if (!(yield* linkExclusive(guard, guardText, Effect.void))) {
        const other = yield* readText(guard)
        const verdict = yield* judge(other)
        // A live reclaimer finishes on its own; a dead one's guard is cleared for the next attempt.
        if (verdict._tag === "Stale" && other !== undefined) yield* removeIfUnchanged(guard, other)
        else if (verdict._tag === "Stale") yield* removeQuietly(guard)
        return
      }
      yield* Effect.gen(function*() {
        yield* window
        if ((yield* readText(lockPath)) === seen) yield* fs.remove(lockPath, { force: true })
      }).pipe(Effect.ensuring(removeQuietly(guard)))
    })

  /** One attempt: publish our owner record, or reclaim the lock when its owner is gone. Returns our record. */
  const tryAcquire = (lockPath: string, window: Effect.Effect<void>) =>
    Effect.gen(function*() {
      const mine = yield* ownerRecord
      if (yield* linkExclusive(lockPath, mine, window)) return mine
      const seen = yield* readText(lockPath)
      if (seen === undefined) return yield* new LockHeld({ pid: undefined })
      const verdict = yield* judge(seen)
      if (verdict._tag === "Held") return yield* new LockHeld({ pid: verdict.pid })
      yield* reclaim(lockPath, seen, window)
      if (yield* linkExclusive(lockPath, mine, window)) return mine
      return yield* new LockHeld({ pid: parseLockOwner((yield* readText(lockPath)) ?? "")?.pid })
    })

  const clearStaleLock = (lockPath: string) =>
    Effect.gen(function*() {
      const seen = yield* readText(lockPath)
      if (seen === undefined || (yield* judge(seen))._tag === "Held") return false
      yield* reclaim(lockPath, seen, Effect.void)
      return (yield* readText(lockPath)) !== seen
    }).pipe(Effect.mapError(stateIoError(lockPath, "clearing stale lock")))

  const withLock = <A, E, R>(lockPath: string, policy: LockPolicy, effect: Effect.Effect<A, E, R>) => {
    const window = policy.raceWindow ?? Effect.void
    // A writer killed between writing its owner record and publishing it leaves the temp file and no lock
    // to reclaim: each writer first sweeps what dead ones left, so such files never pile up.
    const acquire = Effect.zipRight(sweepLockLeftovers(lockPath), tryAcquire(lockPath, window)).pipe(
      Effect.retry({ while: (cause) => cause._tag === "LockHeld", schedule: Schedule.spaced(policy.poll).pipe(Schedule.upTo(policy.timeout)) }),
      Effect.mapError((cause) =>
        cause._tag === "LockHeld"
          ? new StateIoError({ message: `lock ${lockPath} is held by pid ${cause.pid ?? "unknown"}; timed out after ${Duration.toMillis(policy.timeout)}ms`, path: lockPath })
          : stateIoError(lockPath, "locking")(cause)
      )
    )
    // Only our own acquisition is removed: a lock that is no longer ours (never expected) stays.
    const release = (mine: string) => Effect.flatMap(readText(lockPath), (text) => (text === mine ? removeQuietly(lockPath) : Effect.void))
    return Effect.acquireUseRelease(acquire, () => effect, release)
  }

  return StateFiles.of({ readIfExists, atomicWrite, writeExclusive, appendSynced, removeIfExists, ensurePrivateDir, sweepStaleTemps, clearStaleLock, withLock })
}))
