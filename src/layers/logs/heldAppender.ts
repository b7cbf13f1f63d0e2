import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Exit, Option, Scope } from "effect"
import * as path from "node:path"
import { isNotFound } from "../fs/platformErrors.js"

/**
 * Appends to one file through a descriptor kept open between batches: a busy log opened, wrote and closed
 * its file once per batch. The descriptor is dropped (and the path opened again on the next append) when
 * the caller sees the path replaced or removed, around a rotation, and after a failed write.
 */
export const makeHeldAppender = (fs: FileSystem.FileSystem) => {
  let held: { readonly file: string; readonly handle: FileSystem.File; readonly scope: Scope.CloseableScope; readonly ino: number | undefined } | undefined

  const release = Effect.suspend(() => {
    const current = held
    held = undefined
    return current === undefined ? Effect.void : Scope.close(current.scope, Exit.void)
  })

  const openOnce = (file: string) =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const handle = yield* fs.open(file, { flag: "a", mode: 0o600 }).pipe(
        Scope.extend(scope),
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      const info = yield* Effect.option(handle.stat)
      held = { file, handle, scope, ino: Option.getOrUndefined(Option.flatMap(info, (i) => i.ino)) }
      return handle
    })

  const handleFor = (file: string) =>
    held !== undefined && held.file === file
      ? Effect.succeed(held.handle)
      : Effect.zipRight(release, openOnce(file).pipe(
        // The directory was removed under us (a tmp cleaner): recreate it once.
        Effect.catchIf(isNotFound, () => Effect.zipRight(fs.makeDirectory(path.dirname(file), { recursive: true, mode: 0o700 }), openOnce(file)))
      ))

  return {
    /** Appends `bytes` to `file` (created 0600 when missing). */
    append: (file: string, bytes: Uint8Array): Effect.Effect<void, PlatformError> =>
      Effect.flatMap(handleFor(file), (handle) => handle.writeAll(bytes)).pipe(Effect.tapError(() => release)),
    /** Whether the open descriptor is still the file at `file`, whose inode a stat just gave (undefined: missing). */
    stillCurrent: (file: string, ino: number | undefined): boolean =>
      held === undefined || held.file !== file || (ino !== undefined && (held.ino === undefined || held.ino === ino)),
    release
  }
}
