import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { ServiceFile } from "../../domain/supervisor/spec.js"
import { ServiceActionFailed } from "../../services/ServiceManager.js"

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

const errnoCode = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : undefined

/** Wraps a filesystem promise; a failure becomes SERVICE_ACTION_FAILED for `action`. */
export const fsOp = <A>(action: string, what: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) => new ServiceActionFailed({ code: "SERVICE_ACTION_FAILED", action, message: `${what} failed: ${describe(cause)}` })
  })

/** Encodes a service file's text: UTF-16LE files start with a byte-order mark. */
export const encodeServiceFile = (file: ServiceFile): Buffer =>
  file.encoding === "utf16le" ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(file.content, "utf16le")]) : Buffer.from(file.content, "utf8")

/** Decodes what `encodeServiceFile` wrote (a UTF-16LE BOM selects UTF-16). */
export const decodeServiceFile = (bytes: Buffer): string =>
  bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString("utf16le") : bytes.toString("utf8")

/** Creates a directory Clawgate owns (mode 0700 for the parts it creates). */
export const ensureOwnedDir = (action: string, dir: string) =>
  fsOp(action, `creating ${dir}`, () => fs.mkdir(dir, { recursive: true, mode: 0o700 })).pipe(Effect.asVoid)

/**
 * Replaces a file so a reader sees the old or the new bytes, never a mix: temp file beside it with the
 * final mode, fsync, rename. The parent directory must exist.
 */
export const writeServiceFile = (action: string, file: ServiceFile) =>
  Effect.gen(function*() {
    const temp = `${file.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
    const bytes = encodeServiceFile(file)
    yield* fsOp(action, `writing ${file.path}`, async () => {
      const handle = await fs.open(temp, "wx", file.mode)
      try {
        await handle.writeFile(bytes)
        await handle.chmod(file.mode)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(temp, file.path)
    }).pipe(Effect.tapError(() => Effect.promise(() => fs.rm(temp, { force: true }))))
  })

/** Writes all files of an install: owned dirs 0700, other parents with the default mode, then each file. */
export const writeServiceFiles = (action: string, files: ReadonlyArray<ServiceFile>, ownedDirs: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    for (const dir of ownedDirs) yield* ensureOwnedDir(action, dir)
    for (const file of files) {
      const parent = path.dirname(file.path)
      yield* fsOp(action, `creating ${parent}`, () => fs.mkdir(parent, { recursive: true }))
      yield* writeServiceFile(action, file)
    }
  })

/** Reads a file's bytes, or undefined when it does not exist or cannot be read. */
export const readIfPresent = (file: string) =>
  Effect.promise(async () => {
    try {
      return await fs.readFile(file)
    } catch {
      return undefined
    }
  })

/** Whether a path exists (any kind of file). */
export const exists = (file: string) =>
  Effect.promise(async () => {
    try {
      await fs.lstat(file)
      return true
    } catch (cause) {
      return errnoCode(cause) !== "ENOENT" && errnoCode(cause) !== "ENOTDIR"
    }
  })

/** Removes files; missing ones are fine. */
export const removeFiles = (action: string, files: ReadonlyArray<string>) =>
  Effect.forEach(files, (file) => fsOp(action, `removing ${file}`, () => fs.rm(file, { force: true })), { discard: true })
