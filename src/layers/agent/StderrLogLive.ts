import { Effect, Layer } from "effect"
import { GatewayLog, type LogRecord } from "../../services/GatewayLog.js"

const shown = (record: LogRecord) => record.level === "warn" || record.level === "error" || record.level === "fatal"

const unsafeWrite = (record: LogRecord): void => {
  if (!shown(record)) return
  const subsystem = record.fields?.["subsystem"]
  process.stderr.write(`${typeof subsystem === "string" ? `[${subsystem}] ` : ""}${record.message}\n`)
}

/** A GatewayLog for runs outside the gateway (`openclaw agent --local`): warnings and errors go to stderr. */
export const StderrLogLive = Layer.succeed(GatewayLog, {
  write: (record) => (shown(record) ? Effect.sync(() => unsafeWrite(record)) : Effect.void),
  unsafeWrite,
  flush: Effect.void,
  tail: () => Effect.succeed({ file: "", cursor: 0, size: 0, lines: [] }),
  currentFile: Effect.succeed("")
})
