import { formatConnection } from "../net/procNetTcp.js"
import { capabilityLabel } from "../probe/report.js"
import type { GatewayStatusReport } from "./gatewayStatus.js"
import { dashboardAdvert } from "../dashboard/controlUi.js"

export const TROUBLESHOOTING_URL = "https://docs.openclaw.ai/troubleshooting"

// Every home path inside a command line, not only a leading one.
const shortenHome = (text: string, homeDir: string) => (homeDir === "" ? text : text.split(`${homeDir}/`).join("~/"))

const home = (p: string, homeDir: string) => (homeDir !== "" && p.startsWith(`${homeDir}/`) ? `~${p.slice(homeDir.length)}` : p)

const runtimeLine = (r: GatewayStatusReport["runtime"], s: GatewayStatusReport["service"]["status"]) => {
  if (r.status === "running") {
    const parts = [r.pid === null ? undefined : `pid ${r.pid}`, s?.runtime.state === undefined ? undefined : `state ${s.runtime.state}`,
      s?.runtime.subState === undefined ? undefined : `sub ${s.runtime.subState}`, r.source === "lock" ? "not supervised" : undefined]
      .filter((p) => p !== undefined)
    return `Runtime: running${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`
  }
  if (r.status === "stopped") {
    const exit = s?.runtime.lastExitStatus
    return `Runtime: stopped${exit === undefined ? "" : ` (last exit ${exit}${exit === 78 ? ": configuration error, see Last gateway error" : ""})`}`
  }
  return "Runtime: unknown"
}

/**
 * The human `gateway status` of spec 9: labels on stdout in the original's order, problems on stderr,
 * ending with where to go next.
 */
/** The service's V8 heap control: ambient shell NODE_OPTIONS never reach the service, only its own env does. */
const gatewayHeapOf = (env: Readonly<Record<string, string>> | undefined) => {
  const options = env?.["NODE_OPTIONS"]
  return options !== undefined && /--max-old-space-size=\d+/.test(options)
    ? `service NODE_OPTIONS: ${options}`
    : "not set (old service metadata: run `openclaw gateway install --force`)"
}

