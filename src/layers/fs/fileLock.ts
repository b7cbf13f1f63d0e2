import { Duration, Effect, Schedule } from "effect"
import * as fs from "node:fs/promises"
import { ConfigIoError } from "../../domain/errors.js"
import { pidAlive } from "./files.js"

class LockHeld {
  readonly _tag = "LockHeld"
  constructor(readonly pid: number | undefined) {}
}

const code = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined

/** One attempt: create the lock file exclusively, or reclaim it when its owner is dead. */
const tryAcquire = (lockPath: string) =>
  Effect.tryPromise({
    try: async () => {
      try {
        await fs.writeFile(lockPath, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
        return
      } catch (cause) {
        if (code(cause) !== "EEXIST") throw cause
      }
      const owner = Number((await fs.readFile(lockPath, "utf8").catch(() => "")).trim())
      if (owner > 0 && pidAlive(owner)) throw new LockHeld(owner)
      // The owner died while holding the lock. Move it aside under a unique name first, so two
      // reclaimers cannot both delete a lock a third process has just taken.
      const aside = `${lockPath}.stale.${process.pid}`
      try {
        await fs.rename(lockPath, aside)
      } catch (renameCause) {
        if (code(renameCause) === "ENOENT") throw new LockHeld(undefined)
        throw renameCause
      }
      const moved = Number((await fs.readFile(aside, "utf8").catch(() => "")).trim())
      await fs.rm(aside, { force: true })
      if (moved > 0 && moved !== owner && pidAlive(moved)) throw new LockHeld(moved)
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
    },
    catch: (cause) => cause
  })

/**
 * Runs `effect` while holding an exclusive lock file shared by every process on this machine.
 * The file holds the owner's pid, so a lock left by a killed process is reclaimed, not waited on.
 */
export const withFileLock = <A, E, R>(
  lockPath: string,
  policy: { readonly timeout: Duration.DurationInput; readonly poll: Duration.DurationInput },
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | ConfigIoError, R> => {
  const acquire = tryAcquire(lockPath).pipe(
    Effect.retry({
      while: (cause) => cause instanceof LockHeld || code(cause) === "EEXIST",
      schedule: Schedule.spaced(policy.poll).pipe(Schedule.upTo(policy.timeout))
    }),
    Effect.mapError((cause) =>
      new ConfigIoError({
        message: cause instanceof LockHeld
          ? `config lock ${lockPath} is held by pid ${cause.pid ?? "unknown"}; timed out after ${Duration.toMillis(policy.timeout)}ms`
          : `locking ${lockPath} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        path: lockPath
      })
    )
  )
  const release = Effect.promise(async () => {
    const owner = Number((await fs.readFile(lockPath, "utf8").catch(() => "")).trim())
    if (owner === process.pid) await fs.rm(lockPath, { force: true })
  })
  return Effect.acquireUseRelease(acquire, () => effect, () => release)
}
