import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import * as path from "node:path"
import { isExpired, isPrunableLogName, MAX_ROTATED_FILES, rotatedName } from "../../domain/logFile.js"
import { isNotFound, stateIoError } from "../fs/platformErrors.js"

/** Deletes `openclaw-*.log` files in `dir` last modified more than 24 h before `nowMs`, except `keep`. */
export const pruneLogs = (dir: string, nowMs: number, keep: string | undefined) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const entries = yield* fs.readDirectory(dir).pipe(
      Effect.catchIf(isNotFound, () => Effect.succeed<ReadonlyArray<string>>([])),
      Effect.mapError(stateIoError(dir, "pruning"))
    )
    for (const name of entries) {
      if (!isPrunableLogName(name)) continue
      const full = path.join(dir, name)
      if (full === keep) continue
      // A file that vanished or cannot be removed is left for the next prune.
      yield* Effect.ignore(Effect.gen(function*() {
        // FileSystem has no lstat: a link is never followed into a file of someone else's.
        const isLink = yield* fs.readLink(full).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
        if (isLink) return
        const stat = yield* fs.stat(full)
        const mtimeMs = Option.match(stat.mtime, { onNone: () => nowMs, onSome: (date) => date.getTime() })
        if (stat.type === "File" && isExpired(mtimeMs, nowMs)) yield* fs.remove(full, { force: true })
      }))
    }
  })

/** Shifts `.4.log→.5.log … file→.1.log`, dropping the oldest archive. */
export const rotateLog = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const renameIfPresent = (from: string, to: string) => fs.rename(from, to).pipe(Effect.catchIf(isNotFound, () => Effect.void))
    yield* fs.remove(rotatedName(file, MAX_ROTATED_FILES), { force: true })
    for (let n = MAX_ROTATED_FILES - 1; n >= 1; n--) yield* renameIfPresent(rotatedName(file, n), rotatedName(file, n + 1))
    yield* renameIfPresent(file, rotatedName(file, 1))
  }).pipe(Effect.mapError(stateIoError(file, "rotating")))

/** The file's size in bytes and its inode: size 0 and no inode when it does not exist. */
export const logFileFacts = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    return yield* fs.stat(file).pipe(
      Effect.map((stat) => ({ bytes: Number(stat.size), ino: Option.getOrUndefined(stat.ino) })),
      Effect.catchIf(isNotFound, () => Effect.succeed({ bytes: 0, ino: undefined })),
      Effect.mapError(stateIoError(file, "inspecting"))
    )
  })
