import { afterEach, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileVersion, makeVersionedRead } from "../../src/layers/fs/fileVersion.js"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-versioned-"))
  dirs.push(dir)
  return dir
}

/** A read of `file` that counts itself (a missing file reads as `missing`). */
const countedRead = (file: string) => {
  const counter = { reads: 0 }
  const read = Effect.sync(() => {
    counter.reads += 1
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "missing"
  })
  return { counter, read }
}

it("a file's version: `-` while it does not exist, another after each atomic replace, unknown under a file that is not a folder", () => {
  const dir = tempDir()
  const file = path.join(dir, "paired.json")
  expect(fileVersion(file)).toBe("-")
  fs.writeFileSync(file, "1")
  const first = fileVersion(file)
  expect(first).toMatch(/^\d+:1:/)
  // Same length, written by a rename as every state file is: the inode changes.
  fs.writeFileSync(`${file}.tmp`, "2")
  fs.renameSync(`${file}.tmp`, file)
  expect(fileVersion(file)).not.toBe(first)
  expect(fileVersion(path.join(file, "inside"))).toBeUndefined()
})

it.live("a kept result is answered until a file changes; a file that appears, changes or goes is read anew", () => {
  const dir = tempDir()
  const file = path.join(dir, "auth-profiles.json")
  const { counter, read } = countedRead(file)
  const versioned = makeVersionedRead([file], read)
  return Effect.gen(function*() {
    expect(yield* versioned).toBe("missing")
    expect(yield* versioned).toBe("missing")
    expect(counter.reads).toBe(1)
    fs.writeFileSync(file, "a")
    expect(yield* versioned).toBe("a")
    fs.writeFileSync(file, "bb")
    expect(yield* versioned).toBe("bb")
    expect(yield* versioned).toBe("bb")
    expect(counter.reads).toBe(3)
    fs.rmSync(file)
    expect(yield* versioned).toBe("missing")
    expect(counter.reads).toBe(4)
  })
})

it.live("a read that fails is not kept: the next call reads again", () => {
  const dir = tempDir()
  const file = path.join(dir, "sessions.json")
  fs.writeFileSync(file, "x")
  let reads = 0
  const versioned = makeVersionedRead([file], Effect.suspend(() => (++reads === 1 ? Effect.fail("busy" as const) : Effect.succeed(reads))))
  return Effect.gen(function*() {
    expect(yield* Effect.flip(versioned)).toBe("busy")
    expect(yield* versioned).toBe(2)
    expect(yield* versioned).toBe(2)
  })
})

it.live("callers arriving while a read is under way join it; after a write of the owner's own they read anew", () => {
  const dir = tempDir()
  const file = path.join(dir, "paired.json")
  const missing = path.join(dir, "pending.json")
  fs.writeFileSync(file, "1")
  let reads = 0
  let writes = 0
  return Effect.gen(function*() {
    const read = makeVersionedRead([file, missing], Effect.sync(() => {
      reads += 1
      return fs.readFileSync(file, "utf8")
    }).pipe(Effect.delay("5 millis")), { generation: () => writes })
    // 200 connects asking at once on a cold cache: one read, the same answer for all.
    const values = yield* Effect.all(Array.from({ length: 200 }, () => read), { concurrency: "unbounded" })
    expect(new Set(values)).toEqual(new Set(["1"]))
    expect(reads).toBe(1)
    // A write of our own while a read is under way: a caller after it never gets that read's answer.
    fs.writeFileSync(`${file}.tmp`, "2")
    const joined = yield* Effect.fork(read)
    yield* Effect.yieldNow()
    fs.renameSync(`${file}.tmp`, file)
    writes += 1
    expect(yield* read).toBe("2")
    yield* joined.await
  })
})
