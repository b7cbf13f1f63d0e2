import { Clock, Effect } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import type { HealthResult } from "../../domain/protocol/methods.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"

/** The `health` payload: liveness, uptime and what the gateway is serving. */
export const healthSnapshot = Effect.gen(function*() {
  const runtime = yield* GatewayRuntime
  const started = yield* Clock.currentTimeMillis
  const sessions = yield* runtime.sessionCount
  return {
    ok: true,
    ts: started,
    durationMs: (yield* Clock.currentTimeMillis) - started,
    channels: {},
    sessions: { count: sessions },
    version: VERSION,
    uptimeMs: started - runtime.startedAtMs
  } satisfies HealthResult
})
