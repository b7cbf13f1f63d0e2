import { Clock, Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"

/** One record of `<stateDir>/logs/gateway-restart.log`: ISO time, then `key=value` pairs. */
export const restartLogLine = (timeMs: number, fields: ReadonlyArray<readonly [string, string | number]>) =>
  `${new Date(timeMs).toISOString()} ${fields.map(([key, value]) => `${key}=${/\s/.test(String(value)) ? JSON.stringify(String(value)) : value}`).join(" ")}\n`

/** Where lifecycle mutations are recorded. */
export const restartLogPath = (stateDir: string) => path.join(stateDir, "logs", "gateway-restart.log")

/**
 * Appends one audit record (best effort: a log that cannot be written never fails the action).
 * The logs dir is created 0700 and the file 0600.
 */
export const appendRestartLog = (stateDir: string, fields: ReadonlyArray<readonly [string, string | number]>) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.promise(async () => {
      try {
        const file = restartLogPath(stateDir)
        await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
        await fs.appendFile(file, restartLogLine(now, fields), { encoding: "utf8", mode: 0o600 })
      } catch {
        // Best effort by design.
      }
    }))
