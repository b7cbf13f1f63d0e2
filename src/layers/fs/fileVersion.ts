import * as FileSystem from "@effect/platform/FileSystem"
import { Deferred, Effect, FiberId, Option } from "effect"

/**
 * A file's version as far as re-reading it is concerned: which file (inode), how long, last written when
 * (`-` when it cannot be stat'ed). Atomic replaces change the inode, so a write is never missed; an
 * in-place rewrite to the same length within the same millisecond would be, and nothing here does that.
 */
export const fileVersion = (target: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.stat(target)).pipe(
    Effect.map((info) => `${Option.getOrElse(info.ino, () => 0)}:${info.size}:${Option.match(info.mtime, { onNone: () => 0, onSome: (d) => d.getTime() })}`),
    Effect.orElseSucceed(() => "-")
  )

/**
 * A read whose result is kept until the files it came from change version: a hot path re-reading a file
 * that rarely changes pays one stat per file instead of a read and a parse.
 *
 * With `generation` (a counter the owner bumps after each write of its own), callers that come while a read
 * is under way join it instead of stating the files again, as long as no write happened since it began: a
 * storm of connects then costs one stat per file per round, not per connect.
 */
export const makeVersionedRead = <A, E, R>(
  files: ReadonlyArray<string>,
  read: Effect.Effect<A, E, R>,
  options: { readonly generation?: () => number } = {}
): Effect.Effect<A, E, R | FileSystem.FileSystem> => {
  let last: { readonly version: string; readonly value: A } | undefined
  const readNow = Effect.gen(function*() {
    const versions: Array<string> = []
    for (const file of files) versions.push(yield* fileVersion(file))
    const version = versions.join("|")
    if (last !== undefined && last.version === version) return last.value
    const value = yield* read
    last = { version, value }
    return value
  })
  const generation = options.generation
  if (generation === undefined) return readNow
  let shared: { readonly generation: number; readonly result: Deferred.Deferred<A, E> } | undefined
  return Effect.suspend(() => {
    const current = generation()
    if (shared !== undefined && shared.generation === current) return Deferred.await(shared.result)
    const mine = { generation: current, result: Deferred.unsafeMake<A, E>(FiberId.none) }
    shared = mine
    // Uninterruptible (a stat and at most a read): callers that joined it must always get an answer.
    return Effect.uninterruptible(Effect.flatMap(Effect.exit(readNow), (exit) => {
      if (shared === mine) shared = undefined
      return Effect.zipRight(Deferred.done(mine.result, exit), exit)
    }))
  })
}
