import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as path from "node:path"
import { isNotFound, stateIoError } from "./platformErrors.js"

/**
 * The file a write to `file` must replace: the final target when `file` is a symlink (a dotfiles repo,
 * a mounted secret), so the link stays a link and the target gets the new bytes; `file` itself otherwise.
 * A link whose target does not exist yet resolves to where it points.
 */
export const writeTarget = (fs: FileSystem.FileSystem, file: string) =>
  fs.realPath(file).pipe(
    Effect.catchIf(isNotFound, () =>
      fs.readLink(file).pipe(
        Effect.map((link) => path.resolve(path.dirname(file), link)),
        Effect.orElseSucceed(() => file)
      )),
    Effect.mapError(stateIoError(file, "resolving"))
  )
