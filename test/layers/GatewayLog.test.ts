import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { logFileName, rotatedName } from "../../src/domain/logFile.js"
import { GatewayLogLive, type GatewayLogOptions } from "../../src/layers/GatewayLogLive.js"
import { GatewayLog, type LogRecord } from "../../src/services/GatewayLog.js"
import { diskFull, FaultyFileSystem } from "../support/faultyFileSystem.js"

const dirs: Array<string> = []
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-log-"))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

const withLog = <A, E>(options: GatewayLogOptions, body: Effect.Effect<A, E, GatewayLog>) =>
  body.pipe(Effect.provide(Flushing.pipe(Layer.provide(logLayer(options)))))

const logLayer = (options: GatewayLogOptions) => GatewayLogLive(options).pipe(Layer.provide(NodeFileSystem.layer))

// These tests read the file right after writing; the live writer buffers, so each write here also flushes.
const Flushing = Layer.effect(
  GatewayLog,
  Effect.map(GatewayLog, (log) => ({ ...log, write: (record: LogRecord) => Effect.zipRight(log.write(record), log.flush) }))
)

const parseLines = (text: string): Array<Record<string, unknown>> =>
  text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

const readRecords = (file: string) => parseLines(fs.readFileSync(file, "utf8"))

/** Writes `info` records `line <from>` … `line <to - 1>` with a `seq` field. */
const writeLines = (from: number, to: number, pad = "") =>
  Effect.gen(function*() {
    const log = yield* GatewayLog
    for (let seq = from; seq < to; seq++) yield* log.write({ level: "info", message: `line ${seq}${pad}`, fields: { seq } })
  })

const seqs = (lines: ReadonlyArray<string>) => lines.map((line) => JSON.parse(line).seq)

const mode = (p: string) => fs.statSync(p).mode & 0o777

const localTime = (daysFromToday: number, hours: number, minutes: number) => {
  const now = new Date()
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysFromToday, hours, minutes).getTime()
}

