import { Clock, Effect } from "effect"
import * as path from "node:path"
import type { StateFiles } from "../../services/StateFiles.js"

/** One record of `<stateDir>/logs/gateway-restart.log`: ISO time, then `key=value` pairs. */
export const restartLogLine = (timeMs: number, fields: ReadonlyArray<readonly [string, string | number]>) =>
  `${new Date(timeMs).toISOString()} ${fields.map(([key, value]) => `${key}=${/\s/.test(String(value)) ? JSON.stringify(String(value)) : value}`).join(" ")}\n`

/** Where lifecycle mutations are recorded. */
export const restartLogPath = (stateDir: string) => path.join(stateDir, "logs", "gateway-restart.log")

/**
 * Appends one audit record (best effort: a log that cannot be written never fails the action).
 * The logs dir is created 0700 and the file 0600.
 */
export const appendRestartLog = (files: StateFiles["Type"], stateDir: string, fields: ReadonlyArray<readonly [string, string | number]>) =>
  Effect.gen(function*() {
    const file = restartLogPath(stateDir)
    const line = restartLogLine(yield* Clock.currentTimeMillis, fields)
    yield* files.ensurePrivateDir(path.dirname(file))
    yield* files.appendSynced(file, line)
  }).pipe(Effect.ignore)
