import type { PlatformError } from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import type { ServiceFile } from "../../domain/supervisor/spec.js"
import { ServiceActionFailed } from "../../services/ServiceManager.js"
import type { StateFiles } from "../../services/StateFiles.js"
import { isNotFound, stateIoError } from "../fs/platformErrors.js"

/** Encodes a service file's text: UTF-16LE files start with a byte-order mark. */
export const encodeServiceFile = (file: ServiceFile): Uint8Array =>
  file.encoding === "utf16le" ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(file.content, "utf16le")]) : Buffer.from(file.content, "utf8")

/** Decodes what `encodeServiceFile` wrote (a UTF-16LE BOM selects UTF-16). */
export const decodeServiceFile = (bytes: Uint8Array): string => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe ? buffer.subarray(2).toString("utf16le") : buffer.toString("utf8")
}

/** A state-file failure during `action` is that action failing, with the OS's words. */
const failedAction = (action: string) => (error: StateIoError) =>
  new ServiceActionFailed({ code: "SERVICE_ACTION_FAILED", action, message: error.message })

// ENOENT, or ENOTDIR (a parent is a file): the path is not there.
const isGone = (error: PlatformError) => isNotFound(error) || (error._tag === "SystemError" && error.reason === "BadResource")

/** The service definition files on disk: read, write (atomic, with their modes), list and remove. */
export interface ServiceFiles {
  /** A file's bytes, or undefined when it does not exist or cannot be read. */
  readonly readIfPresent: (file: string) => Effect.Effect<Uint8Array | undefined>
  /** Whether a path exists (any kind of file, a dangling symlink too). */
  readonly exists: (file: string) => Effect.Effect<boolean>
  /** Why a path is not an executable regular file (`not a regular file`, `not executable`, the OS's words), or undefined when it is. */
  readonly executableProblem: (file: string) => Effect.Effect<string | undefined>
  /** The entries of a directory; none when it is missing or unreadable. */
  readonly list: (dir: string) => Effect.Effect<ReadonlyArray<string>>
  /** Writes all files of an install: owned dirs 0700, other parents with the default mode, then each file atomically with its mode. */
  readonly writeAll: (action: string, files: ReadonlyArray<ServiceFile>, ownedDirs: ReadonlyArray<string>) => Effect.Effect<void, ServiceActionFailed>
  /** Removes files; missing ones are fine. */
  readonly remove: (action: string, files: ReadonlyArray<string>) => Effect.Effect<void, ServiceActionFailed>
}

/** Service files over the platform FileSystem and the StateFiles primitives. */
export const makeServiceFiles = (fs: FileSystem.FileSystem, stateFiles: StateFiles["Type"]): ServiceFiles => ({
  readIfPresent: (file) => fs.readFile(file).pipe(Effect.orElseSucceed(() => undefined)),
  exists: (file) =>
    fs.stat(file).pipe(
      Effect.as(true),
      Effect.catchAll((error) => (isGone(error) ? fs.readLink(file).pipe(Effect.as(true), Effect.orElseSucceed(() => false)) : Effect.succeed(true)))
    ),
  executableProblem: (file) =>
    fs.stat(file).pipe(
      Effect.map((info) => (info.type !== "File" ? "not a regular file" : (info.mode & 0o111) === 0 ? "not executable" : undefined)),
      Effect.catchAll((error) => Effect.succeed(isNotFound(error) ? "no such file" : error.message))
    ),
  list: (dir) => fs.readDirectory(dir).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => [])),
  writeAll: (action, files, ownedDirs) =>
    Effect.gen(function*() {
      for (const dir of ownedDirs) yield* stateFiles.ensurePrivateDir(dir)
      for (const file of files) {
        const parent = path.dirname(file.path)
        yield* fs.makeDirectory(parent, { recursive: true }).pipe(Effect.mapError(stateIoError(parent, "creating directory")))
        yield* stateFiles.atomicWrite(file.path, encodeServiceFile(file), Effect.void, { mode: file.mode })
      }
    }).pipe(Effect.mapError(failedAction(action))),
  remove: (action, files) =>
    Effect.forEach(files, (file) => fs.remove(file, { force: true }).pipe(Effect.mapError(stateIoError(file, "removing"))), { discard: true }).pipe(
      Effect.mapError(failedAction(action))
    )
})
