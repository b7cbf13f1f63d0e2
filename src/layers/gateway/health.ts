import { Clock, Effect } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { sessionIndexPath } from "../../domain/agent/sessionPaths.js"
import type { HealthInput, ProcessSample } from "../../domain/gateway/healthReport.js"
import { heartbeatEvery } from "../../domain/status/renderStatus.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { Paths } from "../../services/Paths.js"
import { readSessionIndexes } from "../status/sessionIndexes.js"

/** What health and status are built from: stored sessions per agent, connections, the process (from `sampleProcess`). */
export const healthInput = (sampleProcess: Effect.Effect<ProcessSample>) => Effect.gen(function*() {
  const runtime = yield* GatewayRuntime
  const paths = yield* Paths
  const started = yield* Clock.currentTimeMillis
  const connections = yield* runtime.sessionCount
  const settings = yield* runtime.settings
  const indexes = yield* readSessionIndexes(paths.stateDir)
  const process = yield* sampleProcess
  const now = yield* Clock.currentTimeMillis
  return {
    ts: started,
    durationMs: now - started,
    version: VERSION,
    uptimeMs: started - runtime.startedAtMs,
    connections,
    defaultAgentId: DEFAULT_AGENT_ID,
    defaultIndexPath: sessionIndexPath(paths.stateDir, DEFAULT_AGENT_ID),
    indexes,
    heartbeatEvery: heartbeatEvery(settings.config),
    process
  } satisfies HealthInput
})
