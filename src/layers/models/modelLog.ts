import { Effect, Layer, Logger, LogLevel } from "effect"
import type { LogThreshold } from "../../domain/logFile.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { GatewayLogLive } from "../GatewayLogLive.js"
import { withFileLog } from "../logs/fileLogger.js"

const THRESHOLDS: ReadonlyArray<LogThreshold> = ["silent", "fatal", "error", "warn", "info", "debug", "trace"]
const isThreshold = (value: string | undefined): value is LogThreshold => THRESHOLDS.some((t) => t === value)

const minimumOf = (threshold: LogThreshold): LogLevel.LogLevel =>
  threshold === "trace" ? LogLevel.Trace : threshold === "debug" ? LogLevel.Debug : LogLevel.Info

/**
 * Runs a model command with its log records also going to the file log that `openclaw logs` reads
 * (subsystem `models`), at `OPENCLAW_LOG_LEVEL` or `logging.level`. At `debug` that includes the
 * `model request ...` line with the exact request shape (secrets redacted).
 */
export const withModelLog = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const paths = yield* Paths
    const loaded = yield* Effect.option(store.load)
    const logging = loaded._tag === "Some" ? loaded.value.config.logging : undefined
    const wanted = host.env["OPENCLAW_LOG_LEVEL"]?.trim().toLowerCase() ?? logging?.level
    const threshold: LogThreshold = isThreshold(wanted) ? wanted : "info"
    if (threshold === "silent") return yield* effect
    const fileLog = GatewayLogLive({
      file: logging?.file,
      level: threshold,
      maxFileBytes: logging?.maxFileBytes,
      redactPatterns: logging?.redactPatterns,
      profile: paths.profile
    })
    return yield* Effect.scoped(
      Effect.gen(function*() {
        const log = yield* Effect.provide(GatewayLog, yield* Layer.build(fileLog))
        return yield* effect.pipe(withFileLog(log, "models"), Logger.withMinimumLogLevel(minimumOf(threshold)))
      })
    )
  })
