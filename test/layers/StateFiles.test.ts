import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { StateFiles } from "../../src/services/StateFiles.js"
import { diskFull, FaultyFileSystem, type Fault, permissionDenied } from "../support/faultyFileSystem.js"
import { SlowCreateFileSystem } from "../support/slowCreateFileSystem.js"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-statefiles-"))
const live = StateFilesLive.pipe(Layer.provide(NodeFileSystem.layer))
const faulty = (faults: ReadonlyArray<Fault>) => StateFilesLive.pipe(Layer.provide(FaultyFileSystem(faults)))
const isTemp = (dir: string) => fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))
const lockPolicy = { timeout: "200 millis", poll: "10 millis" } as const
/** The owner record a lock file holds. */
const ownerText = (pid: number, startTime: string) => `${JSON.stringify({ pid, startTime, nonce: "test" })}\n`
/** `/proc/<pid>/stat` field 22, as the lock records it. */
const startTimeOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? ""
}

it.effect("atomicWrite replaces the file whole, mode 0600, leaving no temp file", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "state.json")
    fs.writeFileSync(file, "old\n")
    const files = yield* StateFiles
    yield* files.atomicWrite(file, "new\n")
    expect(fs.readFileSync(file, "utf8")).toBe("new\n")
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(isTemp(dir)).toEqual([])
  }).pipe(Effect.provide(live)))

it.effect("disk full while writing: the old file is intact, no temp file is left, the error names the file and the OS reason", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "paired.json")
    fs.writeFileSync(file, "{\"keep\":true}\n")
    const files = yield* StateFiles
    const result = yield* Effect.either(files.atomicWrite(file, "{\"lost\":true}\n"))
    expect(Either.isLeft(result) && result.left._tag).toBe("StateIoError")
    expect(Either.isLeft(result) && result.left.message).toBe(`writing temp file for ${file} failed: ENOSPC: no space left on device, write`)
    expect(fs.readFileSync(file, "utf8")).toBe("{\"keep\":true}\n")
    expect(isTemp(dir)).toEqual([])
  }).pipe(Effect.provide(faulty([diskFull("write", (p) => p.endsWith(".tmp"))]))))

it.effect("a failing rename keeps the old file and removes the temp file", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "sessions.json")
    fs.writeFileSync(file, "before\n")
    const files = yield* StateFiles
    const error = yield* Effect.flip(files.atomicWrite(file, "after\n"))
    expect(error.message).toBe(`replacing ${file} failed: EACCES: permission denied`)
    expect(fs.readFileSync(file, "utf8")).toBe("before\n")
    expect(isTemp(dir)).toEqual([])
  }).pipe(Effect.provide(faulty([permissionDenied("rename", (p) => p.endsWith("sessions.json"))]))))

it.effect("a failing beforeRename step (the backup ring) leaves the file and no temp file", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "openclaw.json")
    fs.writeFileSync(file, "v1\n")
    const files = yield* StateFiles
    const error = yield* Effect.flip(files.atomicWrite(file, "v2\n", Effect.fail("backup failed" as const)))
    expect(error).toBe("backup failed")
    expect(fs.readFileSync(file, "utf8")).toBe("v1\n")
    expect(isTemp(dir)).toEqual([])
  }).pipe(Effect.provide(live)))

it.effect("readIfExists: undefined for a missing file, a typed error for an unreadable one", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const files = yield* StateFiles
    expect(yield* files.readIfExists(path.join(dir, "missing.json"))).toBeUndefined()
    const error = yield* Effect.flip(files.readIfExists(path.join(dir, "locked.json")))
    expect(error).toMatchObject({ _tag: "StateIoError", code: "STATE_IO_ERROR", path: path.join(dir, "locked.json") })
  }).pipe(Effect.provide(faulty([permissionDenied("readFileString", (p) => p.endsWith("locked.json"))]))))

it.effect("appendSynced appends whole lines and creates the file 0600", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "transcript.jsonl")
    const files = yield* StateFiles
    yield* files.appendSynced(file, "a\n")
    yield* files.appendSynced(file, "b\n")
    expect(fs.readFileSync(file, "utf8")).toBe("a\nb\n")
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  }).pipe(Effect.provide(live)))

it.effect("sweepStaleTemps removes temp files of dead writers only", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const file = path.join(dir, "paired.json")
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid ?? 999_999
    fs.writeFileSync(`${file}.${dead}.abcdef.tmp`, "torn")
    fs.writeFileSync(`${file}.${process.pid}.123456.tmp`, "mine, in flight")
    const files = yield* StateFiles
    yield* files.sweepStaleTemps(file)
    expect(isTemp(dir)).toEqual([`paired.json.${process.pid}.123456.tmp`])
  }).pipe(Effect.provide(live)))

