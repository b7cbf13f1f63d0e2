import { DateTime, Duration, Effect, Schedule } from "effect"
import { Data } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { pidAlive } from "../fs/files.js"
import { processStartTime } from "./processInfo.js"

/** The state dir (or config) is owned by another running gateway. */
export class GatewayLockError extends Data.TaggedError("GatewayLockError")<{ readonly message: string; readonly pid: number | undefined }> {}

interface LockRecord {
  readonly pid: number
  readonly startTime?: string
  readonly port?: number
  readonly configPath?: string
  readonly createdAt: string
}

const lockDir = (stateDir: string) => path.join(stateDir, "tmp", `openclaw-${process.getuid?.() ?? 0}`)

const readRecord = async (file: string): Promise<LockRecord | undefined> => {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(file, "utf8"))
    return typeof parsed === "object" && parsed !== null && typeof (parsed as LockRecord).pid === "number" ? (parsed as LockRecord) : undefined
  } catch {
    return undefined
  }
}

/** An owner is alive when its pid runs and (where we can tell) it is the same process that took the lock. */
const ownerAlive = (record: LockRecord) =>
  pidAlive(record.pid) && (record.startTime === undefined || processStartTime(record.pid) === undefined || processStartTime(record.pid) === record.startTime)

class Held {
  constructor(readonly pid: number) {}
}

const tryTake = (file: string, record: LockRecord) =>
  Effect.tryPromise({
    try: async () => {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
      try {
        await fs.writeFile(file, JSON.stringify(record), { flag: "wx", mode: 0o600 })
        return
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause
      }
      const existing = await readRecord(file)
      if (existing !== undefined && existing.pid !== process.pid && ownerAlive(existing)) throw new Held(existing.pid)
      // A dead owner's lock is reclaimed.
      await fs.rm(file, { force: true })
      await fs.writeFile(file, JSON.stringify(record), { flag: "wx", mode: 0o600 })
    },
    catch: (cause) => cause
  })

/** The running gateway that holds this state dir, read from its lock (undefined when none is alive). */
export const readGatewayLockOwner = (stateDir: string) =>
  Effect.promise(async () => {
    const record = await readRecord(path.join(lockDir(stateDir), "gateway.state.lock"))
    return record !== undefined && ownerAlive(record) ? { pid: record.pid, port: record.port, configPath: record.configPath, createdAt: record.createdAt } : undefined
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
    const dir = lockDir(input.stateDir)
    const record: LockRecord = {
      pid: process.pid,
      ...(processStartTime(process.pid) === undefined ? {} : { startTime: processStartTime(process.pid) as string }),
      port: input.port,
      configPath: input.configPath,
      createdAt: DateTime.formatIso(yield* DateTime.now)
    }
    const files = [path.join(dir, "gateway.state.lock")]
    if (!input.allowMulti) files.push(path.join(dir, `gateway.config-${Buffer.from(input.configPath).toString("base64url").slice(-40)}.lock`))
    for (const file of files) {
      yield* Effect.acquireRelease(
        tryTake(file, record).pipe(
          Effect.retry({ while: (e) => e instanceof Held, schedule: input.poll.pipe(Schedule.upTo(input.timeout)) }),
          Effect.mapError((e) =>
            new GatewayLockError({
              message: e instanceof Held
                ? `gateway already running (pid ${e.pid}); lock timeout after ${Duration.toMillis(input.timeout)}ms`
                : `failed to take gateway lock ${file}: ${e instanceof Error ? e.message : String(e)}`,
              pid: e instanceof Held ? e.pid : undefined
            })
          )
        ),
        () =>
          Effect.promise(async () => {
            const current = await readRecord(file)
            if (current?.pid === process.pid) await fs.rm(file, { force: true })
          })
      )
    }
  })
