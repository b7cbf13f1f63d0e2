import { afterEach, expect, it, vi } from "@effect/vitest"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { type Duration, Effect, Fiber, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeLogWriter } from "../../src/layers/logs/logWriter.js"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

/** The real file system, counting appends (one `writeFileString` per append) and stats. */
const countingFileSystem = (counter: { appends: number; stats?: number; opens?: number }, writeDelay?: Duration.DurationInput) =>
  Layer.effect(FileSystem.FileSystem, Effect.map(FileSystem.FileSystem, (real) => ({
    ...real,
    // The writer appends through a File it keeps open: its opens and its writes are counted.
    open: (file: string, options?: FileSystem.OpenFileOptions) => {
      counter.opens = (counter.opens ?? 0) + 1
      return Effect.map(real.open(file, options), (handle): FileSystem.File => Object.assign(Object.create(handle) as FileSystem.File, {
        writeAll: (bytes: Uint8Array) => {
          counter.appends += 1
          return writeDelay === undefined ? handle.writeAll(bytes) : Effect.zipRight(Effect.sleep(writeDelay), handle.writeAll(bytes))
        }
      }))
    },
    stat: (file: string) => {
      counter.stats = (counter.stats ?? 0) + 1
      return real.stat(file)
    }
  }))).pipe(Layer.provide(NodeFileSystem.layer))

// Work is counted, not timed: the characters the writer measures, encodes and copies, and the appends it
// makes. Measuring the growing chunk once per line (an old flusher) cost about lines^2 / 2 line-lengths here.
it.scoped("a batch of 50,000 lines is flushed with work linear in its size", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-logcost-"))
  dirs.push(dir)
  const file = path.join(dir, "gateway.log")
  const counter = { appends: 0 }
  const lines = 50_000
  return Effect.gen(function*() {
    const writer = yield* makeLogWriter({
      fileFor: () => file,
      pruneDir: undefined,
      maxFileBytes: 500 * 1024 * 1024,
      hostname: "bench",
      patterns: [],
      onError: () => Effect.void
    })
    const work = { measured: 0, encoded: 0, copied: 0 }
    // Fails fast past a linear budget (each line is under 300 characters), before a quadratic writer runs out of memory.
    const budget = 3 * lines * 300
    const spend = (kind: keyof typeof work, n: number) => {
      work[kind] += n
      if (work[kind] > budget) throw new Error(`writer ${kind} ${work[kind]} characters for ${lines} lines`)
    }
    const byteLength = Buffer.byteLength
    vi.spyOn(Buffer, "byteLength").mockImplementation((value, encoding) => {
      spend("measured", typeof value === "string" ? value.length : 0)
      return byteLength(value, encoding)
    })
    const write = Buffer.prototype.write
    vi.spyOn(Buffer.prototype, "write").mockImplementation(function(this: Buffer, ...args: Array<unknown>) {
      spend("encoded", typeof args[0] === "string" ? args[0].length : 0)
      return Reflect.apply(write, this, args) as number
    })
    const copy = Buffer.prototype.copy
    vi.spyOn(Buffer.prototype, "copy").mockImplementation(function(this: Buffer, ...args: Array<unknown>) {
      spend("copied", (typeof args[3] === "number" ? args[3] : this.length) - (typeof args[2] === "number" ? args[2] : 0))
      return Reflect.apply(copy, this, args) as number
    })
    // All lines are buffered before the flusher runs, so they go out as one batch.
    yield* Effect.sync(() => {
      for (let i = 0; i < lines; i++) writer.unsafeEnqueue(0, { level: "info", message: `⇄ res ✓ health 0ms conn=c id=${i}` })
    })
    yield* writer.flush
    vi.restoreAllMocks()
    const written = fs.readFileSync(file, "utf8")
    expect(written.split("\n").filter((l) => l !== "")).toHaveLength(lines)
    // Each line encoded once; growing the buffer by doubling copies fewer bytes than it ends up holding.
    expect(work.encoded).toBe(written.length)
    expect(work.copied).toBeLessThanOrEqual(2 * Buffer.byteLength(written))
    expect(work.measured).toBeLessThanOrEqual(2 * written.length)
    // One append per MiB-sized segment.
    expect(counter.appends).toBeLessThanOrEqual(Math.ceil(Buffer.byteLength(written) / (1024 * 1024)) + 1)
  }).pipe(Effect.provide(countingFileSystem(counter)))
})