it.live("withLock: a lock of a dead process is reclaimed; a live holder makes the caller time out with its pid", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const lock = path.join(dir, "x.lock")
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid ?? 999_999
    fs.writeFileSync(lock, ownerText(dead, "1"))
    const files = yield* StateFiles
    expect(yield* files.withLock(lock, lockPolicy, Effect.succeed("ran"))).toBe("ran")
    expect(fs.existsSync(lock)).toBe(false)
    const holder = ownerText(process.ppid, startTimeOf(process.ppid))
    fs.writeFileSync(lock, holder)
    const error = yield* Effect.flip(files.withLock(lock, lockPolicy, Effect.succeed("ran")))
    expect(error.message).toBe(`lock ${lock} is held by pid ${process.ppid}; timed out after 200ms`)
    expect(fs.readFileSync(lock, "utf8")).toBe(holder)
    expect(fs.readdirSync(dir)).toEqual(["x.lock"])
  }).pipe(Effect.provide(live)))

it.live("withLock: a garbage lock (`echo 1 > x.lock`), an empty one, and this process's pid with another start time are stale, reclaimed without leftovers", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const lock = path.join(dir, "openclaw.json.lock")
    const files = yield* StateFiles
    for (const text of ["1\n", "", "{\"pid\":", ownerText(process.pid, "1")]) {
      fs.writeFileSync(lock, text)
      expect(yield* files.withLock(lock, lockPolicy, Effect.sync(() => JSON.parse(fs.readFileSync(lock, "utf8")) as unknown))).toMatchObject({
        pid: process.pid,
        startTime: startTimeOf(process.pid)
      })
      expect(fs.readdirSync(dir)).toEqual([])
    }
  }).pipe(Effect.provide(live)))

it.live("withLock: an owner record a killed writer never published is swept by the next holder", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const lock = path.join(dir, "openclaw.json.lock")
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid ?? 999_999
    fs.writeFileSync(`${lock}.${dead}.abcdef.tmp`, ownerText(dead, "1"))
    const files = yield* StateFiles
    yield* files.withLock(lock, lockPolicy, Effect.void)
    expect(fs.readdirSync(dir)).toEqual([])
  }).pipe(Effect.provide(live)))

it.live("withLock: reclaiming sweeps `.stale.<pid>` and temp files that dead writers left beside the lock", () =>
  Effect.gen(function*() {
    const dir = tempDir()
    const lock = path.join(dir, "openclaw.json.lock")
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid ?? 999_999
    fs.writeFileSync(lock, ownerText(dead, "1"))
    fs.writeFileSync(`${lock}.stale.${dead}`, `${dead}\n`)
    fs.writeFileSync(`${lock}.${dead}.abcdef.tmp`, ownerText(dead, "1"))
    fs.writeFileSync(`${lock}.stale.${process.ppid}`, "a live process's, left alone")
    // A reclaimer killed while holding its turn does not block the next one.
    fs.writeFileSync(`${lock}.reclaim`, ownerText(dead, "1"))
    const files = yield* StateFiles
    yield* files.withLock(lock, lockPolicy, Effect.void)
    expect(fs.readdirSync(dir)).toEqual([`openclaw.json.lock.stale.${process.ppid}`])
  }).pipe(Effect.provide(live)))

const raceCounter = (startWith: "no lock" | "a dead owner's lock") =>
  Effect.gen(function*() {
    const dir = tempDir()
    const lock = path.join(dir, "counter.lock")
    const counter = path.join(dir, "counter")
    fs.writeFileSync(counter, "0")
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid ?? 999_999
    // With a dead owner's lock every writer judges it stale at about the same time.
    if (startWith !== "no lock") fs.writeFileSync(lock, ownerText(dead, "1"))
    const policy = { timeout: "10 seconds", poll: "5 millis", raceWindow: Effect.sleep("20 millis") } as const
    const files = yield* StateFiles
    const increment = files.withLock(lock, policy, Effect.gen(function*() {
      const value = Number(fs.readFileSync(counter, "utf8"))
      yield* Effect.sleep("5 millis")
      fs.writeFileSync(counter, String(value + 1))
    }))
    yield* Effect.all(Array.from({ length: 6 }, () => increment), { concurrency: "unbounded" })
    expect(fs.readFileSync(counter, "utf8")).toBe("6")
    expect(fs.readdirSync(dir)).toEqual(["counter"])
  }).pipe(Effect.provide(StateFilesLive.pipe(Layer.provide(SlowCreateFileSystem("20 millis")))))

it.live("withLock: racing writers on a slow disk, windows widened by the policy's hook, lose no update (starting from no lock)", () => raceCounter("no lock"))

it.live("withLock: racing reclaimers of a dead owner's lock, windows widened, lose no update", () => raceCounter("a dead owner's lock"))
