import { Schema } from "effect"
import { opt } from "../opt.js"
import { shortenHome } from "../text/shortenHome.js"
import { NODE_SERVICE_NAMES } from "./identity.js"
import { type ServicePlatform, ServiceRuntime, type ServiceStatus } from "./records.js"

/** `openclaw node status --json`: the node service as its supervisor reports it (the original's `{service}` shape). */
export const NodeServiceStatusReport = Schema.Struct({
  service: Schema.Struct({
    label: Schema.String,
    identity: opt(Schema.String),
    loaded: Schema.Boolean,
    loadedText: Schema.String,
    notLoadedText: Schema.String,
    command: Schema.NullOr(Schema.Struct({ programArguments: Schema.Array(Schema.String), sourcePath: Schema.String })),
    runtime: ServiceRuntime
  })
})
export type NodeServiceStatusReport = typeof NodeServiceStatusReport.Type

const NOT_LOADED: Readonly<Record<ServicePlatform, string>> = { systemd: "disabled", launchd: "not loaded", schtasks: "missing" }

/** The report for an installed-or-absent node service, or for a host without a supervisor (`unavailable`). */
export const nodeServiceReport = (status: ServiceStatus | { readonly unavailable: string }): NodeServiceStatusReport => {
  if ("unavailable" in status) {
    return { service: { label: "none", loaded: false, loadedText: "enabled", notLoadedText: "disabled", command: null, runtime: { status: "unknown", detail: status.unavailable } } }
  }
  const loaded = status.installed && status.loadedText === (status.platform === "systemd" ? "enabled" : status.platform === "launchd" ? "loaded" : "registered")
  return {
    service: {
      label: status.label,
      identity: status.identity,
      loaded,
      loadedText: status.loadedText,
      notLoadedText: NOT_LOADED[status.platform],
      command: status.installed && status.command !== undefined ? { programArguments: status.command, sourcePath: status.definitionPath } : null,
      runtime: status.runtime
    }
  }
}

const startHints = (platform: ServicePlatform | undefined, home: string): ReadonlyArray<string> => [
  "openclaw node install",
  "openclaw node start",
  ...(platform === "systemd" ? [`systemctl --user start ${NODE_SERVICE_NAMES.systemd}`] : []),
  ...(platform === "launchd" ? [`launchctl bootstrap gui/$UID ${shortenHome(`${home}/Library/LaunchAgents/${NODE_SERVICE_NAMES.launchd}.plist`, home)}`] : []),
  ...(platform === "schtasks" ? [`schtasks /Run /TN "${NODE_SERVICE_NAMES.schtasks}"`] : [])
]

const logHints = (platform: ServicePlatform, home: string): ReadonlyArray<string> =>
  platform === "systemd"
    ? [`Logs: journalctl --user -u ${NODE_SERVICE_NAMES.systemd} -n 200 --no-pager`]
    : platform === "launchd"
    ? [`Logs: ${shortenHome(`${home}/Library/Logs/openclaw/node.log`, home)}`]
    : [`Logs: schtasks /Query /TN "${NODE_SERVICE_NAMES.schtasks}" /V /FO LIST`]

const runtimeText = (runtime: ServiceRuntime) => {
  const parts = [
    runtime.pid === undefined ? undefined : `pid ${runtime.pid}`,
    runtime.state === undefined ? undefined : `state ${runtime.state}`,
    runtime.subState === undefined ? undefined : `sub ${runtime.subState}`,
    runtime.status === "stopped" && runtime.lastExitStatus !== undefined ? `last exit ${runtime.lastExitStatus}` : undefined,
    runtime.detail
  ].filter((p): p is string => p !== undefined)
  return `${runtime.status}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`
}

/** The human `openclaw node status`, as the original lays it out: stdout lines, then problems for stderr. */
export const renderNodeServiceStatus = (
  status: ServiceStatus | { readonly unavailable: string },
  home: string
): { readonly stdout: ReadonlyArray<string>; readonly stderr: ReadonlyArray<string> } => {
  const report = nodeServiceReport(status).service
  const platform = "unavailable" in status ? undefined : status.platform
  const out = [`Service: ${report.label} (${report.loaded ? report.loadedText : report.notLoadedText})`]
  if (report.command !== null) {
    out.push(`Command: ${report.command.programArguments.join(" ")}`)
    out.push(`Service file: ${shortenHome(report.command.sourcePath, home)}`)
  }
  out.push(`Runtime: ${runtimeText(report.runtime)}`)
  const installed = !("unavailable" in status) && status.installed
  if (!installed) return { stdout: [...out, "", ...startHints(platform, home).map((hint) => `Start with: ${hint}`)], stderr: [] }
  if (report.runtime.status === "stopped" && platform !== undefined) {
    return { stdout: out, stderr: ["Service is loaded but not running.", ...logHints(platform, home)] }
  }
  return { stdout: out, stderr: [] }
}