describe("GatewayLogLive writing", () => {
  it.live("appends JSON lines to the daily file named by the local date", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({ level: "info", message: "gateway ready", fields: { subsystem: "gateway", port: 18789 } })
        yield* log.write({ level: "error", message: "boom" })
        const file = yield* log.currentFile
        expect(file).toBe(path.join(dir, logFileName(new Date())))
        expect(path.basename(file)).toMatch(/^openclaw-\d{4}-\d{2}-\d{2}\.log$/)
        const records = readRecords(file)
        expect(records).toHaveLength(2)
        expect(Object.keys(records[0] ?? {})).toEqual(["time", "level", "message", "hostname", "subsystem", "port"])
        expect(records[0]).toMatchObject({ level: "info", message: "gateway ready", hostname: os.hostname(), subsystem: "gateway" })
        expect(new Date(String(records[0]?.["time"])).toISOString()).toBe(records[0]?.["time"])
        expect(records[1]).toMatchObject({ level: "error", message: "boom" })
      })
    )
  })

  it.live("names a profile's file openclaw-<profile>-YYYY-MM-DD.log", () => {
    const dir = tempDir()
    return withLog(
      { dir, profile: "dev" },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({ level: "info", message: "hi" })
        const file = yield* log.currentFile
        expect(path.basename(file)).toBe(logFileName(new Date(), "dev"))
        expect(path.basename(file)).toMatch(/^openclaw-dev-\d{4}-\d{2}-\d{2}\.log$/)
        expect(fs.existsSync(file)).toBe(true)
      })
    )
  })

  it.live("never writes tokens, passwords, bearer credentials or configured patterns", () => {
    const dir = tempDir()
    return withLog(
      { dir, redactPatterns: ["acct-\\d+", "(unclosed"] },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({
          level: "warn",
          message: "Authorization: Bearer eyJhbGciOi.payload.sig for acct-12345",
          fields: { token: "supersecret-token-value", auth: { password: "hunter2" }, headers: { authorization: "Bearer zzz" } }
        })
        const text = fs.readFileSync(yield* log.currentFile, "utf8")
        for (const secret of ["supersecret-token-value", "hunter2", "eyJhbGciOi", "zzz", "acct-12345"]) {
          expect(text).not.toContain(secret)
        }
        expect(parseLines(text)[0]).toMatchObject({
          message: "Authorization: Bearer *** for ***",
          token: "***",
          auth: { password: "***" },
          headers: { authorization: "***" }
        })
      })
    )
  })

  it.live("writes only records at or above the configured level", () => {
    const dir = tempDir()
    return withLog(
      { dir, level: "warn" },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const) {
          yield* log.write({ level, message: level })
        }
        expect(readRecords(yield* log.currentFile).map((r) => r["level"])).toEqual(["warn", "error", "fatal"])
      })
    )
  })

  it.live("writes nothing when the level is silent", () => {
    const dir = tempDir()
    return withLog(
      { dir, level: "silent" },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({ level: "fatal", message: "quiet" })
        expect(fs.existsSync(yield* log.currentFile)).toBe(false)
      })
    )
  })

  it.live("creates the directory 0700 and the file 0600", () => {
    const dir = path.join(tempDir(), "nested", "logs")
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({ level: "info", message: "hello" })
        expect(mode(dir)).toBe(0o700)
        expect(mode(yield* log.currentFile)).toBe(0o600)
      })
    )
  })

  it.live("rotates at maxFileBytes keeping .1.log … .5.log", () => {
    const dir = tempDir()
    const pad = " ".padEnd(120, "x")
    return withLog(
      { dir, maxFileBytes: 500 },
      Effect.gen(function*() {
        yield* writeLines(0, 40, pad)
        const log = yield* GatewayLog
        const file = yield* log.currentFile
        const base = path.basename(file)
        const expected = [base, ...[1, 2, 3, 4, 5].map((n) => path.basename(rotatedName(file, n)))]
        expect(fs.readdirSync(dir).sort()).toEqual([...expected].sort())
        expect(path.basename(rotatedName(file, 1))).toBe(base.replace(/\.log$/, ".1.log"))
        for (const name of expected) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(500)
        // Newest in the active file, then .1 (newer) … .5 (oldest); nothing is lost within the kept window.
        const chain = [5, 4, 3, 2, 1].flatMap((n) => readRecords(rotatedName(file, n))).concat(readRecords(file))
        const kept = chain.map((r) => r["seq"])
        expect(kept[kept.length - 1]).toBe(39)
        expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 40 - kept.length + i))
        expect(mode(rotatedName(file, 1))).toBe(0o600)
      })
    )
  })

  it.live("serializes concurrent writes into whole lines", () => {
    const dir = tempDir()
    return withLog(
      { dir, maxFileBytes: 4000 },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* Effect.forEach(
          Array.from({ length: 60 }, (_, seq) => seq),
          (seq) => log.write({ level: "info", message: `line ${seq}`, fields: { seq } }),
          { concurrency: "unbounded", discard: true }
        )
        const file = yield* log.currentFile
        const files = [file, ...[1, 2, 3, 4, 5].map((n) => rotatedName(file, n))].filter((f) => fs.existsSync(f))
        const all = files.flatMap(readRecords).map((r) => r["seq"])
        expect(new Set(all).size).toBe(all.length)
        expect(all.length).toBeGreaterThan(0)
        for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(4000)
      })
    )
  })

  it.live("prunes openclaw-*.log files older than 24 h at startup and keeps fresh ones", () => {
    const dir = tempDir()
    const old = path.join(dir, "openclaw-2020-01-01.log")
    const oldRotated = path.join(dir, "openclaw-2020-01-01.2.log")
    const fresh = path.join(dir, "openclaw-dev-2020-01-02.log")
    const unrelated = path.join(dir, "notes-2020-01-01.log")
    for (const file of [old, oldRotated, fresh, unrelated]) fs.writeFileSync(file, "{}\n")
    const longAgo = new Date("2020-01-01T12:00:00Z")
    for (const file of [old, oldRotated, unrelated]) fs.utimesSync(file, longAgo, longAgo)
    return withLog(
      { dir },
      Effect.gen(function*() {
        yield* GatewayLog
        expect(fs.existsSync(old)).toBe(false)
        expect(fs.existsSync(oldRotated)).toBe(false)
        expect(fs.existsSync(fresh)).toBe(true)
        expect(fs.existsSync(unrelated)).toBe(true)
      })
    )
  })

  it.effect("switches to a new file when the local date changes, pruning on the switch", () => {
    const dir = tempDir()
    const stale = path.join(dir, "openclaw-2020-01-01.log")
    return Effect.gen(function*() {
      yield* TestClock.setTime(localTime(-1, 23, 59))
      yield* withLog(
        { dir },
        Effect.gen(function*() {
          const log = yield* GatewayLog
          yield* log.write({ level: "info", message: "yesterday" })
          const first = yield* log.currentFile
          // Dropped in after the startup prune: only the day switch can remove it.
          fs.writeFileSync(stale, "{}\n")
          const longAgo = new Date("2020-01-01T12:00:00Z")
          fs.utimesSync(stale, longAgo, longAgo)
          yield* TestClock.setTime(localTime(0, 0, 1))
          yield* log.write({ level: "info", message: "today" })
          const second = yield* log.currentFile
          expect(second).not.toBe(first)
          expect(path.basename(first)).toBe(logFileName(new Date(localTime(-1, 12, 0))))
          expect(path.basename(second)).toBe(logFileName(new Date()))
          expect(readRecords(first).map((r) => r["message"])).toEqual(["yesterday"])
          expect(readRecords(second).map((r) => r["message"])).toEqual(["today"])
          expect(fs.existsSync(stale)).toBe(false)
          expect(fs.existsSync(first)).toBe(true)
        })
      )
    })
  })

  it.effect("logging.file overrides the path and does not switch daily", () => {
    const dir = tempDir()
    const file = path.join(dir, "custom", "gateway.log")
    return Effect.gen(function*() {
      yield* TestClock.setTime(localTime(-1, 23, 59))
      yield* withLog(
        { dir: path.join(dir, "ignored"), file },
        Effect.gen(function*() {
          const log = yield* GatewayLog
          yield* log.write({ level: "info", message: "one" })
          yield* TestClock.setTime(localTime(0, 0, 1))
          yield* log.write({ level: "info", message: "two" })
          expect(yield* log.currentFile).toBe(file)
          expect(readRecords(file).map((r) => r["message"])).toEqual(["one", "two"])
          expect(fs.existsSync(path.join(dir, "ignored"))).toBe(false)
        })
      )
    })
  })

  it.live("swallows I/O errors with a single stderr note", () => {
    const base = tempDir()
    const blocker = path.join(base, "not-a-dir")
    fs.writeFileSync(blocker, "")
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true)
    return withLog(
      { dir: path.join(blocker, "logs") },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* log.write({ level: "error", message: "first" })
        yield* log.write({ level: "error", message: "second" })
        const page = yield* log.tail({})
        expect(page.lines).toEqual([])
        expect(stderr).toHaveBeenCalledTimes(1)
        expect(String(stderr.mock.calls[0]?.[0])).toContain("file log")
      })
    )
  })
})

