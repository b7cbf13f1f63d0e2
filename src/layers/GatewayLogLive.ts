import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Layer, Ref } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import type { StateIoError } from "../domain/errors.js"
import {
  clampTailOptions,
  compileRedactPatterns,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_FILE_BYTES,
  levelEnabled,
  logFileName,
  type LogThreshold
} from "../domain/logFile.js"
import { GatewayLog, type LogRecord, type LogTail } from "../services/GatewayLog.js"
import { stateIoError } from "./fs/platformErrors.js"
import { resolveDefaultLogDir } from "./logs/logDirectory.js"
import { pruneLogs } from "./logs/logRotation.js"
import { emptyPage, makeIssuedCursors, readTailPage } from "./logs/logTail.js"
import { makeLogWriter } from "./logs/logWriter.js"

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

const make = (options: GatewayLogOptions) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const threshold = options.level ?? DEFAULT_LOG_LEVEL
    const maxFileBytes = options.maxFileBytes !== undefined && Number.isFinite(options.maxFileBytes) && options.maxFileBytes > 0
      ? options.maxFileBytes
      : DEFAULT_MAX_FILE_BYTES
    const fixedFile = options.file !== undefined && options.file.trim() !== "" ? path.resolve(options.file) : undefined
    const dir = fixedFile !== undefined
      ? path.dirname(fixedFile)
      : options.dir !== undefined && options.dir.trim() !== ""
      ? path.resolve(options.dir)
      : yield* resolveDefaultLogDir
    // The writer asks once or twice per line: the day's file is kept with its local-midnight bounds.
    let day: { readonly from: number; readonly to: number; readonly file: string } | undefined
    const fileFor = (millis: number): string => {
      if (fixedFile !== undefined) return fixedFile
      if (day !== undefined && millis >= day.from && millis < day.to) return day.file
      const date = new Date(millis)
      const from = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
      const to = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime()
      day = { from, to, file: path.join(dir, logFileName(date, options.profile)) }
      return day.file
    }

    // A broken disk must not take the gateway down: the first failure is noted on stderr, later ones quietly.
    const noted = yield* Ref.make(false)
    const noteOnce = (error: StateIoError) =>
      Effect.gen(function*() {
        if (yield* Ref.getAndSet(noted, true)) return
        yield* Effect.sync(() => {
          process.stderr.write(`[openclaw] file log: ${error.message}\n`)
        })
      })

    const writer = yield* makeLogWriter({
      fileFor,
      pruneDir: fixedFile === undefined ? dir : undefined,
      maxFileBytes,
      hostname: os.hostname(),
      patterns: compileRedactPatterns(options.redactPatterns ?? []),
      onError: noteOnce
    })
    const cursors = makeIssuedCursors()

    // One synchronous step per record: every RPC writes one.
    const clock = yield* Effect.clock
    const unsafeWrite = (record: LogRecord): void => {
      if (levelEnabled(threshold, record.level)) writer.unsafeEnqueue(clock.unsafeCurrentTimeMillis(), record)
    }
    const write = (record: LogRecord): Effect.Effect<void> => (levelEnabled(threshold, record.level) ? Effect.sync(() => unsafeWrite(record)) : Effect.void)

    const tail = Effect.fn("GatewayLog.tail")(function*(input: { readonly cursor?: number; readonly limit?: number; readonly maxBytes?: number }) {
      yield* writer.flush
      const request = clampTailOptions(input)
      const file = fileFor(yield* Clock.currentTimeMillis)
      const page = yield* readTailPage(file, request, yield* writer.rotations, cursors.fileOf).pipe(
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.catchTag("StateIoError", () => Effect.succeed(emptyPage))
      )
      if (page.key !== undefined) cursors.remember(page.cursor, page.key)
      const result: LogTail = {
        file,
        cursor: page.cursor,
        size: page.size,
        lines: page.lines,
        // Both flags always, as the original answers (`truncated: true` on a first page cut to the tail).
        truncated: page.truncated,
        reset: page.reset
      }
      return result
    })

    // Startup: create the directory and prune old daily files. Failures are noted, never fatal.
    const startedAt = yield* Clock.currentTimeMillis
    if (options.readOnly !== true) {
      yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(
        Effect.mapError(stateIoError(dir, "creating directory")),
        Effect.zipRight(fixedFile === undefined ? pruneLogs(dir, startedAt, fileFor(startedAt)) : Effect.void),
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.catchTag("StateIoError", noteOnce)
      )
    }

    return GatewayLog.of({
      write,
      unsafeWrite,
      flush: writer.flush,
      tail,
      currentFile: Effect.map(Clock.currentTimeMillis, fileFor)
    })
  })

/** The gateway's file log: daily JSON-lines files with rotation, pruning, redaction and tailing. */
export const GatewayLogLive = (options: GatewayLogOptions = {}): Layer.Layer<GatewayLog, never, FileSystem.FileSystem> =>
  Layer.scoped(GatewayLog, make(options))
