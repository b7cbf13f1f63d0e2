import { Effect } from "effect"
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { ConfigIoError } from "../../domain/errors.js"

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/** Wraps a filesystem promise, mapping its rejection to a typed error naming the path. */
export const io = <A>(file: string, operation: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) => new ConfigIoError({ message: `${operation} ${file} failed: ${describe(cause)}`, path: file })
  })

const errnoCode = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined

/** Reads a file as UTF-8, or `undefined` when it does not exist. */
export const readIfExists = (file: string) =>
  io(file, "reading", async () => {
    try {
      return await fs.readFile(file, "utf8")
    } catch (cause) {
      if (errnoCode(cause) === "ENOENT") return undefined
      throw cause
    }
  })

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")

/** Whether a process with this pid is alive (EPERM means alive but not ours). */
export const pidAlive = (pid: number) => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    return errnoCode(cause) === "EPERM"
  }
}

const TEMP_SUFFIX = /^\.(\d+)\.[0-9a-f]+\.tmp$/

/** Creates the directory (and parents) with mode 0700 when missing; tightens an existing one we own. */
export const ensurePrivateDir = (dir: string) =>
  io(dir, "creating directory", async () => {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  })

/** Removes temp files left beside `file` by writers that died mid-write (their pid is gone). */
export const sweepStaleTemps = (file: string) =>
  io(file, "cleaning temp files for", async () => {
    const dir = path.dirname(file)
    const base = path.basename(file)
    for (const entry of await fs.readdir(dir)) {
      if (!entry.startsWith(base)) continue
      const match = TEMP_SUFFIX.exec(entry.slice(base.length))
      if (match !== null && !pidAlive(Number(match[1]))) await fs.rm(path.join(dir, entry), { force: true })
    }
  })

/**
 * Replaces `file` with `text` so a reader always sees the old or the new bytes, never a mix: write a
 * temp file beside it (0600), fsync, run `beforeRename` (the backup ring), rename, fsync the directory.
 */
export const atomicWrite = (file: string, text: string, beforeRename: Effect.Effect<void, ConfigIoError> = Effect.void) =>
  Effect.gen(function*() {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
    yield* io(file, "writing temp file for", async () => {
      const handle = await fs.open(temp, "wx", 0o600)
      try {
        await handle.writeFile(text, "utf8")
        await handle.sync()
      } finally {
        await handle.close()
      }
    })
    yield* beforeRename.pipe(Effect.tapError(() => io(temp, "removing", () => fs.rm(temp, { force: true }))))
    yield* io(file, "replacing", () => fs.rename(temp, file)).pipe(
      Effect.tapError(() => io(temp, "removing", () => fs.rm(temp, { force: true })))
    )
    yield* syncDir(path.dirname(file))
  })

/** fsync of a directory makes a rename durable; some filesystems refuse it, which is harmless. */
const syncDir = (dir: string) =>
  Effect.promise(async () => {
    try {
      const handle = await fs.open(dir, "r")
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    } catch {
      // Not every platform can open or sync a directory.
    }
  })

/** Writes a new file that must not exist yet (exclusive create, 0600). */
export const writeExclusive = (file: string, text: string) =>
  io(file, "writing", () => fs.writeFile(file, text, { encoding: "utf8", mode: 0o600, flag: "wx" }))
