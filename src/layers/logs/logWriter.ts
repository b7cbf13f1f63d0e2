import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Duration, Effect, Queue, Ref, type Scope } from "effect"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import { formatRecord } from "../../domain/logFile.js"
import type { LogRecord } from "../../services/GatewayLog.js"
import { stateIoError } from "../fs/platformErrors.js"
import { makeHeldAppender } from "./heldAppender.js"
import { makeSegments } from "./lineSegments.js"
import { logFileFacts, pruneLogs, rotateLog } from "./logRotation.js"

const RESTAT_EVERY_APPENDS = 64
// And at least this often: the file is held open between appends, and a file removed or replaced under it
// (a tmp cleaner, an outside rotation) is noticed at the next stat, its lines then going to the path again.
const RESTAT_AFTER_MS = 1000
// The longest a line waits for the flusher while the log is busy; a flush (logs.tail) does not wait for it.
const LINGER = Duration.millis(10)

/** What the writer needs to know about where and how lines go. */
export interface LogWriterSettings {
  /** The file a line written at `millis` belongs to (daily files switch at local midnight). */
  readonly fileFor: (millis: number) => string
  /** The directory of the daily files; `undefined` for one fixed file (nothing is pruned then). */
  readonly pruneDir: string | undefined
  readonly maxFileBytes: number
  readonly hostname: string
  readonly patterns: ReadonlyArray<RegExp>
  /** Called with each failed flush; the lines of that flush are dropped and the gateway keeps going. */
  readonly onError: (error: StateIoError) => Effect.Effect<void>
}

// Lines held in memory while the flusher catches up; beyond this, lines are counted and dropped.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
// One append's bytes at most: a burst goes out as a few appends of reused buffers, not one ever-growing copy.
const MAX_SEGMENT_BYTES = 1024 * 1024

/**
 * The log's writer: `formatted` lines are buffered and appended in batches by one flusher fiber, so a
 * caller never waits for the disk, and a burst costs one append per batch instead of one per line.
 */
