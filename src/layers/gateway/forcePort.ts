import { Effect, Schedule } from "effect"
import { pidAlive } from "../fs/pidAlive.js"
import { portOwners } from "./processInfo.js"

/**
 * `gateway run --force`: SIGTERM whatever listens on the port, wait 700 ms, SIGKILL survivors, then
 * wait up to 2 s (polling every 100 ms) for the port to be free. Returns the `force: ...` lines.
 */
export const forceFreePort = (port: number) =>
  Effect.gen(function*() {
    const owners = (yield* portOwners(port)).filter((o) => o.pid !== process.pid)
    if (owners.length === 0) return [`force: no listeners on port ${port}`]
    const lines: Array<string> = []
    for (const owner of owners) {
      try {
        process.kill(owner.pid, "SIGTERM")
      } catch {
        // Already gone.
      }
    }
    yield* Effect.sleep("700 millis")
    for (const owner of owners) {
      if (pidAlive(owner.pid)) {
        try {
          process.kill(owner.pid, "SIGKILL")
        } catch {
          // Gone between the check and the kill.
        }
      }
      lines.push(`force: killed pid ${owner.pid} (${owner.command}) on port ${port}`)
    }
    // The port frees once the killed processes are reaped: look every 100 ms for up to 2 s.
    yield* portOwners(port).pipe(Effect.repeat({ while: (left) => left.length > 0, schedule: Schedule.spaced("100 millis").pipe(Schedule.upTo("2 seconds")) }))
    return lines
  })
