import type { ExtraService, ServiceStatus } from "../supervisor/records.js"
import { CheckId } from "./checks.js"
import type { Finding } from "./Finding.js"
import { SERVICE_EXTERNAL } from "./messages.js"

/** `OPENCLAW_SERVICE_REPAIR_POLICY`: `external` keeps doctor diagnostic for the service lifecycle. */
export type ServiceRepairPolicy = "auto" | "external"

export const serviceRepairPolicyOf = (env: Readonly<Record<string, string | undefined>>): ServiceRepairPolicy =>
  env["OPENCLAW_SERVICE_REPAIR_POLICY"]?.trim().toLowerCase() === "external" ? "external" : "auto"

/** The finding emitted when the service manager cannot be used on this host; the service checks are skipped. */
export const serviceManagerUnavailableFinding = (checkId: string, detail: string): Finding => ({
  checkId,
  severity: "info",
  message: `Gateway service manager unavailable (${detail}); service checks skipped.`
})

/** What the service lifecycle needs: nothing, an install, or a start. */
export type ServiceLifecycle = "ok" | "not-installed" | "stopped"

export const serviceLifecycleOf = (status: ServiceStatus): ServiceLifecycle =>
  !status.installed ? "not-installed" : status.runtime.status === "stopped" ? "stopped" : "ok"

/** System-scope units that are an OpenClaw gateway: only systemd has a user/system split worth guarding. */
export const systemGatewayUnits = (status: ServiceStatus, extra: ReadonlyArray<ExtraService>): ReadonlyArray<ExtraService> =>
  status.platform === "systemd" ? extra.filter((service) => service.scope === "system" && /openclaw-gateway/i.test(service.label)) : []

/** Why doctor will not install the user service next to a system-level one (the original's two sentences). */
export const systemUnitBlocksInstall = (units: ReadonlyArray<ExtraService>) =>
  `System-level OpenClaw gateway service detected while the user gateway service is not installed (${units.map((u) => u.label).join(", ")}). OpenClaw will not install a second user-level gateway service automatically.`

/** `core/doctor/gateway-daemon`: installed, running, same config path, supervisor audit clean. */
export const gatewayDaemonFindings = (input: {
  readonly status: ServiceStatus
  readonly policy: ServiceRepairPolicy
  readonly cliConfigPath: string
  /** System-level gateway units (see systemGatewayUnits); only consulted when the user service is missing. */
  readonly systemUnits?: ReadonlyArray<ExtraService> | undefined
}): ReadonlyArray<Finding> => {
  const { status, policy } = input
  const findings: Array<Finding> = []
  const external = policy === "external"
  const lifecycle = serviceLifecycleOf(status)
  const systemUnits = input.systemUnits ?? []
  if (lifecycle === "not-installed" && systemUnits.length > 0 && !external) {
    const unit = systemUnits[0]?.label ?? "openclaw-gateway.service"
    findings.push({
      checkId: CheckId.gatewayDaemon,
      severity: "warning",
      message: systemUnitBlocksInstall(systemUnits),
      fixHint: `Inspect it with \`systemctl status ${unit}\`; remove or disable the duplicate before \`openclaw gateway install\`, or set OPENCLAW_SERVICE_REPAIR_POLICY=external if the system unit is the intended supervisor.`
    })
  } else if (lifecycle === "not-installed") {
    findings.push({
      checkId: CheckId.gatewayDaemon,
      severity: "warning",
      message: `Gateway service not installed (${status.label} ${status.identity}).`,
      path: status.definitionPath,
      ...(external ? {} : { fixHint: "Run `openclaw gateway install` (or `openclaw doctor --yes` to install it now)." })
    })
  } else if (lifecycle === "stopped") {
    const exit = status.runtime.lastExitStatus === undefined ? "" : ` (last exit ${status.runtime.lastExitStatus})`
    const detail = status.runtime.detail === undefined ? "" : ` Last gateway error: ${status.runtime.detail}`
    findings.push({
      checkId: CheckId.gatewayDaemon,
      severity: "warning",
      message: `Gateway service is installed but not running${exit}.${detail}`,
      path: status.definitionPath,
      ...(external ? {} : { fixHint: "Run `openclaw gateway start` (or `openclaw doctor --yes` to start it now), then `openclaw gateway status`." })
    })
  }
  if (external && lifecycle !== "ok") findings.push({ checkId: CheckId.gatewayDaemon, severity: "info", message: SERVICE_EXTERNAL })
  if (status.installed && status.configPath !== undefined && status.configPath !== input.cliConfigPath) {
    findings.push({
      checkId: CheckId.gatewayDaemon,
      severity: "warning",
      message: `Root cause: CLI and service are using different config paths (likely a profile/state-dir mismatch). CLI: ${input.cliConfigPath}; service: ${status.configPath}.`,
      path: status.definitionPath,
      fixHint: "Rerun `openclaw gateway install --force` from the same --profile / OPENCLAW_STATE_DIR you expect."
    })
  }
  for (const issue of status.audit) {
    findings.push({
      checkId: CheckId.gatewayDaemon,
      severity: issue.level === "recommended" ? "warning" : "info",
      message: `Service config issue: ${issue.message}${issue.detail === undefined ? "" : ` (${issue.detail})`} [${issue.code}]`,
      path: status.definitionPath,
      fixHint: "Run `openclaw gateway install --force` to rewrite the service definition, then `openclaw gateway restart`."
    })
  }
  return findings
}

/** `core/doctor/gateway-services/extra`: other gateway-like services (legacy ones are warnings). */
export const extraServiceFindings = (services: ReadonlyArray<ExtraService>): ReadonlyArray<Finding> =>
  services.map((service): Finding => ({
    checkId: CheckId.extraServices,
    severity: service.legacy ? "warning" : "info",
    message: `Other gateway-like service detected: ${service.label} (${service.scope}, ${service.detail})`,
    fixHint: service.legacy
      ? `Cleanup hint: remove the legacy service ${service.label} (stop and disable it with its supervisor), keeping one gateway per machine.`
      : "Run a single gateway per machine unless this extra gateway is intentional."
  }))
