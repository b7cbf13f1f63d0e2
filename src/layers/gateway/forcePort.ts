import { Effect } from "effect"
import { pidAlive } from "../fs/pidAlive.js"
import { portOwners } from "./processInfo.js"

const sleep = (ms: number) => Effect.sleep(`${ms} millis`)

/**
 * `gateway run --force`: SIGTERM whatever listens on the port, wait 700 ms, SIGKILL survivors, then
 * wait up to 2 s (polling every 100 ms) for the port to be free. Returns the `force: ...` lines.
 */
export const forceFreePort = (port: number) =>
  Effect.gen(function*() {
    const owners = portOwners(port).filter((o) => o.pid !== process.pid)
    if (owners.length === 0) return [`force: no listeners on port ${port}`]
    const lines: Array<string> = []
    for (const owner of owners) {
      try {
        process.kill(owner.pid, "SIGTERM")
      } catch {
        // Already gone.
      }
    }
    yield* sleep(700)
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
    for (let waited = 0; waited < 2000 && portOwners(port).length > 0; waited += 100) yield* sleep(100)
    return lines
  })
