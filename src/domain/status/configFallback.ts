import type { GatewayStatusReport } from "./gatewayStatus.js"

/**
 * What `status` and `gateway status` say when the config exists but cannot be used: the report goes on
 * with fallback values and names them, so a probe of the defaults is never mistaken for the configured gateway.
 */
export const configFallbackLines = (report: GatewayStatusReport, shownPath: string): ReadonlyArray<string> => {
  const cli = report.config.cli
  if (!cli.exists || cli.valid) return []
  return [
    `Config invalid: ${shownPath}; this report falls back to port ${report.gateway.port} (${report.gateway.portSource}), bind loopback, local mode and no credentials from the config (only --token/--password or OPENCLAW_GATEWAY_TOKEN/_PASSWORD).`,
    "Fix: openclaw doctor --fix  (or openclaw config validate to list the problems)"
  ]
}
