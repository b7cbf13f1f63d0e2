import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { Buffer } from "node:buffer"
import { scanLines, type TailRequest } from "../../domain/logFile.js"
import { isNotFound, stateIoError } from "../fs/platformErrors.js"

/** One `logs.tail` page, before it is shaped into the service's `LogTail`. */
export interface TailPage {
  readonly cursor: number
  readonly size: number
  readonly lines: ReadonlyArray<string>
  readonly truncated: boolean
  readonly reset: boolean
  /** Identity of the file read, so a later cursor can be matched to it; undefined when there is no file. */
  readonly key: string | undefined
}

// The first window read from the end of the file for a page without a cursor.
const TAIL_FIRST_WINDOW_BYTES = 16 * 1024

/** The page of a missing or unreadable file. */
export const emptyPage: TailPage = { cursor: 0, size: 0, lines: [], truncated: false, reset: false, key: undefined }

// Cursors handed out recently and the file each belongs to (bounded; older cursors fall back to the size check).
const ISSUED_CAP = 1024

/** The file each recently handed-out cursor was read from, so a cursor from a replaced file resets. */
export const makeIssuedCursors = () => {
  const issued = new Map<number, string>()
  return {
    fileOf: (cursor: number) => issued.get(cursor),
    remember: (cursor: number, key: string) => {
      issued.delete(cursor)
      issued.set(cursor, key)
      if (issued.size > ISSUED_CAP) {
        const oldest = issued.keys().next()
        if (oldest.done !== true) issued.delete(oldest.value)
      }
    }
  }
}

const readRange = (handle: FileSystem.File, start: number, end: number) =>
  Effect.gen(function*() {
    const buffer = Buffer.alloc(Math.max(0, end - start))
    yield* handle.seek(start, "start")
    let filled = 0
    while (filled < buffer.length) {
      const bytesRead = Number(yield* handle.read(buffer.subarray(filled)))
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  })

/** Reads `[start, end)` and whether `start` falls inside a line (the byte before it is not a newline). */
const readChunk = (handle: FileSystem.File, start: number, end: number) =>
  start === 0
    ? Effect.map(readRange(handle, 0, end), (body) => ({ body, midLine: false }))
    : Effect.map(readRange(handle, start - 1, end), (chunk) => ({ body: chunk.subarray(1), midLine: chunk[0] !== 0x0a }))

/** The offset just past the next newline at or after `from`, or undefined when the line is still open at EOF. */
const nextLineStart = (handle: FileSystem.File, from: number, size: number) =>
  Effect.gen(function*() {
    for (let at = from; at < size; at += 65_536) {
      const chunk = yield* readRange(handle, at, Math.min(size, at + 65_536))
      const nl = chunk.indexOf(0x0a)
      if (nl >= 0) return at + nl + 1
    }
    return undefined
  })

const fileKey = (file: string, stat: FileSystem.File.Info, rotations: number) =>
  `${file}|${stat.dev}|${Option.getOrElse(stat.ino, () => 0)}|${Option.match(stat.birthtime, { onNone: () => 0, onSome: (d) => d.getTime() })}|${rotations}`

/**
 * One `logs.tail` page of `file`. `issuedFor` names the file a cursor was handed out for, so a cursor from a
 * previous file (day switch, rotation) resets even when it is within the new file's size.
 */
export const readTailPage = (file: string, request: TailRequest, rotations: number, issuedFor: (cursor: number) => string | undefined) =>
  Effect.scoped(Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const opened = yield* fs.open(file, { flag: "r" }).pipe(
      Effect.map(Option.some),
      Effect.catchIf(isNotFound, () => Effect.succeed(Option.none()))
    )
    if (Option.isNone(opened)) {
      const reset = request.cursor !== undefined && request.cursor > 0
      return { ...emptyPage, reset } satisfies TailPage
    }
    const handle = opened.value
    const stat = yield* handle.stat
    const size = Number(stat.size)
    const key = fileKey(file, stat, rotations)
    const { limit, maxBytes } = request

    if (request.cursor === undefined) {
      // The newest lines: the last `limit` complete lines within the last `maxBytes` bytes. Read from the end
      // in a window that grows until it holds more than `limit` lines (or is `maxBytes`), not `maxBytes` at
      // once: a follower asking for 20 lines would otherwise read and split 250 KB per call.
      let window = Math.min(maxBytes, Math.max(TAIL_FIRST_WINDOW_BYTES, limit * 512))
      for (;;) {
        const start = Math.max(0, size - window)
        const { body, midLine } = yield* readChunk(handle, start, size)
        const scanned = scanLines(body, midLine)
        if (scanned.lines.length > limit || start === 0 || start <= size - maxBytes) {
          return {
            cursor: start + scanned.consumed,
            size,
            lines: scanned.lines.slice(-limit).map((entry) => entry.line),
            truncated: start > 0 || scanned.lines.length > limit,
            reset: false,
            key
          } satisfies TailPage
        }
        window = Math.min(maxBytes, window * 4)
      }
    }

    // Lines appended since the cursor, oldest first, so the caller can page forward without gaps.
    const issued = issuedFor(request.cursor)
    const reset = request.cursor > size || (issued !== undefined && issued !== key)
    const start = reset ? 0 : request.cursor
    const end = Math.min(size, start + maxBytes)
    const { body, midLine } = yield* readChunk(handle, start, end)
    const scanned = scanLines(body, midLine)
    const kept = scanned.lines.slice(0, limit)
    const last = kept[kept.length - 1]
    let cursor = scanned.lines.length > limit && last !== undefined ? start + last.end : start + scanned.consumed
    let truncated = false
    if (scanned.consumed === 0 && end < size) {
      // A single line longer than maxBytes: skip it rather than stall on it forever.
      const next = yield* nextLineStart(handle, end, size)
      if (next !== undefined) {
        cursor = next
        truncated = true
      }
    }
    return { cursor, size, lines: kept.map((entry) => entry.line), truncated, reset, key } satisfies TailPage
  })).pipe(Effect.mapError(stateIoError(file, "reading")))