// logs.tail flushes before it reads. Under a steady stream of lines (every RPC logs one), each tail used to
// append the lines that came while it waited for the lock: one append per tail, one after another. A flush
// now waits only for the lines enqueued before it, so tails that wait together are settled by one append.
it.live("flushes waiting together are settled by one append, while lines keep coming", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-logcost-"))
  dirs.push(dir)
  const file = path.join(dir, "gateway.log")
  const counter = { appends: 0 }
  // Each append takes 20 ms.
  const slowDisk = countingFileSystem(counter, "20 millis")
  return Effect.scoped(Effect.gen(function*() {
    const writer = yield* makeLogWriter({ fileFor: () => file, pruneDir: undefined, maxFileBytes: 1024 * 1024, hostname: "bench", patterns: [], onError: () => Effect.void })
    // A line every 2 ms for 400 ms (the RPCs' own log lines), and 40 tails within its first 20 ms.
    const stream = Effect.forEach(Array.from({ length: 200 }, (_, i) => i), (i) =>
      Effect.zipRight(Effect.sleep("2 millis"), Effect.sync(() => writer.unsafeEnqueue(0, { level: "info", message: `rpc ${i}` }))), { discard: true })
    const tails = Array.from({ length: 40 }, (_, i) =>
      Effect.zipRight(Effect.sleep(`${Math.floor(i / 2)} millis`), Effect.zipRight(Effect.sync(() => writer.unsafeEnqueue(0, { level: "info", message: `tail ${i}` })), writer.flush)))
    const streaming = yield* Effect.fork(stream)
    yield* Effect.all(tails, { concurrency: "unbounded" })
    // Every tail's line was written before its flush returned, and the last tail returned after a handful of
    // appends (the stream's own lines keep the flusher busy meanwhile), not one append per tail.
    const appendsWhenTailsReturned = counter.appends
    const written = fs.readFileSync(file, "utf8")
    for (let i = 0; i < 40; i++) expect(written).toContain(`tail ${i}"`)
    expect(appendsWhenTailsReturned).toBeLessThanOrEqual(5)
    yield* Fiber.join(streaming)
  })).pipe(Effect.provide(slowDisk))
})

// A busy gateway flushes a small batch per turn: the file's size comes from the writer's own appends, with
// a stat once per 64 batches and before a rotation, so rotation still keeps every file under the limit.
it.scoped("many small batches: one stat per 64 appends, and files still rotate at the size limit", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-logstat-"))
  dirs.push(dir)
  const file = path.join(dir, "gateway.log")
  const counter = { appends: 0, stats: 0, opens: 0 }
  const maxFileBytes = 64 * 1024
  return Effect.gen(function*() {
    const writer = yield* makeLogWriter({ fileFor: () => file, pruneDir: undefined, maxFileBytes, hostname: "bench", patterns: [], onError: () => Effect.void })
    for (let i = 0; i < 640; i++) {
      yield* Effect.sync(() => writer.unsafeEnqueue(0, { level: "info", message: `⇄ res ✓ health 0ms conn=c id=${i}` }))
      yield* writer.flush
    }
    expect(counter.appends).toBe(640)
    // 640 appends of ~130 bytes fill 83 KB: one rotation, and the stats it takes, beside one per 64 appends.
    expect(counter.stats).toBeGreaterThanOrEqual(10)
    expect(counter.stats).toBeLessThanOrEqual(20)
    const rotated = fs.readdirSync(dir).filter((name) => name.startsWith("gateway") && name !== "gateway.log")
    expect(rotated.length).toBeGreaterThanOrEqual(1)
    // The file is opened once, and once more after each rotation: not once per append.
    expect(counter.opens).toBeLessThanOrEqual(1 + rotated.length)
    for (const name of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(maxFileBytes)
  }).pipe(Effect.provide(countingFileSystem(counter)))
})
