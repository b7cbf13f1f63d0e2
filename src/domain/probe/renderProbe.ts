import { capabilityLabel, type ProbeReport, type TargetReport } from "./report.js"

const readProbe = (t: TargetReport) => {
  if (t.connect.rpcOk) return "ok"
  if (t.connect.scopeLimited) return "limited - missing scope: operator.read"
  return "failed"
}

const targetLine = (t: TargetReport) => {
  if (!t.connect.ok) {
    const why = t.connect.error ?? "unreachable"
    return t.auth.capability === "pairing_pending" ? `  Connect: pairing required · Capability: pairing-pending · ${why}` : `  Connect: failed - ${why}`
  }
  return `  Connect: ok (${t.connect.latencyMs ?? 0}ms) · Capability: ${capabilityLabel(t.auth.capability)} · Read probe: ${readProbe(t)}`
}

/** The human `gateway probe` (the original's layout), then what to run next when nothing answered. */
export const renderProbe = (report: ProbeReport): ReadonlyArray<string> => {
  const lines = [
    "Gateway Status",
    `Reachable: ${report.ok ? "yes" : "no"}`,
    `Capability: ${capabilityLabel(report.capability)}`,
    `Probe budget: ${report.timeoutMs}ms`
  ]
  if (report.warnings.length > 0) {
    lines.push("", "Warning:")
    for (const warning of report.warnings) lines.push(`- ${warning.message}`)
  }
  lines.push("", "Targets")
  for (const target of report.targets) {
    lines.push(`${target.label} ${target.url}${target.tunnel === null ? "" : ` (ssh ${target.tunnel.target})`}`)
    lines.push(targetLine(target))
    if (target.server.version !== null) lines.push(`  Gateway version: ${target.server.version}`)
  }
  if (!report.ok) {
    lines.push("", "Next: start the gateway with `openclaw gateway run` (or `openclaw gateway start` when installed as a service), then `openclaw gateway status`")
  } else if (report.capability === "pairing_pending") {
    lines.push("", "Next: approve this device on the gateway host with `openclaw devices approve --latest`")
  }
  return lines
}