export const makeLogWriter = (settings: LogWriterSettings): Effect.Effect<{
  /** Formats and buffers one record for the flusher (plain code: the request path calls it once per RPC). */
  readonly unsafeEnqueue: (millis: number, record: LogRecord) => void
  readonly flush: Effect.Effect<void>
  /** How often the current file has been rotated (part of a tail cursor's file identity). */
  readonly rotations: Effect.Effect<number>
}, never, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const { fileFor, maxFileBytes } = settings
    const lock = yield* Effect.makeSemaphore(1)
    /** The file the writer last appended to (undefined before the first write). */
    const writing = yield* Ref.make<string | undefined>(undefined)
    const rotations = yield* Ref.make(0)

    const appender = makeHeldAppender(fs)
    const append = (file: string, bytes: Uint8Array) => appender.append(file, bytes).pipe(Effect.mapError(stateIoError(file, "appending to")))

    // The current file's size as our own appends left it: a busy gateway stats its log once per
    // RESTAT_EVERY_APPENDS batches instead of before each one. Lines other processes append meanwhile are
    // seen at the next stat, and always before a rotation is decided.
    let sizeKnown: { readonly file: string; readonly bytes: number; readonly appends: number; readonly statedAtMs: number } | undefined
    const appendLocked = (millis: number, bytes: Uint8Array) =>
      Effect.gen(function*() {
        const target = fileFor(millis)
        const previous = yield* Ref.get(writing)
        if (previous !== target) {
          yield* fs.makeDirectory(path.dirname(target), { recursive: true, mode: 0o700 }).pipe(Effect.mapError(stateIoError(path.dirname(target), "creating directory")))
          // A day switch: drop files past retention (the startup prune covered the first file).
          if (previous !== undefined && settings.pruneDir !== undefined) yield* pruneLogs(settings.pruneDir, millis, target)
          yield* Ref.set(writing, target)
        }
        const textBytes = bytes.length
        const now = yield* Clock.currentTimeMillis
        const known = sizeKnown !== undefined && sizeKnown.file === target && sizeKnown.appends < RESTAT_EVERY_APPENDS &&
            now - sizeKnown.statedAtMs < RESTAT_AFTER_MS && sizeKnown.bytes + textBytes <= maxFileBytes
          ? sizeKnown
          : undefined
        let size = known?.bytes
        if (size === undefined) {
          const facts = yield* logFileFacts(target)
          // Removed or replaced since it was opened (a tmp cleaner, an outside rotation): open the path again.
          if (!appender.stillCurrent(target, facts.ino)) yield* appender.release
          size = facts.bytes
        }
        if (size > 0 && size + textBytes > maxFileBytes) {
          yield* Ref.update(rotations, (n) => n + 1)
          yield* appender.release
          yield* rotateLog(target)
          size = 0
        }
        // Counted from the last stat (or rotation), so the next stat comes RESTAT_EVERY_APPENDS batches later.
        const appends = known === undefined ? 0 : known.appends + 1
        sizeKnown = undefined
        yield* append(target, bytes)
        sizeKnown = { file: target, bytes: size + textBytes, appends, statedAtMs: known?.statedAtMs ?? now }
      }).pipe(Effect.provideService(FileSystem.FileSystem, fs))

    // Lines are encoded into byte segments as they come: a line's string dies young instead of waiting in a
    // list for the flusher (strings kept across a write were promoted by the GC, and each batch was joined,
    // measured and encoded again). One segment fills while the one before it is on its way to the disk.
    const segments = makeSegments(Math.min(maxFileBytes, MAX_SEGMENT_BYTES))
    let dropped = 0
    // Lines handed to the writer, and lines of those written (or given up on). A flush writes the lines
    // enqueued before it itself, under the writer's lock: callers that flush at once share one append (the
    // ones after the first find their lines out), and none waits for the flusher's linger or next batches.
    let enqueued = 0
    let settled = 0
    const settle = (upTo: number) => {
      settled = Math.max(settled, upTo)
    }
    const wake = yield* Queue.sliding<void>(1)
    // Set from the first line after the flusher woke until it wakes again: one offer per batch, not per line.
    let wakeSent = false
    const wakeFlusher = () => {
      if (wakeSent) return
      wakeSent = true
      Queue.unsafeOffer(wake, undefined)
    }

    // Writes batches until the lines up to `target` are out: under a steady stream of new lines, looping until
    // the buffer is empty would keep a flushing caller (logs.tail) here for as long as the stream lasts.
    const writeBuffered = (target: number) => Effect.gen(function*() {
      while (settled < target && (segments.hasLines() || dropped > 0)) {
        const upTo = enqueued
        if (dropped > 0) {
          const millis = yield* Clock.currentTimeMillis
          const note = { level: "warn", message: `file log dropped ${dropped} line(s): writer fell behind` } as const
          segments.add(fileFor(millis), millis, `${formatRecord(note, new Date(millis), settings.hostname, settings.patterns)}\n`)
          dropped = 0
        }
        // Each segment holds lines of one day's file, at most maxFileBytes of them (a single longer line
        // alone), so rotation still keeps every file under the limit.
        for (const segment of segments.take()) {
          yield* appendLocked(segment.millis, segment.bytes)
          segments.recycle(segment)
        }
        settle(upTo)
      }
    })
    /** Writes what was enqueued until now (the flusher's job, and the finalizer's). */
    const writeNow = Effect.suspend(() => {
      const target = enqueued
      return lock.withPermits(1)(writeBuffered(target).pipe(
        // A failed append gives its lines up (onError says so); flushes waiting for them are released.
        Effect.catchTag("StateIoError", (error) => Effect.zipRight(Effect.sync(() => settle(target)), settings.onError(error)))
      ))
    }).pipe(Effect.uninterruptible)

    // A span only around a real append: a flush with nothing pending answers at once.
    const flushNow = writeNow.pipe(Effect.withSpan("GatewayLog.flush"))
    const flush = Effect.suspend(() => (settled >= enqueued ? Effect.void : flushNow))
    // After an append the flusher lingers while lines keep coming, so a busy gateway appends a batch per
    // LINGER instead of one per event-loop turn (each append costs a fiber's turn and a trip to the thread pool).
    // A plain sleep: a flush does not wait for it, and racing it against a wake-up forked two fibers per batch.
    const linger = Effect.sleep(LINGER)

    // Closed last: after the final write below.
    yield* Effect.addFinalizer(() => appender.release)
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Queue.take(wake), Effect.suspend(() => {
      wakeSent = false
      return Effect.zipRight(writeNow, linger)
    }))))
    // Whatever is still buffered when the gateway stops is written before the layer closes.
    yield* Effect.addFinalizer(() => writeNow)

    const unsafeEnqueue = (millis: number, record: LogRecord): void => {
      const line = `${formatRecord(record, new Date(millis), settings.hostname, settings.patterns)}\n`
      enqueued += 1
      if (segments.bufferedBytes() + line.length > MAX_BUFFERED_BYTES) dropped += 1
      else segments.add(fileFor(millis), millis, line)
      wakeFlusher()
    }

    return { unsafeEnqueue, flush, rotations: Ref.get(rotations) }
  })
