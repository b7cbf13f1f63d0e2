import { Effect, Logger, type LogLevel, Runtime } from "effect"
import type { GatewayLog, LogLevelName } from "../../services/GatewayLog.js"

const nameOf = (level: LogLevel.LogLevel): LogLevelName | undefined => {
  switch (level._tag) {
    case "Fatal":
      return "fatal"
    case "Error":
      return "error"
    case "Warning":
      return "warn"
    case "Info":
      return "info"
    case "Debug":
      return "debug"
    case "Trace":
      return "trace"
    default:
      return undefined
  }
}

/**
 * A Logger that puts each `Effect.log*` record into the gateway's file log under `subsystem`, so
 * `openclaw logs` shows what a service only logged.
 */
export const fileLogger = (log: GatewayLog["Type"], subsystem: string) =>
  Effect.map(Effect.runtime<never>(), (runtime) => {
    // Loggers are synchronous; `write` only buffers (the file append runs on the log's own fiber).
    const runSync = Runtime.runSync(runtime)
    return Logger.make(({ logLevel, message }) => {
      const level = nameOf(logLevel)
      if (level === undefined) return
      const text = Array.isArray(message) ? message.map(String).join(" ") : String(message)
      runSync(log.write({ level, message: text, fields: { subsystem } }))
    })
  })

/** Runs `effect` with its log records also going to the gateway's file log (the other loggers stay). */
export const withFileLog = (log: GatewayLog["Type"], subsystem: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(fileLogger(log, subsystem), (logger) => Effect.provide(effect, Logger.add(logger)))
