import { Console, Effect, Schema } from "effect"
import * as os from "node:os"
import { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { nextSteps, renderStatus } from "../../domain/status/renderStatus.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayStatus, type GatewayStatusOptions } from "../../services/GatewayStatus.js"
import { printConfigWarnings } from "../configWarnings.js"
import { GatewayStatusCliLive } from "./gatewayStatus.js"

/** `openclaw status [--json]`: one probe, then the overview. */
export const status = (json: boolean, options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
    yield* printConfigWarnings(snapshot)
    const report = yield* (yield* GatewayStatus).collect(options)
    if (json) {
      yield* Console.log(JSON.stringify({ ...Schema.encodeSync(GatewayStatusReport)(report), nextSteps: nextSteps(report) }, null, 2))
      return
    }
    const host = { platform: process.platform, release: os.release(), arch: process.arch, node: process.versions.node }
    for (const line of renderStatus(report, snapshot?.config, host, options.deep)) yield* Console.log(line)
  }).pipe(Effect.provide(GatewayStatusCliLive))
