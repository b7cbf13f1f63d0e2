import { Clock, Console, Effect } from "effect"
import { Methods, type HealthResult } from "../../domain/protocol/methods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { gatewayConnectionLines } from "../gatewayConnection.js"
import { withProgress } from "../progress.js"

const duration = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)}m` : `${(ms / 3_600_000).toFixed(1)}h`)

const num = (value: unknown) => (typeof value === "number" ? value : undefined)

/** The original's report lines: event loop, probe time, agents, heartbeat, session stores (every agent's when verbose). */
const originalLines = (result: HealthResult, verbose: boolean): ReadonlyArray<string> => {
  const lines: Array<string> = []
  const loop = result.eventLoop
  if (loop !== undefined) {
    const state = loop["degraded"] === true ? "degraded" : "ok"
    lines.push(`Gateway event loop: ${state} max=${num(loop["delayMaxMs"]) ?? 0}ms p99=${num(loop["delayP99Ms"]) ?? 0}ms util=${num(loop["utilization"]) ?? 0} cpu=${num(loop["cpuCoreRatio"]) ?? 0}`)
  }
  lines.push(`Gateway probe duration: ${result.durationMs}ms`)
  const agents = result.agents ?? []
  if (agents.length > 0) lines.push(`Agents: ${agents.map((a) => (a.isDefault ? `${a.agentId} (default)` : a.agentId)).join(", ")}`)
  const shown = verbose ? agents : agents.filter((a) => a.isDefault)
  for (const agent of shown) {
    const every = agent.heartbeat["every"]
    lines.push(`Heartbeat interval: ${agent.heartbeat["enabled"] === true && typeof every === "string" ? every : "disabled"} (${agent.agentId})`)
  }
  for (const agent of shown) lines.push(`Session store (${agent.agentId}): ${agent.sessions.path} (${agent.sessions.count} entries)`)
  return lines
}

/**
 * `openclaw health`: one `health` call, lines for people or the payload as JSON. `--verbose` (the
 * original's `--debug` too) prints where it connects first and asks for a fresh probe, not the cached snapshot.
 */
export const health = (json: boolean, verbose: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    if (verbose && !json) for (const line of yield* gatewayConnectionLines(options)) yield* Console.log(line)
    const started = yield* Clock.currentTimeMillis
    const result = yield* withProgress("Waiting for the gateway's health answer", client.call(Methods.health, verbose ? { probe: true } : {}, options))
    const latency = (yield* Clock.currentTimeMillis) - started
    if (json) yield* Console.log(JSON.stringify(result, null, 2))
    else {
      yield* Console.log(`Gateway: ${result.ok ? "ok" : "unhealthy"} (${latency}ms)${result.version === undefined ? "" : ` · version ${result.version}`}${result.uptimeMs === undefined ? "" : ` · up ${duration(result.uptimeMs)}`}`)
      for (const line of originalLines(result, verbose)) yield* Console.log(line)
      const channels = Object.keys(result.channels ?? {})
      yield* Console.log(`Channels: ${channels.length === 0 ? "none configured" : channels.join(", ")}`)
    }
    if (!result.ok) return yield* new CliExit({ code: 1 })
  })

/** `openclaw gateway health`: the original's two lines (`Gateway Health`, `OK (8ms)`), or the payload as JSON. */
export const gatewayHealth = (json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const started = yield* Clock.currentTimeMillis
    const result = yield* client.call(Methods.health, {}, options)
    const latency = (yield* Clock.currentTimeMillis) - started
    if (json) yield* Console.log(JSON.stringify(result, null, 2))
    else yield* Console.log(`Gateway Health\n${result.ok ? "OK" : "UNHEALTHY"} (${latency}ms)`)
    if (!result.ok) return yield* new CliExit({ code: 1 })
  })
