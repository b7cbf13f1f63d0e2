import { Clock, Effect } from "effect"
import type { SchedulerSummary } from "../../domain/status/schedulerSummary.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import { GatewayClient } from "../../services/GatewayClient.js"
import type { GatewayStatusOptions } from "../../services/GatewayStatus.js"

/** `cron.status` and `last-heartbeat` from a gateway that answered the probe; a failure leaves them unknown. */
export const schedulerSummary = (options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    // As the probe: read scope only, and never a new device identity or pairing request.
    const connect = { url: options.url, token: options.token, password: options.password, timeoutMs: options.timeoutMs, probe: true, scopes: ["operator.read"] }
    const [cron, lastHeartbeat] = yield* Effect.all([
      client.call(CronMethods.status, {}, connect).pipe(Effect.option),
      client.call(CronMethods.lastHeartbeat, {}, connect).pipe(Effect.option)
    ], { concurrency: 2 })
    const nowMs = yield* Clock.currentTimeMillis
    const summary: SchedulerSummary = {
      cron: cron._tag === "Some" ? { enabled: cron.value.enabled, jobs: cron.value.jobs, nextWakeAtMs: cron.value.nextWakeAtMs } : undefined,
      lastHeartbeat: lastHeartbeat._tag === "Some" ? lastHeartbeat.value : undefined,
      nowMs
    }
    return summary
  })
