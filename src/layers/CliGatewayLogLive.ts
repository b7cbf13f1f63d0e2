import { Effect, Layer } from "effect"
import { bestEffortLogging } from "../domain/config/bestEffortLogging.js"
import { ConfigStore } from "../services/ConfigStore.js"
import { GatewayLog } from "../services/GatewayLog.js"
import { Paths } from "../services/Paths.js"
import { StderrLogLive } from "./agent/StderrLogLive.js"
import { GatewayLogReaderLive } from "./gatewayLogReader.js"

/**
 * The gateway log as a CLI process sees it: `tail` reads the configured file (read-only), `write`
 * reports the process's own warnings on stderr, never into the gateway's file.
 */
export const CliGatewayLogLive = Layer.unwrapEffect(Effect.gen(function*() {
  const snapshot = yield* Effect.flatMap(ConfigStore, (store) => store.read).pipe(Effect.orElseSucceed(() => undefined))
  const paths = yield* Paths
  const stderr = yield* Effect.provide(GatewayLog, StderrLogLive)
  return Layer.effect(GatewayLog, Effect.map(GatewayLog, (reader) => ({ ...reader, write: stderr.write, unsafeWrite: stderr.unsafeWrite }))).pipe(
    Layer.provide(GatewayLogReaderLive(snapshot?.config ?? bestEffortLogging(snapshot?.authored), paths.profile))
  )
}))