describe("GatewayLogLive tail", () => {
  it.live("returns the last lines and a cursor at the end of the file", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 5)
        const file = yield* log.currentFile
        const page = yield* log.tail({})
        expect(page.file).toBe(file)
        expect(seqs(page.lines)).toEqual([0, 1, 2, 3, 4])
        expect(page.size).toBe(fs.statSync(file).size)
        expect(page.cursor).toBe(page.size)
        expect(page.truncated).toBe(false)
        expect(page.reset).toBe(false)
      })
    )
  })

  it.live("returns an empty page when today's file does not exist yet", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        const page = yield* log.tail({})
        expect(page).toEqual({ file: yield* log.currentFile, cursor: 0, size: 0, lines: [], truncated: false, reset: false })
      })
    )
  })

  it.live("returns only lines appended since the cursor", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 3)
        const first = yield* log.tail({})
        yield* writeLines(3, 6)
        const next = yield* log.tail({ cursor: first.cursor })
        expect(seqs(next.lines)).toEqual([3, 4, 5])
        expect(next.cursor).toBe(next.size)
        expect(next.reset).toBe(false)
        const idle = yield* log.tail({ cursor: next.cursor })
        expect(idle.lines).toEqual([])
        expect(idle.cursor).toBe(next.cursor)
      })
    )
  })

  it.live("pages forward by limit from a cursor without losing lines", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 8)
        const a = yield* log.tail({ cursor: 0, limit: 3 })
        const b = yield* log.tail({ cursor: a.cursor, limit: 3 })
        const c = yield* log.tail({ cursor: b.cursor, limit: 3 })
        expect([seqs(a.lines), seqs(b.lines), seqs(c.lines)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]])
        expect(c.cursor).toBe(c.size)
      })
    )
  })

  it.live("cuts to the last `limit` lines and marks the page truncated", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 10)
        const page = yield* log.tail({ limit: 3 })
        expect(seqs(page.lines)).toEqual([7, 8, 9])
        expect(page.truncated).toBe(true)
        expect(page.reset).toBe(false)
        expect(page.cursor).toBe(page.size)
      })
    )
  })

  it.live("reads at most maxBytes from the end, dropping the cut-off line", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 10)
        const file = yield* log.currentFile
        const lengths = fs.readFileSync(file, "utf8").split("\n").slice(0, -1).map((l) => Buffer.byteLength(l) + 1)
        // Room for the last two lines and half of the third-to-last.
        const maxBytes = (lengths[9] ?? 0) + (lengths[8] ?? 0) + Math.floor((lengths[7] ?? 0) / 2)
        const page = yield* log.tail({ maxBytes })
        expect(seqs(page.lines)).toEqual([8, 9])
        expect(page.truncated).toBe(true)
        expect(page.cursor).toBe(page.size)
        // From a cursor, maxBytes bounds the page and the cursor stops after the last complete line.
        const forward = yield* log.tail({ cursor: 0, maxBytes: (lengths[0] ?? 0) + (lengths[1] ?? 0) + 5 })
        expect(seqs(forward.lines)).toEqual([0, 1])
        expect(forward.cursor).toBe((lengths[0] ?? 0) + (lengths[1] ?? 0))
      })
    )
  })

  it.live("never returns a partial last line", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 2)
        const file = yield* log.currentFile
        const complete = fs.statSync(file).size
        fs.appendFileSync(file, "{\"seq\":99")
        const page = yield* log.tail({})
        expect(seqs(page.lines)).toEqual([0, 1])
        expect(page.cursor).toBe(complete)
        fs.appendFileSync(file, "}\n")
        const next = yield* log.tail({ cursor: page.cursor })
        expect(seqs(next.lines)).toEqual([99])
        expect(next.cursor).toBe(next.size)
      })
    )
  })

  it.live("without a cursor, the last `limit` lines however long they are (the window read from the end grows until it holds them)", () => {
    const dir = tempDir()
    const pad = " ".padEnd(3000, "w")
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 40, pad)
        const file = yield* log.currentFile
        const page = yield* log.tail({ limit: 20 })
        expect(seqs(page.lines)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i))
        expect(page.truncated).toBe(true)
        expect(page.cursor).toBe(fs.statSync(file).size)
        // Bounded by maxBytes as before: only the complete lines inside the last 10,000 bytes.
        const bounded = yield* log.tail({ limit: 20, maxBytes: 10_000 })
        expect(seqs(bounded.lines)).toEqual([37, 38, 39])
      })
    )
  })

  it.live("resets to the start of the new file after rotation", () => {
    const dir = tempDir()
    const pad = " ".padEnd(100, "y")
    return withLog(
      { dir, maxFileBytes: 1000 },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 5, pad)
        const before = yield* log.tail({})
        expect(before.lines.length).toBeGreaterThan(0)
        const file = yield* log.currentFile
        // Write until the file rotates, plus one line in the fresh file.
        let seq = 5
        while (!fs.existsSync(rotatedName(file, 1))) yield* writeLines(seq, ++seq, pad)
        const after = yield* log.tail({ cursor: before.cursor })
        expect(after.reset).toBe(true)
        expect(after.cursor).toBe(after.size)
        expect(seqs(after.lines)).toEqual([seq - 1])
      })
    )
  })

  it.live("resets after rotation even when the new file has grown past the old cursor", () => {
    const dir = tempDir()
    const pad = " ".padEnd(100, "z")
    return withLog(
      { dir, maxFileBytes: 1500 },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 2, pad)
        const before = yield* log.tail({})
        const file = yield* log.currentFile
        let seq = 2
        while (!fs.existsSync(rotatedName(file, 1))) yield* writeLines(seq, ++seq, pad)
        const firstInNewFile = seq - 1
        yield* writeLines(seq, seq + 4, pad)
        expect(fs.statSync(file).size).toBeGreaterThan(before.cursor)
        const after = yield* log.tail({ cursor: before.cursor })
        expect(after.reset).toBe(true)
        expect(seqs(after.lines)).toEqual([firstInNewFile, seq, seq + 1, seq + 2, seq + 3])
      })
    )
  })

  it.effect("resets when the day switches to a new file", () => {
    const dir = tempDir()
    return Effect.gen(function*() {
      yield* TestClock.setTime(localTime(-1, 23, 59))
      yield* withLog(
        { dir },
        Effect.gen(function*() {
          const log = yield* GatewayLog
          yield* writeLines(0, 2)
          const yesterday = yield* log.tail({})
          yield* TestClock.setTime(localTime(0, 0, 1))
          yield* writeLines(2, 6)
          const today = yield* log.tail({ cursor: yesterday.cursor })
          expect(today.file).not.toBe(yesterday.file)
          expect(today.size).toBeGreaterThan(yesterday.cursor)
          expect(today.reset).toBe(true)
          expect(seqs(today.lines)).toEqual([2, 3, 4, 5])
        })
      )
    })
  })

  it.live("resets when the cursor is past the end of the file", () => {
    const dir = tempDir()
    return withLog(
      { dir },
      Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* writeLines(0, 2)
        const page = yield* log.tail({ cursor: 10_000_000 })
        expect(page.reset).toBe(true)
        expect(seqs(page.lines)).toEqual([0, 1])
      })
    )
  })
})

