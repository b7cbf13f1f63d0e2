import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Duration, Effect, Option } from "effect"
import * as path from "node:path"
import { sessionIndexPath } from "../../domain/agent/sessionPaths.js"
import { mountTypeFor, parseLockOwner as parseGatewayLockOwner, type LockFacts, type StateFacts } from "../../domain/doctor/stateChecks.js"
import { parseLockOwner } from "../../domain/lock/lockOwner.js"
import { configLockPath } from "../fs/configLock.js"
import { pidFacts } from "../fs/processFacts.js"
import { writeTarget } from "../fs/writeTarget.js"

const statOrUndefined = (fs: FileSystem.FileSystem, target: string) => fs.stat(target).pipe(Effect.orElseSucceed(() => undefined))

const listOrEmpty = (fs: FileSystem.FileSystem, dir: string) => fs.readDirectory(dir).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))

/** Reads mode, kind, writability and filesystem type of the state dir and the config file's mode. */
export const gatherStateFacts = (fs: FileSystem.FileSystem, stateDir: string, configPath: string): Effect.Effect<StateFacts> =>
  Effect.gen(function*() {
    const state = yield* statOrUndefined(fs, stateDir)
    const config = yield* statOrUndefined(fs, configPath)
    const isDir = state?.type === "Directory"
    const writable = isDir && (yield* fs.access(stateDir, { writable: true }).pipe(Effect.as(true), Effect.orElseSucceed(() => false)))
    const fsType = isDir && process.platform === "linux"
      ? yield* Effect.gen(function*() {
        const mounts = yield* fs.readFileString("/proc/mounts").pipe(Effect.orElseSucceed(() => undefined))
        const real = yield* fs.realPath(stateDir).pipe(Effect.orElseSucceed(() => stateDir))
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
      configMode: config?.type === "File" ? config.mode & 0o777 : undefined,
      posixModes: process.platform !== "win32"
    } satisfies StateFacts
  })

/** Gateway lock files (`<stateDir>/tmp/openclaw-<uid>/gateway.*.lock`) and the state write locks: config, devices, session indexes. */
const lockFiles = (fs: FileSystem.FileSystem, stateDir: string, configPath: string) =>
  Effect.gen(function*() {
    // The config lock sits beside the file writes land in (a symlinked config's target).
    const configTarget = yield* writeTarget(fs, configPath).pipe(Effect.orElseSucceed(() => configPath))
    const found: Array<{ readonly path: string; readonly kind: LockFacts["kind"] }> = [
      { path: configLockPath(configTarget), kind: "config" },
      { path: path.join(stateDir, "devices", ".lock"), kind: "devices" }
    ]
    for (const agentId of yield* listOrEmpty(fs, path.join(stateDir, "agents"))) {
      found.push({ path: `${sessionIndexPath(stateDir, agentId)}.lock`, kind: "sessions" })
    }
    const tmp = path.join(stateDir, "tmp")
    for (const dir of (yield* listOrEmpty(fs, tmp)).filter((name) => name.startsWith("openclaw-"))) {
      for (const entry of yield* listOrEmpty(fs, path.join(tmp, dir))) {
        if (entry.startsWith("gateway.") && entry.endsWith(".lock")) found.push({ path: path.join(tmp, dir, entry), kind: "gateway" })
      }
    }
    return found
  })

/** Every lock that exists, with its owner's liveness. */
export const gatherLocks = (fs: FileSystem.FileSystem, stateDir: string, configPath: string): Effect.Effect<ReadonlyArray<LockFacts>> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const facts: Array<LockFacts> = []
    for (const file of yield* lockFiles(fs, stateDir, configPath)) {
      const stat = yield* statOrUndefined(fs, file.path)
      const text = stat === undefined ? undefined : yield* fs.readFileString(file.path).pipe(Effect.orElseSucceed(() => undefined))
      if (stat === undefined || text === undefined) continue
      const owner = file.kind === "gateway" ? parseGatewayLockOwner(text) : parseLockOwner(text)
      const liveness = owner === undefined ? { alive: false, startTime: undefined } : yield* pidFacts(owner.pid).pipe(Effect.provideService(FileSystem.FileSystem, fs))
      const mtimeMs = Option.match(stat.mtime, { onNone: () => now, onSome: (mtime) => mtime.getTime() })
      facts.push({
        path: file.path,
        kind: file.kind,
        pid: owner?.pid,
        recordedStartTime: owner?.startTime,
        createdAt: owner !== undefined && "createdAt" in owner ? owner.createdAt : undefined,
        pidAlive: liveness.alive,
        currentStartTime: liveness.startTime,
        ageMs: Math.max(0, now - mtimeMs)
      })
    }
    return facts
  })

/** A policy duration in milliseconds, as the pure lock checks take it. */
export const toMillis = (input: Duration.DurationInput) => Duration.toMillis(Duration.decode(input))