export const renderGatewayStatus = (
  report: GatewayStatusReport,
  options: { readonly requireRpc: boolean; readonly deep: boolean; readonly homeDir: string }
): { readonly out: ReadonlyArray<string>; readonly err: ReadonlyArray<string> } => {
  const out: Array<string> = []
  const err: Array<string> = []
  const h = (p: string) => home(p, options.homeDir)
  const service = report.service.status
  if (!report.service.available) out.push(`Service: ${report.service.unavailableReason ?? "unavailable"} (diagnostic only, not the probe target)`)
  else if (service === null || !service.installed) out.push(`Service: ${service?.label ?? "service"} (not installed)`)
  else out.push(`Service: ${service.label} (${service.loadedText})`)
  out.push(`File logs: ${report.logFile}`)
  if (service?.installed === true) {
    if (service.command !== undefined) out.push(`Command: ${service.command.join(" ")}`)
    out.push(`Service file: ${h(service.definitionPath)}`)
    if (service.env !== undefined) out.push(`Service env: ${Object.entries(service.env).map(([k, v]) => `${k}=${v}`).join(" ")}`)
    out.push(`Gateway heap: ${gatewayHeapOf(service.env)}`)
  }
  out.push("")
  const cli = report.config.cli
  out.push(`Config (cli): ${h(cli.path)}${!cli.exists ? " (missing)" : !cli.valid ? " (invalid)" : ""}`)
  for (const issue of cli.issues.slice(0, 5)) out.push(`Config issue: ${issue}`)
  out.push(`Config (service): ${report.config.daemon === null ? "(no service installed)" : h(report.config.daemon)}`)
  if (report.config.mismatch) {
    err.push("Root cause: CLI and service are using different config paths (likely a profile/state-dir mismatch).")
    err.push("Fix: rerun `openclaw gateway install --force` from the same --profile / OPENCLAW_STATE_DIR you expect.")
  }
  out.push("")
  const gw = report.gateway
  out.push(`Gateway: bind=${gw.bindMode} (${gw.bindHost}), port=${gw.port} (${gw.portSource})`)
  out.push(`Probe target: ${gw.probeUrl}${gw.probeUrlSource === "remote-config" ? " (gateway.remote.url, remote mode)" : ""}`)
  out.push(`Dashboard: ${dashboardAdvert(gw.dashboardUrl)}`)
  if (gw.bindMode === "loopback") out.push("Probe note: Loopback-only gateway; only local clients can connect.")
  out.push("")
  out.push(`CLI version: ${report.cli.version} (${h(report.cli.path)})`)
  if (gw.version !== null) out.push(`Gateway version: ${gw.version}`)
  if (gw.version !== null && gw.version !== report.cli.version) {
    err.push(`Warning: this OpenClaw command is version ${report.cli.version}, but the running Gateway is version ${gw.version}.`)
    err.push("Check `openclaw --version`, `which openclaw`, and `openclaw gateway status --deep`; if this mismatch is unexpected, update PATH so `openclaw` points to the version you want, or reinstall the Gateway service from that same OpenClaw install.")
  }
  out.push("")
  out.push(runtimeLine(report.runtime, service))
  const rpc = report.rpc
  if (rpc !== null) {
    const label = rpc.kind === "read" ? "Read probe" : "Connectivity probe"
    if (rpc.ok) out.push(`${label}: ok`)
    else {
      out.push(`${label}: failed`)
      err.push(`Probe target: ${rpc.url}`)
      if (rpc.error !== null) for (const line of rpc.error.split("\n").slice(0, 12)) err.push(`  ${line}`)
      if (rpc.authWarning !== null) err.push(`Probe auth: ${rpc.authWarning}`)
      if (report.runtime.status === "running") {
        // A gateway that already owns its port is not warming up: the probe's credentials or config are wrong.
        err.push(report.port.listening && !report.port.conflict
          ? "Gateway process is running and owns the gateway port, so this is not a warm-up delay. Check the probe credentials/config, or restart the gateway and inspect its logs if it stays unresponsive."
          : "Warm-up: launch agents can take a few seconds. Try again shortly.")
      }
    }
    out.push(`Capability: ${capabilityLabel(rpc.capability)}`)
  }
  for (const issue of service?.audit ?? []) {
    err.push(`Service config issue: ${issue.message}${issue.detail === undefined ? "" : ` (${issue.detail})`}`)
  }
  if ((service?.audit.length ?? 0) > 0) err.push("Recommendation: run \"openclaw doctor\" (or \"openclaw doctor --repair\").")
  if (service?.installed === true && service.runtime.status === "stopped" && service.loadedText !== "disabled" && service.loadedText !== "not loaded") {
    err.push("Service is loaded but not running (likely exited immediately).")
  }
  if (report.runtime.status === "running" && !report.port.listening) err.push(`Gateway port ${gw.port} is not listening (service appears running).`)
  if (report.port.conflict) {
    for (const owner of report.port.owners) err.push(`Port ${gw.port} is in use by pid ${owner.pid}: ${owner.command}`)
    err.push("Another process holds the gateway port: stop it, or pick another port with `openclaw config set gateway.port <port>`.")
  }
  if (report.lastError !== null && (report.runtime.status !== "running" || rpc?.ok === false)) err.push(`Last gateway error: ${report.lastError}`)
  if (!report.service.available && report.runtime.status !== "running") {
    out.push("")
    out.push("No supported service manager detected. Start the gateway in the foreground with `openclaw gateway run` (or under your own supervisor).")
  }
  if (options.deep) {
    const established = report.connections?.established ?? []
    if (established.length > 0) {
      out.push("")
      out.push(`Established clients: ${established.length}`)
      for (const connection of established.slice(0, 8)) {
        out.push(`  ${formatConnection({ pid: connection.pid ?? undefined, direction: connection.direction, address: connection.address, commandLine: connection.commandLine === null ? undefined : shortenHome(connection.commandLine, options.homeDir) })}`)
      }
      if (established.length > 8) out.push(`  ... ${established.length - 8} more connection(s)`)
      out.push("If logs show protocol mismatch after rollback, stop stale OpenClaw client processes listed here and re-run gateway status.")
    }
    if (report.clients !== null) {
      out.push("")
      out.push(`Gateway sessions: ${report.clients.length}`)
      for (const client of report.clients) {
        const c = client as { clientId?: string; mode?: string; version?: string; platform?: string; deviceId?: string }
        out.push(`- ${c.clientId ?? "?"} ${c.mode ?? ""} v${c.version ?? "?"} (${c.platform ?? "?"})${c.deviceId === undefined ? "" : ` device ${c.deviceId.slice(0, 12)}`}`)
      }
    }
    if (report.extraServices.length > 0) {
      out.push("")
      out.push("Other gateway-like services detected (best effort):")
      for (const extra of report.extraServices) out.push(`- ${extra.label} (${extra.scope}, ${extra.detail})`)
      out.push("Cleanup hint: most setups run one gateway per machine; disable the extra units, or isolate ports and state dirs for each.")
    }
  }
  out.push("")
  if (report.port.listening) out.push(`Listening: ${gw.bindHost}:${gw.port}`)
  out.push("Troubles: run openclaw status")
  out.push(`Troubleshooting: ${TROUBLESHOOTING_URL}`)
  return { out, err }
}
