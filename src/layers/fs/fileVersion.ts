import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"

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
 */
export const makeVersionedRead = <A, E, R>(files: ReadonlyArray<string>, read: Effect.Effect<A, E, R>) => {
  let last: { readonly version: string; readonly value: A } | undefined
  return Effect.gen(function*() {
    const versions: Array<string> = []
    for (const file of files) versions.push(yield* fileVersion(file))
    const version = versions.join("|")
    if (last !== undefined && last.version === version) return last.value
    const value = yield* read
    last = { version, value }
    return value
  })
}
