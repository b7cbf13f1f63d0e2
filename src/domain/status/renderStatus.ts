import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { configuredSelection } from "../models/selection.js"
import { boxTable } from "../text/boxTable.js"
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
  const where = `${report.gateway.probeUrl}${report.gateway.bindMode === "loopback" ? " (local loopback)" : ""}`
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

const heartbeatRow = (config: OpenClawConfig | undefined) => {
  const hb = (config?.agents?.defaults as { heartbeat?: { every?: unknown } } | undefined)?.heartbeat
  // Configured heartbeats run on the scheduler, which this version does not have yet: say so.
  return typeof hb?.every === "string" ? `${hb.every} configured (default agent) · not run by this version` : "not configured"
}

/** One agent's session index as found in the state dir. */
export interface SessionIndexSummary {
  readonly agentId: string
  /** Where the index lives (home shortened by the caller). */
  readonly path: string
  readonly count: number
}

// The default agent always exists, with or without sessions on disk.
const agentIds = (indexes: ReadonlyArray<SessionIndexSummary>) => [...new Set(["main", ...indexes.map((i) => i.agentId)])]

const agentsRow = (indexes: ReadonlyArray<SessionIndexSummary>) => {
  const total = indexes.reduce((sum, index) => sum + index.count, 0)
  return `${agentIds(indexes).length} · sessions ${total} · default main`
}

const sessionsRow = (indexes: ReadonlyArray<SessionIndexSummary>, config: OpenClawConfig | undefined, mainIndexPath: string) => {
  const total = indexes.reduce((sum, index) => sum + index.count, 0)
  const model = config === undefined ? undefined : configuredSelection(config).primary
  const where = indexes.find((index) => index.agentId === "main")?.path ?? mainIndexPath
  return `${total} stored · default ${model ?? "(no model configured)"} · ${where}`
}

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
  sessions: { readonly indexes: ReadonlyArray<SessionIndexSummary>; readonly mainIndexPath: string }
): ReadonlyArray<string> => {
  const channels = channelNames(config)
  const rows: Array<[string, string]> = [
    ["OS", `${host.platform} ${host.release} (${host.arch}) · node ${host.node}`],
    ["Dashboard", report.gateway.dashboardUrl],
    ["Gateway", gatewayRow(report, config)],
    ["Gateway service", serviceRow(report)],
    ["Channels", channels.length === 0 ? "none configured" : channels.join(", ")],
    ["Agents", agentsRow(sessions.indexes)],
    ["Probes", deep ? "deep (system-level services scanned)" : "skipped (use --deep)"],
    ["Heartbeat", heartbeatRow(config)],
    ["Sessions", sessionsRow(sessions.indexes, config, sessions.mainIndexPath)],
    ["Logs", report.logFile]
  ]
  const lines = ["OpenClaw status", "", "Overview", boxTable(["Item", "Value"], rows), "", "Channels", channels.length === 0 ? "No channels configured" : channels.map((c) => `- ${c}`).join("\n")]
  const steps = nextSteps(report)
  lines.push("", `Troubleshooting: ${TROUBLESHOOTING_URL}`, "Next steps:")
  if (steps.length === 0) {
    lines.push("  Need to debug live? openclaw logs --follow", "  Full gateway view?  openclaw gateway status", "  Check config:       openclaw doctor")
  } else {
    for (const step of steps) lines.push(`  ${step}`)
  }
  return lines
}
