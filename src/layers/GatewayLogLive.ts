import { Clock, Data, Effect, Layer, Queue, Ref } from "effect"
import { Buffer } from "node:buffer"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import {
  clampTailOptions,
  compileRedactPatterns,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_FILE_BYTES,
  defaultLogDir,
  fallbackLogDir,
  formatRecord,
  isExpired,
  isPrunableLogName,
  isUnsafeLogDir,
  levelEnabled,
  logFileName,
  type LogThreshold,
  MAX_ROTATED_FILES,
  rotatedName,
  scanLines,
  type TailRequest
} from "../domain/logFile.js"
import { GatewayLog, type LogRecord, type LogTail } from "../services/GatewayLog.js"

/** Settings for the file log, usually taken from the `logging` config section and the root profile. */
export interface GatewayLogOptions {
  /** Directory for the daily files (default `/tmp/openclaw`, or `<os tmp>/openclaw-<uid>` when that is unsafe). */
  readonly dir?: string | undefined
  /** `logging.file`: one fixed file instead of daily files. */
  readonly file?: string | undefined
  readonly level?: LogThreshold | undefined
  readonly maxFileBytes?: number | undefined
  readonly redactPatterns?: ReadonlyArray<string> | undefined
  readonly profile?: string | undefined
  /** A reader (the CLI's `logs` fallback, `gateway status`): creates and prunes nothing. */
  readonly readOnly?: boolean | undefined
}

class LogIoError extends Data.TaggedError("LogIoError")<{
  readonly operation: string
  readonly path: string
  readonly cause: unknown
}> {}

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

const errnoCode = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined

const attempt = <A>(operation: string, file: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new LogIoError({ operation, path: file, cause }) })

/** Runs `run`, treating a missing file as `fallback`. */
const unlessMissing = async <A>(run: () => Promise<A>, fallback: A): Promise<A> => {
  try {
    return await run()
  } catch (cause) {
    if (errnoCode(cause) === "ENOENT") return fallback
    throw cause
  }
}

const ensureDir = (dir: string) =>
  attempt("creating directory", dir, () => fs.mkdir(dir, { recursive: true, mode: 0o700 }))

const ownUid = () => (typeof process.getuid === "function" ? process.getuid() : undefined)

// The documented default is the fixed root temp dir, deliberately not os.tmpdir() (which follows $TMPDIR).
const ROOT_TMP = "/tmp"

/** `/tmp/openclaw` when it is (or can be made) a private, writable directory of ours; otherwise the user-scoped fallback. */
const resolveDefaultDir = Effect.promise(async () => {
  const fallback = fallbackLogDir(os.tmpdir(), ownUid())
  if (process.platform === "win32") return fallback
  const preferred = defaultLogDir(ROOT_TMP)
  try {
    await fs.mkdir(preferred, { mode: 0o700 })
  } catch (cause) {
    if (errnoCode(cause) !== "EEXIST") return fallback
  }
  try {
    const stat = await fs.lstat(preferred)
    const facts = { isSymbolicLink: stat.isSymbolicLink(), isDirectory: stat.isDirectory(), uid: stat.uid, mode: stat.mode }
    if (isUnsafeLogDir(facts, ownUid())) return fallback
    await fs.access(preferred, fs.constants.W_OK)
    return preferred
  } catch {
    return fallback
  }
})

/** Deletes `openclaw-*.log` files in `dir` last modified more than 24 h before `nowMs`, except `keep`. */
const prune = (dir: string, nowMs: number, keep: string | undefined) =>
  attempt("pruning", dir, async () => {
    const entries = await unlessMissing(() => fs.readdir(dir), [])
    for (const name of entries) {
      if (!isPrunableLogName(name)) continue
      const full = path.join(dir, name)
      if (full === keep) continue
      try {
        const stat = await fs.lstat(full)
        if (stat.isFile() && isExpired(stat.mtimeMs, nowMs)) await fs.rm(full, { force: true })
      } catch {
        // A file that vanished or cannot be removed is left for the next prune.
      }
    }
  })

