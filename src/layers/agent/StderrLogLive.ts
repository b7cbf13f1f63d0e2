import { Effect, Layer } from "effect"
import { GatewayLog } from "../../services/GatewayLog.js"

/** A GatewayLog for runs outside the gateway (`openclaw agent --local`): warnings and errors go to stderr. */
export const StderrLogLive = Layer.succeed(GatewayLog, {
  write: (record) =>
    record.level === "warn" || record.level === "error" || record.level === "fatal"
      ? Effect.sync(() => {
        const subsystem = record.fields?.["subsystem"]
        process.stderr.write(`${typeof subsystem === "string" ? `[${subsystem}] ` : ""}${record.message}\n`)
      })
      : Effect.void,
  flush: Effect.void,
  tail: () => Effect.succeed({ file: "", cursor: 0, size: 0, lines: [] }),
  currentFile: Effect.succeed("")
})
