import { Context, type Duration, type Effect } from "effect"
import type { StateIoError } from "../domain/errors.js"

/** How long to wait for a cross-process lock file, and how often to look again. */
export interface LockPolicy {
  readonly timeout: Duration.DurationInput
  readonly poll: Duration.DurationInput
  /**
   * Test-only: runs after an owner record is written and before it is published, and after a lock is
   * judged stale and before it is removed, so a test can widen those windows and race two writers.
   */
  readonly raceWindow?: Effect.Effect<void>
}

/**
 * The durable-file primitives every store builds on: atomic replace, exclusive create, fsynced append,
 * private directories and cross-process lock files. Failures name the path and what was being done.
 */
export class StateFiles extends Context.Tag("openclaw/StateFiles")<StateFiles, {
  /** The file as UTF-8, or `undefined` when it does not exist. */
  readonly readIfExists: (file: string) => Effect.Effect<string | undefined, StateIoError>
  /**
   * Replaces `file` so a reader sees the old or the new bytes, never a mix: temp file beside it (0600, or
   * `options.mode`), fsync, `beforeRename` (a backup ring), rename, fsync of the directory. The temp file
   * never survives a failure. Text is written as UTF-8; bytes as they are.
   */
  readonly atomicWrite: <E = never>(
    file: string,
    content: string | Uint8Array,
    beforeRename?: Effect.Effect<void, E>,
    options?: { readonly mode?: number }
  ) => Effect.Effect<void, StateIoError | E>
  /** Creates a file that must not exist yet (exclusive create, 0600). */
  readonly writeExclusive: (file: string, text: string) => Effect.Effect<void, StateIoError>
  /** Appends `text` with one O_APPEND write and fsyncs it (0600 when created). */
  readonly appendSynced: (file: string, text: string) => Effect.Effect<void, StateIoError>
  /** Deletes a file; one that is already gone is not an error. */
  readonly removeIfExists: (file: string) => Effect.Effect<void, StateIoError>
  /** Creates the directory and its parents with mode 0700 when missing. */
  readonly ensurePrivateDir: (dir: string) => Effect.Effect<void, StateIoError>
  /** Removes temp files left beside `file` by writers that died mid-write (their pid is gone). */
  readonly sweepStaleTemps: (file: string) => Effect.Effect<void, StateIoError>
  /**
   * Runs `effect` holding an exclusive lock file shared by every process on this machine. The file is
   * created whole, holding the owner's pid and process start time, so a lock left by a killed process
   * (or naming a pid that now belongs to another process, or unreadable) is reclaimed, not waited on.
   */
  /**
   * Deletes the lock file at `lockPath` when `withLock` would judge it stale, taking turns with writers
   * reclaiming it at the same moment. True when a stale lock was deleted.
   */
  readonly clearStaleLock: (lockPath: string) => Effect.Effect<boolean, StateIoError>
  readonly withLock: <A, E, R>(lockPath: string, policy: LockPolicy, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StateIoError, R>
}>() {}