/** Shifts `.4.log→.5.log … file→.1.log`, dropping the oldest archive. */
const rotate = (file: string) =>
  attempt("rotating", file, async () => {
    await fs.rm(rotatedName(file, MAX_ROTATED_FILES), { force: true })
    for (let n = MAX_ROTATED_FILES - 1; n >= 1; n--) {
      await unlessMissing(() => fs.rename(rotatedName(file, n), rotatedName(file, n + 1)), undefined)
    }
    await unlessMissing(() => fs.rename(file, rotatedName(file, 1)), undefined)
  })

const currentSize = (file: string) =>
  attempt("inspecting", file, () => unlessMissing(async () => (await fs.stat(file)).size, 0))

const append = (file: string, line: string) =>
  attempt("appending to", file, async () => {
    const write = () => fs.appendFile(file, line, { encoding: "utf8", mode: 0o600 })
    try {
      await write()
    } catch (cause) {
      // The directory was removed under us (a tmp cleaner): recreate it once.
      if (errnoCode(cause) !== "ENOENT") throw cause
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
      await write()
    }
  })

// ---------------------------------------------------------------------------------------------------------
// Tailing

type FileHandle = fs.FileHandle

const readRange = async (handle: FileHandle, start: number, end: number): Promise<Buffer> => {
  const buffer = Buffer.alloc(Math.max(0, end - start))
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return buffer.subarray(0, filled)
}

/** Reads `[start, end)` and whether `start` falls inside a line (the byte before it is not a newline). */
const readChunk = async (handle: FileHandle, start: number, end: number) => {
  if (start === 0) return { body: await readRange(handle, 0, end), midLine: false }
  const chunk = await readRange(handle, start - 1, end)
  return { body: chunk.subarray(1), midLine: chunk[0] !== 0x0a }
}

/** The offset just past the next newline at or after `from`, or undefined when the line is still open at EOF. */
const nextLineStart = async (handle: FileHandle, from: number, size: number): Promise<number | undefined> => {
  for (let at = from; at < size; at += 65_536) {
    const chunk = await readRange(handle, at, Math.min(size, at + 65_536))
    const nl = chunk.indexOf(0x0a)
    if (nl >= 0) return at + nl + 1
  }
  return undefined
}

interface Page {
  readonly cursor: number
  readonly size: number
  readonly lines: ReadonlyArray<string>
  readonly truncated: boolean
  readonly reset: boolean
  /** Identity of the file read, so a later cursor can be matched to it; undefined when there is no file. */
  readonly key: string | undefined
}

/**
 * One `logs.tail` page of `file`. `issuedFor` names the file a cursor was handed out for, so a cursor from a
 * previous file (day switch, rotation) resets even when it is within the new file's size.
 */
const readPage = async (
  file: string,
  request: TailRequest,
  rotations: number,
  issuedFor: (cursor: number) => string | undefined
): Promise<Page> => {
  const handle = await unlessMissing(() => fs.open(file, "r"), undefined)
  if (handle === undefined) {
    const reset = request.cursor !== undefined && request.cursor > 0
    return { cursor: 0, size: 0, lines: [], truncated: false, reset, key: undefined }
  }
  try {
    const stat = await handle.stat()
    const size = stat.size
    const key = `${file}|${stat.dev}|${stat.ino}|${stat.birthtimeMs}|${rotations}`
    const { limit, maxBytes } = request

    if (request.cursor === undefined) {
      // The newest lines: the last `limit` complete lines within the last `maxBytes` bytes.
      const start = Math.max(0, size - maxBytes)
      const { body, midLine } = await readChunk(handle, start, size)
      const scanned = scanLines(body, midLine)
      const kept = scanned.lines.slice(-limit)
      return {
        cursor: start + scanned.consumed,
        size,
        lines: kept.map((entry) => entry.line),
        truncated: start > 0 || scanned.lines.length > limit,
        reset: false,
        key
      }
    }

    // Lines appended since the cursor, oldest first, so the caller can page forward without gaps.
    const issued = issuedFor(request.cursor)
    const reset = request.cursor > size || (issued !== undefined && issued !== key)
    const start = reset ? 0 : request.cursor
    const end = Math.min(size, start + maxBytes)
    const { body, midLine } = await readChunk(handle, start, end)
    const scanned = scanLines(body, midLine)
    const kept = scanned.lines.slice(0, limit)
    const last = kept[kept.length - 1]
    let cursor = scanned.lines.length > limit && last !== undefined ? start + last.end : start + scanned.consumed
    let truncated = false
    if (scanned.consumed === 0 && end < size) {
      // A single line longer than maxBytes: skip it rather than stall on it forever.
      const next = await nextLineStart(handle, end, size)
      if (next !== undefined) {
        cursor = next
        truncated = true
      }
    }
    return { cursor, size, lines: kept.map((entry) => entry.line), truncated, reset, key }
  } finally {
    await handle.close()
  }
}

