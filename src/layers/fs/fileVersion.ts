import { Deferred, Effect, FiberId } from "effect"
import { statSync } from "node:fs"

/**
 * A file's version as far as re-reading it is concerned: which file (inode), how long, last written when;
 * `-` when it does not exist, `undefined` when it cannot be told (read anew). Atomic replaces change the
 * inode, so a write is never missed.
 *
 * A probe, not a read: it runs on every request that uses the file, so it asks the kernel directly. Through
 * the platform's FileSystem a stat is a thread-pool round trip (~35 µs here) and, for a file that does not
 * exist, a Schema-validated error as well (~100 µs and ~20 KB of garbage); `statSync` answers in 1-2 µs and
 * makes no error for a missing file. The content itself is still read through FileSystem.
 */
export const fileVersion = (target: string): string | undefined => {
  try {
    const info = statSync(target, { throwIfNoEntry: false })
    return info === undefined ? "-" : `${info.ino}:${info.size}:${info.mtimeMs}`
  } catch {
    return undefined
  }
}

/** The versions of `files` as one key, or `undefined` when one of them cannot be told. */
const versionsOf = (files: ReadonlyArray<string>): string | undefined => {
  let key = ""
  for (const file of files) {
    const version = fileVersion(file)
    if (version === undefined) return undefined
    key += `${version}|`
  }
  return key
}

/**
 * A read whose result is kept until the files it came from change version: a hot path re-reading a file
 * that rarely changes pays one stat per file instead of a read and a parse. A read that fails is not kept.
 *
 * With `generation` (a counter the owner bumps after each write of its own), callers that come while a read
 * is under way join it instead of starting their own, as long as no write happened since it began: a storm
 * of connects on a cold cache then costs one read, not one per connect.
 */
export const makeVersionedRead = <A, E, R>(
  files: ReadonlyArray<string>,
  read: Effect.Effect<A, E, R>,
  options: { readonly generation?: () => number } = {}
): Effect.Effect<A, E, R> => {
  let last: { readonly version: string; readonly value: A } | undefined
  /** The kept result when the files are still at `version`, else how to read them anew (kept at `version`). */
  const answerAt = (version: string | undefined): Effect.Effect<A, E, R> | { readonly kept: A } =>
    version !== undefined && last !== undefined && last.version === version
      ? { kept: last.value }
      : Effect.tap(read, (value) => {
        last = version === undefined ? undefined : { version, value }
      })
  const generation = options.generation
  if (generation === undefined) {
    return Effect.suspend(() => {
      const answer = answerAt(versionsOf(files))
      return Effect.isEffect(answer) ? answer : Effect.succeed(answer.kept)
    })
  }
  let shared: { readonly generation: number; readonly result: Deferred.Deferred<A, E> } | undefined
  return Effect.suspend(() => {
    // A kept result still current is answered at once (a write of the owner's own changed the file's version).
    const answer = answerAt(versionsOf(files))
    if (!Effect.isEffect(answer)) return Effect.succeed(answer.kept)
    const current = generation()
    if (shared !== undefined && shared.generation === current) return Deferred.await(shared.result)
    const mine = { generation: current, result: Deferred.unsafeMake<A, E>(FiberId.none) }
    shared = mine
    // Uninterruptible (a read at most): callers that joined it must always get an answer.
    return Effect.uninterruptible(Effect.flatMap(Effect.exit(answer), (exit) => {
      if (shared === mine) shared = undefined
      return Effect.zipRight(Deferred.done(mine.result, exit), exit)
    }))
  })
}
