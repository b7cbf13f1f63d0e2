import { heartbeatSummaryRow, type SchedulerSummary } from "./schedulerSummary.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { DEFAULT_AGENT_ID } from "../agent/sessionKey.js"
import { configuredSelection } from "../models/selection.js"
import { boxTable } from "../text/boxTable.js"
import { dashboardAdvert } from "../dashboard/controlUi.js"
import type { GatewayStatusReport } from "./gatewayStatus.js"
import { TROUBLESHOOTING_URL } from "./renderGatewayStatus.js"

/** Host facts for the OS row. */
export interface HostSummary {
  readonly platform: string
  readonly release: string
  readonly arch: string
  readonly node: string
}

const latency = (ms: number | null) => (ms === null ? "" : ms < 1000 ? ` ${ms}ms` : ` ${(ms / 1000).toFixed(2)}s`)

const gatewayRow = (report: GatewayStatusReport, config: OpenClawConfig | undefined) => {
  const mode = config?.gateway?.mode ?? "unset"
  const rpc = report.rpc
  const source = report.gateway.probeUrlSource
  const where = `${report.gateway.probeUrl}${source === "remote-config" ? " (gateway.remote.url)" : source === "local" && report.gateway.bindMode === "loopback" ? " (local loopback)" : ""}`
  const reach = rpc === null ? "not probed" : rpc.ok ? `reachable${latency(rpc.latencyMs)}` : `unreachable (${rpc.error ?? "no answer"})`
  const auth = `auth ${config?.gateway?.auth?.mode ?? (config?.gateway?.auth?.password !== undefined ? "password" : "token")}`
  const app = report.gateway.version === null ? "" : ` · app ${report.gateway.version}`
  return `${mode} · ${where} · ${reach} · ${auth}${app}`
}

const serviceRow = (report: GatewayStatusReport) => {
  if (!report.service.available) {
    const running = report.runtime.pid === null ? "a gateway answers on the port (not supervised)" : `gateway running unsupervised (pid ${report.runtime.pid})`
    return `${report.service.unavailableReason ?? "unavailable"} · ${report.runtime.status === "running" ? running : "no gateway running"}`
  }
  const s = report.service.status
  if (s === null || !s.installed) return `${s?.label ?? "service"} not installed`
  const run = s.runtime.status === "running" ? `running${s.runtime.pid === undefined ? "" : ` (pid ${s.runtime.pid})`}` : s.runtime.status
  return `${s.label} installed · ${s.loadedText} · ${run}`
}

/** `agents.defaults.heartbeat.every`, if configured. */
export const heartbeatEvery = (config: OpenClawConfig | undefined): string | undefined => config?.agents?.defaults?.heartbeat?.every


/** One agent's session index as found in the state dir. */
export interface SessionIndexSummary {
  readonly agentId: string
  /** Where the index lives (home shortened by the caller). */
  readonly path: string
  readonly count: number
}

/** What the Agents and Sessions rows (and `status --json`) say, derived once from the indexes found. */
export interface SessionsSummary {
  /** The default agent always exists, with or without sessions on disk. */
  readonly agentIds: ReadonlyArray<string>
  readonly total: number
  readonly defaultModel: string | undefined
  readonly mainIndexPath: string
}

export const summarizeSessions = (indexes: ReadonlyArray<SessionIndexSummary>, config: OpenClawConfig | undefined, mainIndexPath: string): SessionsSummary => ({
  agentIds: [...new Set([DEFAULT_AGENT_ID, ...indexes.map((index) => index.agentId)])],
  total: indexes.reduce((sum, index) => sum + index.count, 0),
  defaultModel: config === undefined ? undefined : configuredSelection(config).primary,
  mainIndexPath: indexes.find((index) => index.agentId === DEFAULT_AGENT_ID)?.path ?? mainIndexPath
})

const agentsRow = (summary: SessionsSummary) => `${summary.agentIds.length} · sessions ${summary.total} · default ${DEFAULT_AGENT_ID}`

const sessionsRow = (summary: SessionsSummary) =>
  `${summary.total} stored · default ${summary.defaultModel ?? "(no model configured)"} · ${summary.mainIndexPath}`

const channelNames = (config: OpenClawConfig | undefined) => Object.keys((config?.channels ?? {}) as Record<string, unknown>)

/** What to run next, most urgent first; empty when all is well. */
export const nextSteps = (report: GatewayStatusReport): ReadonlyArray<string> => {
  const steps: Array<string> = []
  if (!report.config.cli.exists) steps.push("No config yet: openclaw config set gateway.mode local")
  else if (!report.config.cli.valid) steps.push("Config invalid: openclaw doctor --fix  (or openclaw config validate to list the problems)")
  if (report.rpc !== null && !report.rpc.ok) {
    if (report.runtime.status === "running") steps.push("Gateway running but not answering this CLI: openclaw gateway status  (check auth and URL)")
    else steps.push("Gateway not running: openclaw gateway run  (or openclaw gateway start when installed as a service)")
  }
  if (report.port.conflict) steps.push(`Port ${report.gateway.port} is held by another process: openclaw gateway status`)
  if (report.rpc?.capability === "pairing_pending") steps.push("This CLI waits for approval: openclaw devices approve --latest")
  return steps
}

/** `openclaw status`: the Overview table, channels, then the next commands. */
export const renderStatus = (
  report: GatewayStatusReport,
  config: OpenClawConfig | undefined,
  host: HostSummary,
  deep: boolean,
  sessions: SessionsSummary,
  notRun: ReadonlyArray<string> = [],
  /** The running gateway's channel status lines; without them, the configured channel names. */
  channelLines?: ReadonlyArray<string>,
  /** The scheduler's heartbeat and next cron wake, when the gateway answered them. */
  scheduler?: SchedulerSummary
): ReadonlyArray<string> => {
  const channels = channelNames(config)
  const rows: Array<[string, string]> = [
    ["OS", `${host.platform} ${host.release} (${host.arch}) · node ${host.node}`],
    ["Dashboard", dashboardAdvert(report.gateway.dashboardUrl)],
    ["Gateway", gatewayRow(report, config)],
    ["Gateway service", serviceRow(report)],
    ["Channels", channels.length === 0 ? "none configured" : channels.join(", ")],
    ["Agents", agentsRow(sessions)],
    ["Probes", deep ? "deep (system-level services scanned)" : "skipped (use --deep)"],
    ["Heartbeat", heartbeatSummaryRow(heartbeatEvery(config), scheduler)],
    ["Sessions", sessionsRow(sessions)],
    ["Logs", report.logFile],
    ...(notRun.length === 0 ? [] : [["Not run", `${notRun.join(", ")} (kept in the config; not run by this version)`] as [string, string]])
  ]
  const lines = ["OpenClaw status", "", "Overview", boxTable(["Item", "Value"], rows), "", "Channels", channelLines !== undefined ? channelLines.join("\n") : channels.length === 0 ? "No channels configured" : channels.map((c) => `- ${c}`).join("\n")]
  const steps = nextSteps(report)
  lines.push("", `Troubleshooting: ${TROUBLESHOOTING_URL}`, "Next steps:")
  if (steps.length === 0) {
    lines.push("  Need to debug live? openclaw logs --follow", "  Full gateway view?  openclaw gateway status", "  Check config:       openclaw doctor")
  } else {
    for (const step of steps) lines.push(`  ${step}`)
  }
  return lines
}
