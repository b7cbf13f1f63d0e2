import * as FileSystem from "@effect/platform/FileSystem"
import { Data, DateTime, Duration, Effect, Option, Schedule, Schema } from "effect"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import { opt } from "../../domain/opt.js"
import { isAlreadyExists, stateIoError } from "../fs/platformErrors.js"
import { pidAlive } from "../fs/pidAlive.js"
import { processStartTime } from "../fs/processFacts.js"

/** The state dir (or config) is owned by another running gateway. */
export class GatewayLockError extends Data.TaggedError("GatewayLockError")<{ readonly message: string; readonly pid: number | undefined }> {}

/** What a gateway lock file holds: its owner, and what `gateway status` shows about it. */
const LockRecord = Schema.Struct({
  pid: Schema.Number,
  startTime: opt(Schema.String),
  port: opt(Schema.Number),
  configPath: opt(Schema.String),
  createdAt: Schema.String
})
type LockRecord = typeof LockRecord.Type

const decodeRecord = Schema.decodeUnknownOption(Schema.parseJson(LockRecord))

const lockDir = (stateDir: string) => path.join(stateDir, "tmp", `openclaw-${process.getuid?.() ?? 0}`)

/** The record in `file`; a missing, unreadable or torn file counts as no owner (it is reclaimed). */
const readRecord = (fs: FileSystem.FileSystem, file: string) =>
  fs.readFileString(file).pipe(
    Effect.map((text) => Option.getOrUndefined(decodeRecord(text))),
    Effect.orElseSucceed(() => undefined)
  )

/** An owner is alive when its pid runs and (where we can tell) it is the same process that took the lock. */
const ownerAlive = (record: LockRecord) =>
  !pidAlive(record.pid)
    ? Effect.succeed(false)
    : Effect.map(processStartTime(record.pid), (started) => record.startTime === undefined || started === undefined || started === record.startTime)

class Held extends Data.TaggedError("Held")<{ readonly pid: number }> {}

const tryTake = (fs: FileSystem.FileSystem, file: string, record: LockRecord): Effect.Effect<void, Held | StateIoError> => {
  const text = JSON.stringify(record)
  const create = fs.writeFileString(file, text, { flag: "wx", mode: 0o600 })
  return Effect.gen(function*() {
    yield* fs.makeDirectory(path.dirname(file), { recursive: true, mode: 0o700 }).pipe(Effect.mapError(stateIoError(path.dirname(file), "creating lock directory")))
    const created = yield* create.pipe(
      Effect.as(true),
      Effect.catchIf(isAlreadyExists, () => Effect.succeed(false)),
      Effect.mapError(stateIoError(file, "taking lock"))
    )
    if (created) return
    const existing = yield* readRecord(fs, file)
    if (existing !== undefined && existing.pid !== process.pid && (yield* ownerAlive(existing).pipe(Effect.provideService(FileSystem.FileSystem, fs)))) return yield* new Held({ pid: existing.pid })
    // A dead owner's lock is reclaimed.
    yield* fs.remove(file, { force: true }).pipe(Effect.mapError(stateIoError(file, "reclaiming lock")))
    yield* create.pipe(Effect.mapError(stateIoError(file, "taking lock")))
  })
}

/** The running gateway that holds this state dir, read from its lock (undefined when none is alive). */
export const readGatewayLockOwner = (stateDir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const record = yield* readRecord(fs, path.join(lockDir(stateDir), "gateway.state.lock"))
    return record !== undefined && (yield* ownerAlive(record)) ? { pid: record.pid, port: record.port, configPath: record.configPath, createdAt: record.createdAt } : undefined
  })

/**
 * Takes the state-dir ownership lock and, unless multi-gateway mode is on, the per-config lock;
 * both are released when the scope closes. A held lock is polled until `timeout`.
 */
export const acquireGatewayLocks = (input: {
  readonly stateDir: string
  readonly configPath: string
  readonly port: number
  readonly allowMulti: boolean
  /** Polling of a lock held by a live process, cut off at `timeout`. */
  readonly poll: Schedule.Schedule<unknown>
  readonly timeout: Duration.DurationInput
}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = lockDir(input.stateDir)
    const startTime = yield* processStartTime(process.pid)
    const record: LockRecord = {
      pid: process.pid,
      ...(startTime === undefined ? {} : { startTime }),
      port: input.port,
      configPath: input.configPath,
      createdAt: DateTime.formatIso(yield* DateTime.now)
    }
    const files = [path.join(dir, "gateway.state.lock")]
    if (!input.allowMulti) files.push(path.join(dir, `gateway.config-${Buffer.from(input.configPath).toString("base64url").slice(-40)}.lock`))
    for (const file of files) {
      yield* Effect.acquireRelease(
        tryTake(fs, file, record).pipe(
          Effect.retry({ while: (e) => e._tag === "Held", schedule: input.poll.pipe(Schedule.upTo(input.timeout)) }),
          Effect.catchTag("Held", (held) =>
            Effect.fail(new GatewayLockError({ message: `gateway already running (pid ${held.pid}); lock timeout after ${Duration.toMillis(input.timeout)}ms`, pid: held.pid }))
          )
        ),
        () =>
          Effect.gen(function*() {
            const current = yield* readRecord(fs, file)
            if (current?.pid === process.pid) yield* Effect.ignore(fs.remove(file, { force: true }))
          })
      )
    }
  }).pipe(Effect.withSpan("GatewayLock.acquire"))