describe("GatewayLogLive buffering", () => {
  it.live("write returns before the disk append; a burst of 5,000 lines lands whole after flush", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const file = path.join(dir, "burst.log")
      yield* Effect.gen(function*() {
        const log = yield* GatewayLog
        yield* Effect.forEach(Array.from({ length: 5000 }, (_, i) => i), (seq) => log.write({ level: "info", message: "burst", fields: { seq } }), {
          concurrency: 50,
          discard: true
        })
        yield* log.flush
        const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n")
        expect(lines).toHaveLength(5000)
        expect(new Set(lines.map((line) => JSON.parse(line).seq)).size).toBe(5000)
      }).pipe(Effect.provide(logLayer({ file })))
    }))

  it.live("lines still buffered when the layer closes are written", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const file = path.join(dir, "closing.log")
      yield* Effect.flatMap(GatewayLog, (log) => log.write({ level: "info", message: "last words" })).pipe(Effect.provide(logLayer({ file })))
      expect(fs.readFileSync(file, "utf8")).toContain("last words")
    }))
})

describe("GatewayLogLive with its file held open", () => {
  it.effect("a log file or directory removed under the gateway is noticed within a second: later lines land in the path again", () => {
    const dir = tempDir()
    const file = path.join(dir, "logs", "held.log")
    return withLog(
      { file },
      Effect.gen(function*() {
        yield* writeLines(0, 2)
        fs.rmSync(path.dirname(file), { recursive: true, force: true })
        yield* TestClock.adjust("1001 millis")
        yield* writeLines(2, 4)
        expect(readRecords(file).map((r) => r.seq)).toEqual([2, 3])
        // A file replaced by another (an outside rotation) is written from then on, not the renamed one.
        fs.renameSync(file, `${file}.old`)
        fs.writeFileSync(file, "", { mode: 0o600 })
        yield* TestClock.adjust("1001 millis")
        yield* writeLines(4, 5)
        expect(readRecords(file).map((r) => r.seq)).toEqual([4])
        expect(readRecords(`${file}.old`).map((r) => r.seq)).toEqual([2, 3])
      })
    )
  })
})

describe("GatewayLogLive on a failing disk", () => {
  it.live("disk full: writes never fail the caller, the batch is dropped with one stderr note naming the file, and the log keeps serving", () => {
    const dir = tempDir()
    const file = path.join(dir, "gateway.log")
    fs.writeFileSync(file, `${JSON.stringify({ message: "before" })}\n`, { mode: 0o600 })
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true)
    const layer = GatewayLogLive({ file }).pipe(Layer.provide(FaultyFileSystem([diskFull("write", (p) => p === file)])))
    return Effect.gen(function*() {
      const log = yield* GatewayLog
      yield* log.write({ level: "error", message: "lost 1" })
      yield* log.flush
      yield* log.write({ level: "error", message: "lost 2" })
      yield* log.flush
      // Reading still works and shows the file as it was: nothing torn, nothing half-written.
      const page = yield* log.tail({})
      expect(page.lines.map((line) => JSON.parse(line).message)).toEqual(["before"])
      expect(stderr).toHaveBeenCalledTimes(1)
      const note = String(stderr.mock.calls[0]?.[0])
      expect(note).toContain(`appending to ${file} failed`)
      expect(note).toContain("ENOSPC")
    }).pipe(Effect.provide(layer))
  })
})