// Lines held in memory while the flusher catches up; beyond this, lines are counted and dropped.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

// Cursors handed out recently and the file each belongs to (bounded; older cursors fall back to the size check).
const ISSUED_CAP = 1024

// ---------------------------------------------------------------------------------------------------------

const make = (options: GatewayLogOptions) =>
  Effect.gen(function*() {
    const threshold = options.level ?? DEFAULT_LOG_LEVEL
    const maxFileBytes = options.maxFileBytes !== undefined && Number.isFinite(options.maxFileBytes) && options.maxFileBytes > 0
      ? options.maxFileBytes
      : DEFAULT_MAX_FILE_BYTES
    const patterns = compileRedactPatterns(options.redactPatterns ?? [])
    const hostname = os.hostname()
    const fixedFile = options.file !== undefined && options.file.trim() !== "" ? path.resolve(options.file) : undefined
    const dir = fixedFile !== undefined
      ? path.dirname(fixedFile)
      : options.dir !== undefined && options.dir.trim() !== ""
      ? path.resolve(options.dir)
      : yield* resolveDefaultDir
    const fileFor = (millis: number) => fixedFile ?? path.join(dir, logFileName(new Date(millis), options.profile))

    const lock = yield* Effect.makeSemaphore(1)
    /** The file the writer last appended to (undefined before the first write). */
    const writing = yield* Ref.make<string | undefined>(undefined)
    const rotations = yield* Ref.make(0)
    const noted = yield* Ref.make(false)
    const issued = new Map<number, string>()

    const noteOnce = (error: LogIoError) =>
      Effect.gen(function*() {
        const alreadyNoted = yield* Ref.getAndSet(noted, true)
        if (alreadyNoted) return
        yield* Effect.sync(() => {
          process.stderr.write(`[openclaw] file log: ${error.operation} ${error.path} failed: ${describe(error.cause)}\n`)
        })
      })

    const appendLocked = (millis: number, line: string) =>
      Effect.gen(function*() {
        const target = fileFor(millis)
        const previous = yield* Ref.get(writing)
        if (previous !== target) {
          yield* ensureDir(path.dirname(target))
          // A day switch: drop files past retention (the startup prune covered the first file).
          if (previous !== undefined && fixedFile === undefined) yield* prune(dir, millis, target)
          yield* Ref.set(writing, target)
        }
        const size = yield* currentSize(target)
        if (size > 0 && size + Buffer.byteLength(line, "utf8") > maxFileBytes) {
          yield* Ref.update(rotations, (n) => n + 1)
          yield* rotate(target)
        }
        yield* append(target, line)
      })

    // Writes are buffered and appended in batches by one flusher fiber: a caller never waits for the
    // disk, and a burst of requests costs one append per batch instead of one per line.
    let buffered: Array<{ readonly millis: number; readonly line: string }> = []
    let bufferedBytes = 0
    let dropped = 0
    const wake = yield* Queue.sliding<void>(1)

    const flush = lock.withPermits(1)(Effect.gen(function*() {
      while (buffered.length > 0 || dropped > 0) {
        const batch = buffered
        buffered = []
        bufferedBytes = 0
        if (dropped > 0) {
          const millis = yield* Clock.currentTimeMillis
          batch.push({ millis, line: `${formatRecord({ level: "warn", message: `file log dropped ${dropped} line(s): writer fell behind` }, new Date(millis), hostname, patterns)}\n` })
          dropped = 0
        }
        // Lines of one day go out in one append; a batch spanning midnight is split by day.
        let start = 0
        while (start < batch.length) {
          const day = fileFor(batch[start]?.millis ?? 0)
          let end = start
          while (end < batch.length && fileFor(batch[end]?.millis ?? 0) === day) end += 1
          // Chunks stay within maxFileBytes, so rotation still keeps every file under the limit.
          let chunk = ""
          for (const entry of batch.slice(start, end)) {
            if (chunk !== "" && Buffer.byteLength(chunk, "utf8") + Buffer.byteLength(entry.line, "utf8") > maxFileBytes) {
              yield* appendLocked(entry.millis, chunk)
              chunk = ""
            }
            chunk += entry.line
          }
          const first = batch[start]
          if (first !== undefined && chunk !== "") yield* appendLocked(first.millis, chunk)
          start = end
        }
      }
    }).pipe(Effect.catchTag("LogIoError", noteOnce), Effect.uninterruptible))

    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Queue.take(wake), flush)))
    // Whatever is still buffered when the gateway stops is written before the layer closes.
    yield* Effect.addFinalizer(() => flush)

    const write = (record: LogRecord): Effect.Effect<void> => {
      if (!levelEnabled(threshold, record.level)) return Effect.void
      return Effect.flatMap(Clock.currentTimeMillis, (millis) =>
        Effect.sync(() => {
          const line = `${formatRecord(record, new Date(millis), hostname, patterns)}\n`
          if (bufferedBytes + line.length > MAX_BUFFERED_BYTES) {
            dropped += 1
          } else {
            buffered.push({ millis, line })
            bufferedBytes += line.length
          }
          Queue.unsafeOffer(wake, undefined)
        }))
    }

    const remember = (cursor: number, key: string) => {
      issued.delete(cursor)
      issued.set(cursor, key)
      if (issued.size > ISSUED_CAP) {
        const oldest = issued.keys().next()
        if (oldest.done !== true) issued.delete(oldest.value)
      }
    }

    const tail = (input: { readonly cursor?: number; readonly limit?: number; readonly maxBytes?: number }) =>
      Effect.gen(function*() {
        yield* flush
        const request = clampTailOptions(input)
        const file = fileFor(yield* Clock.currentTimeMillis)
        const rotationCount = yield* Ref.get(rotations)
        const page = yield* attempt("reading", file, () => readPage(file, request, rotationCount, (c) => issued.get(c))).pipe(
          Effect.catchTag("LogIoError", () =>
            Effect.succeed<Page>({ cursor: 0, size: 0, lines: [], truncated: false, reset: false, key: undefined }))
        )
        if (page.key !== undefined) remember(page.cursor, page.key)
        const result: LogTail = {
          file,
          cursor: page.cursor,
          size: page.size,
          lines: page.lines,
          ...(page.truncated ? { truncated: true } : {}),
          ...(page.reset ? { reset: true } : {})
        }
        return result
      })

    // Startup: create the directory and prune old daily files. Failures are noted, never fatal.
    const startedAt = yield* Clock.currentTimeMillis
    if (options.readOnly !== true) yield* ensureDir(dir).pipe(
      Effect.zipRight(fixedFile === undefined ? prune(dir, startedAt, fileFor(startedAt)) : Effect.void),
      Effect.catchTag("LogIoError", noteOnce)
    )

    return {
      write,
      flush,
      tail,
      currentFile: Effect.map(Clock.currentTimeMillis, fileFor)
    }
  })

/** The gateway's file log: daily JSON-lines files with rotation, pruning, redaction and tailing. */
export const GatewayLogLive = (options: GatewayLogOptions = {}): Layer.Layer<GatewayLog> =>
  Layer.scoped(GatewayLog, make(options))
