import type { SchedulerSummary } from "./schedulerSummary.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import type { GatewayStatusReport } from "./gatewayStatus.js"
import { heartbeatEvery, type HostSummary, type SessionIndexSummary, type SessionsSummary } from "./renderStatus.js"

/**
 * `openclaw status --json`: the original's top-level shape for what Clawgate knows (os, gateway,
 * gatewayService, agents, sessions, heartbeat, channelSummary), then our next steps and the full
 * gateway status report.
 */
export const statusJson = (input: {
  readonly report: GatewayStatusReport
  readonly encodedReport: unknown
  readonly config: OpenClawConfig | undefined
  readonly host: HostSummary
  readonly indexes: ReadonlyArray<SessionIndexSummary>
  readonly sessions: SessionsSummary
  readonly nextSteps: ReadonlyArray<string>
  /** Configured sections kept but not run by this version. */
  readonly notRun: ReadonlyArray<string>
  /** The gateway's scheduler, when it answered. */
  readonly scheduler?: SchedulerSummary | undefined
}) => {
  const { report, config, host, indexes } = input
  const rpc = report.rpc
  const service = report.service.status
  const { agentIds, total } = input.sessions
  const every = heartbeatEvery(config)
  return {
    runtimeVersion: report.cli.version,
    os: { platform: host.platform, arch: host.arch, release: host.release, label: `${host.platform} ${host.release} (${host.arch})` },
    gateway: {
      mode: config?.gateway?.mode ?? null,
      url: report.gateway.probeUrl,
      urlSource: report.gateway.probeUrlSource === "remote-config" ? "gateway.remote.url" : report.gateway.probeUrlSource === "explicit" ? "--url" : report.gateway.bindMode === "loopback" ? "local loopback" : report.gateway.portSource,
      misconfigured: !report.config.cli.valid,
      reachable: rpc?.ok === true,
      connectLatencyMs: rpc?.latencyMs ?? null,
      self: null,
      error: rpc === null || rpc.ok ? null : rpc.error,
      authWarning: rpc?.authWarning ?? null
    },
    gatewayService: {
      label: report.service.label,
      installed: service?.installed === true,
      loaded: report.service.loaded,
      loadedText: service?.loadedText ?? "disabled",
      runtime: { status: report.runtime.status, ...(report.runtime.pid === null ? {} : { pid: report.runtime.pid }) }
    },
    agents: {
      defaultId: "main",
      agents: agentIds.map((id) => {
        const index = indexes.find((i) => i.agentId === id)
        return { id, sessionsPath: index?.path ?? null, sessionsCount: index?.count ?? 0 }
      }),
      totalSessions: total
    },
    sessions: {
      count: total,
      defaults: { model: input.sessions.defaultModel ?? null },
      byAgent: indexes.map((index) => ({ agentId: index.agentId, path: index.path, count: index.count }))
    },
    heartbeat: {
      defaultAgentId: "main",
      agents: [{ agentId: "main", enabled: every !== "0m" && input.scheduler?.cron?.enabled === true, every: every ?? "30m", running: input.scheduler?.cron?.enabled === true }],
      ...(input.scheduler?.lastHeartbeat === undefined ? {} : { last: input.scheduler.lastHeartbeat })
    },
    ...(input.scheduler?.cron === undefined ? {} : { cron: input.scheduler.cron }),
    channelSummary: Object.keys((config?.channels ?? {}) as Record<string, unknown>),
    notRun: input.notRun,
    nextSteps: input.nextSteps,
    gatewayStatus: input.encodedReport
  }
}
