import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { afterEach, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeVersionedRead } from "../../src/layers/fs/fileVersion.js"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** The real FileSystem, counting its stats. */
const countingStats = (counter: { stats: number }) =>
  Layer.effect(FileSystem.FileSystem, Effect.map(FileSystem.FileSystem, (real) => ({
    ...real,
    stat: (file: string) => {
      counter.stats += 1
      return real.stat(file)
    }
  }))).pipe(Layer.provide(NodeFileSystem.layer))

it.live("callers arriving while a read is under way join it; after a write of the owner's own they read anew", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-versioned-"))
  dirs.push(dir)
  const file = path.join(dir, "paired.json")
  const missing = path.join(dir, "pending.json")
  fs.writeFileSync(file, "1")
  const counter = { stats: 0 }
  let reads = 0
  let writes = 0
  return Effect.gen(function*() {
    const read = makeVersionedRead([file, missing], Effect.sync(() => {
      reads += 1
      return fs.readFileSync(file, "utf8")
    }), { generation: () => writes })
    // 200 connects asking at once: one round of stats, one read, the same answer for all.
    const values = yield* Effect.all(Array.from({ length: 200 }, () => read), { concurrency: "unbounded" })
    expect(new Set(values)).toEqual(new Set(["1"]))
    expect(reads).toBe(1)
    expect(counter.stats).toBeLessThanOrEqual(4)
    // A write of our own, then a read: never the answer of a read that began before it.
    const before = read
    const joined = yield* Effect.fork(before)
    fs.writeFileSync(file, "22")
    writes += 1
    expect(yield* read).toBe("22")
    yield* joined.await
  }).pipe(Effect.provide(countingStats(counter)))
})
