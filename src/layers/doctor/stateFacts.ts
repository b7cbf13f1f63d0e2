import { Clock, Duration, Effect } from "effect"
import { constants as fsConstants } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { mountTypeFor, parseLockOwner, type LockFacts, type StateFacts } from "../../domain/doctor/stateChecks.js"
import { pidAlive } from "../fs/files.js"
import { processStartTime } from "../gateway/processInfo.js"

const statOrUndefined = (target: string) => Effect.promise(() => fs.stat(target).catch(() => undefined))

/** Reads mode, kind, writability and filesystem type of the state dir and the config file's mode. */
export const gatherStateFacts = (stateDir: string, configPath: string): Effect.Effect<StateFacts> =>
  Effect.gen(function*() {
    const state = yield* statOrUndefined(stateDir)
    const config = yield* statOrUndefined(configPath)
    const isDir = state?.isDirectory() === true
    const writable = isDir && (yield* Effect.promise(() => fs.access(stateDir, fsConstants.W_OK).then(() => true, () => false)))
    const fsType = isDir && process.platform === "linux"
      ? yield* Effect.promise(async () => {
        const mounts = await fs.readFile("/proc/mounts", "utf8").catch(() => undefined)
        const real = await fs.realpath(stateDir).catch(() => stateDir)
        return mounts === undefined ? undefined : mountTypeFor(mounts, real)
      })
      : undefined
    return {
      stateDir,
      stateKind: state === undefined ? "missing" : isDir ? "directory" : "other",
      stateMode: state === undefined ? undefined : state.mode & 0o777,
      stateWritable: writable,
      stateFsType: fsType,
      configPath,
      configMode: config?.isFile() === true ? config.mode & 0o777 : undefined,
      posixModes: process.platform !== "win32"
    } satisfies StateFacts
  })

/** Gateway lock files (`<stateDir>/tmp/openclaw-<uid>/gateway.*.lock`) and the config write lock. */
const lockFiles = (stateDir: string, configPath: string) =>
  Effect.promise(async () => {
    const found: Array<{ readonly path: string; readonly kind: LockFacts["kind"] }> = [{ path: `${configPath}.lock`, kind: "config" }]
    const tmp = path.join(stateDir, "tmp")
    const dirs = await fs.readdir(tmp).catch(() => [] as Array<string>)
    for (const dir of dirs.filter((name) => name.startsWith("openclaw-"))) {
      const entries = await fs.readdir(path.join(tmp, dir)).catch(() => [] as Array<string>)
      for (const entry of entries) if (entry.startsWith("gateway.") && entry.endsWith(".lock")) found.push({ path: path.join(tmp, dir, entry), kind: "gateway" })
    }
    return found
  })

/** Every lock that exists, with its owner's liveness. */
export const gatherLocks = (stateDir: string, configPath: string): Effect.Effect<ReadonlyArray<LockFacts>> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const facts: Array<LockFacts> = []
    for (const file of yield* lockFiles(stateDir, configPath)) {
      const read = yield* Effect.promise(async () => {
        const stat = await fs.stat(file.path).catch(() => undefined)
        const text = stat === undefined ? undefined : await fs.readFile(file.path, "utf8").catch(() => undefined)
        return stat === undefined || text === undefined ? undefined : { text, mtimeMs: stat.mtimeMs }
      })
      if (read === undefined) continue
      const owner = parseLockOwner(read.text)
      const alive = owner !== undefined && pidAlive(owner.pid)
      facts.push({
        path: file.path,
        kind: file.kind,
        pid: owner?.pid,
        recordedStartTime: owner?.startTime,
        pidAlive: alive,
        currentStartTime: owner !== undefined && alive ? processStartTime(owner.pid) : undefined,
        ageMs: Math.max(0, now - read.mtimeMs)
      })
    }
    return facts
  })

export const toMillis = (input: Duration.DurationInput) => Duration.toMillis(Duration.decode(input))
