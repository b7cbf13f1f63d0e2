import { Clock, Console, Effect } from "effect"
import { Methods } from "../../domain/protocol/methods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { withProgress } from "../progress.js"

const duration = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)}m` : `${(ms / 3_600_000).toFixed(1)}h`)

/** `openclaw health`: one `health` call, a line for people or the payload as JSON. */
export const health = (json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const started = yield* Clock.currentTimeMillis
    const result = yield* withProgress("Waiting for the gateway's health answer", client.call(Methods.health, {}, options))
    const latency = (yield* Clock.currentTimeMillis) - started
    if (json) yield* Console.log(JSON.stringify(result, null, 2))
    else {
      yield* Console.log(`Gateway: ${result.ok ? "ok" : "unhealthy"} (${latency}ms)${result.version === undefined ? "" : ` · version ${result.version}`}${result.uptimeMs === undefined ? "" : ` · up ${duration(result.uptimeMs)}`}`)
      const sessions = result.sessions?.count
      if (sessions !== undefined) yield* Console.log(`Sessions: ${sessions}`)
      const channels = Object.keys(result.channels ?? {})
      yield* Console.log(`Channels: ${channels.length === 0 ? "none configured" : channels.join(", ")}`)
    }
    if (!result.ok) return yield* new CliExit({ code: 1 })
  })
