import { Clock, Effect, Option } from "effect"
import type { SchedulerSummary } from "../../domain/status/schedulerSummary.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import { GatewayClient } from "../../services/GatewayClient.js"
import type { GatewayStatusOptions } from "../../services/GatewayStatus.js"

/** `cron.status` and `last-heartbeat` from a gateway that answered the probe; a failure leaves them unknown. */
export const schedulerSummary = (options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    // As the probe: read scope only, and never a new device identity or pairing request. Both asked at
    // once over one connection: a handshake each cost `status` a second signed connect.
    const connect = { url: options.url, token: options.token, password: options.password, timeoutMs: options.timeoutMs, probe: true, scopes: ["operator.read"] }
    const [cron, lastHeartbeat] = yield* Effect.scoped(Effect.flatMap(client.connect(connect), (connection) =>
      Effect.all([
        connection.call(CronMethods.status, {}, options.timeoutMs).pipe(Effect.option),
        connection.call(CronMethods.lastHeartbeat, {}, options.timeoutMs).pipe(Effect.option)
      ], { concurrency: 2 }))).pipe(Effect.orElseSucceed(() => [Option.none(), Option.none()] as const))
    const nowMs = yield* Clock.currentTimeMillis
    const summary: SchedulerSummary = {
      cron: Option.isSome(cron) ? { enabled: cron.value.enabled, jobs: cron.value.jobs, nextWakeAtMs: cron.value.nextWakeAtMs } : undefined,
      lastHeartbeat: Option.getOrUndefined(lastHeartbeat),
      nowMs
    }
    return summary
  })
