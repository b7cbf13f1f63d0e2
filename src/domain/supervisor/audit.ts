import { commandPort, commandPortText, effectiveEnv, type InstalledDefinition, systemdPolicy } from "./definition.js"
import { DRIFT_ENV_KEYS } from "./environment.js"
import type { ServiceAuditIssue } from "./records.js"
import { nonEmpty } from "../text/nonEmpty.js"

/** What the current CLI expects the service to look like. */
export interface AuditExpectations {
  /** The gateway port the current config resolves to. */
  readonly port: number | undefined
  /** `gateway.auth.token` when it is a plain string. */
  readonly token: string | undefined
  /** The managed environment the current CLI would write (only the drift keys are compared). */
  readonly env: Readonly<Record<string, string>>
}

/** The stop budget the gateway needs to drain and clean up (the unit's own `TimeoutStopSec=30`). */
export const MIN_STOP_TIMEOUT_MS = 30_000

const issue = (code: string, message: string, detail?: string, level: ServiceAuditIssue["level"] = "recommended"): ServiceAuditIssue =>
  detail === undefined ? { code, message, level } : { code, message, detail, level }

const commandIssues = (definition: InstalledDefinition, expected: AuditExpectations): Array<ServiceAuditIssue> => {
  const args = definition.programArguments
  if (args === undefined || args.length === 0) return []
  const issues: Array<ServiceAuditIssue> = []
  if (!args.includes("gateway")) {
    issues.push(issue("gateway-command-missing", "Service command does not include the gateway subcommand.", undefined, "aggressive"))
  }
  const portText = commandPortText(args)
  if (expected.port !== undefined && portText !== undefined && portText !== "" && commandPort(args) !== expected.port) {
    issues.push(issue("gateway-port-mismatch", "Gateway service port does not match current gateway config.", `${commandPort(args) ?? portText} -> ${expected.port}`))
  }
  return issues
}

const secretIssues = (definition: InstalledDefinition, expected: AuditExpectations): Array<ServiceAuditIssue> => {
  const issues: Array<ServiceAuditIssue> = []
  const inlineToken = nonEmpty(definition.inlineEnv["OPENCLAW_GATEWAY_TOKEN"])
  const configToken = nonEmpty(expected.token)
  if (inlineToken !== undefined) {
    issues.push(issue("gateway-token-embedded", "Gateway service embeds OPENCLAW_GATEWAY_TOKEN in its definition and should be reinstalled."))
    if (configToken !== undefined && inlineToken !== configToken) {
      issues.push(issue("gateway-token-mismatch", "Gateway service OPENCLAW_GATEWAY_TOKEN does not match gateway.auth.token in openclaw.json.", "service token is stale"))
    }
  } else {
    const fileToken = nonEmpty(definition.fileEnv["OPENCLAW_GATEWAY_TOKEN"])
    if (fileToken !== undefined && configToken !== undefined && fileToken !== configToken) {
      issues.push(issue("gateway-token-drift", "Config token differs from service token. The daemon will use the old token after restart."))
    }
  }
  if (nonEmpty(definition.inlineEnv["OPENCLAW_GATEWAY_PASSWORD"]) !== undefined) {
    issues.push(issue(
      "gateway-password-embedded",
      "Gateway service embeds OPENCLAW_GATEWAY_PASSWORD and should be reinstalled.",
      "Rotate the password after reinstalling because the service definition exposed it."
    ))
  }
  return issues
}

/** Managed keys (profile, state dir, config path) whose service value differs from what the CLI would write. */
export const driftedEnvKeys = (definition: InstalledDefinition, expectedEnv: Readonly<Record<string, string>>): Array<string> => {
  const env = effectiveEnv(definition)
  return DRIFT_ENV_KEYS.filter((key) => (env[key] ?? "").trim() !== (expectedEnv[key] ?? "").trim())
}

const envIssues = (definition: InstalledDefinition, expected: AuditExpectations): Array<ServiceAuditIssue> => {
  const issues: Array<ServiceAuditIssue> = []
  const drifted = driftedEnvKeys(definition, expected.env)
  if (drifted.length > 0) {
    issues.push(issue(
      "gateway-env-drift",
      `Gateway service environment differs from this CLI for managed keys (${drifted.join(", ")}). The service uses different state; reinstall from the intended profile.`,
      `drifted keys: ${drifted.join(", ")}`
    ))
  }
  if (definition.platform !== "schtasks" && nonEmpty(effectiveEnv(definition)["PATH"]) === undefined) {
    issues.push(issue("gateway-path-missing", "Gateway service PATH is not set; the service should use a minimal PATH."))
  }
  return issues
}

const systemdIssues = (definition: InstalledDefinition): Array<ServiceAuditIssue> => {
  if (definition.platform !== "systemd" || definition.systemdDirectives === undefined) return []
  const policy = systemdPolicy(definition.systemdDirectives)
  const where = definition.path
  const issues: Array<ServiceAuditIssue> = []
  if (!policy.after.has("network-online.target")) issues.push(issue("systemd-after-network-online", "Missing systemd After=network-online.target", where))
  if (!policy.wants.has("network-online.target")) issues.push(issue("systemd-wants-network-online", "Missing systemd Wants=network-online.target", where))
  if (policy.restartSecMs === undefined || Math.abs(policy.restartSecMs - 5000) >= 10) {
    issues.push(issue("systemd-restart-sec", "RestartSec does not match the recommended 5s", where))
  }
  if (policy.killMode === "process" || policy.killMode === "none") {
    issues.push(issue(
      "systemd-kill-mode-process-or-none",
      "KillMode=process/none leaves gateway child processes running after stop; use KillMode=control-group.",
      `${where}: ${policy.killMode}`
    ))
  } else if (policy.killMode !== "control-group" && policy.killMode !== "mixed") {
    issues.push(issue("systemd-kill-mode-unknown", "KillMode is not a recognised value; use KillMode=control-group.", `${where}: ${policy.killMode}`))
  }
  if (policy.stopTimeoutMs < MIN_STOP_TIMEOUT_MS) {
    issues.push(issue(
      "systemd-stop-timeout",
      `TimeoutStopSec=${MIN_STOP_TIMEOUT_MS / 1000} or longer is required for the gateway drain and final cleanup.`,
      `${where}: ${policy.stopTimeoutMs / 1000}s`
    ))
  }
  return issues
}

const launchdIssues = (definition: InstalledDefinition): Array<ServiceAuditIssue> => {
  if (definition.platform !== "launchd" || definition.launchd === undefined) return []
  const issues: Array<ServiceAuditIssue> = []
  if (!definition.launchd.runAtLoad) issues.push(issue("launchd-run-at-load", "LaunchAgent is missing RunAtLoad=true", definition.path))
  if (!definition.launchd.keepAlive) issues.push(issue("launchd-keep-alive", "LaunchAgent is missing KeepAlive=true", definition.path))
  return issues
}

/**
 * The service audit (spec 7): what in the installed definition differs from what this CLI would
 * install or from the current config. Pure; an unreadable definition yields no command findings.
 */
export const auditService = (definition: InstalledDefinition, expected: AuditExpectations): Array<ServiceAuditIssue> => [
  ...commandIssues(definition, expected),
  ...secretIssues(definition, expected),
  ...envIssues(definition, expected),
  ...systemdIssues(definition),
  ...launchdIssues(definition)
]
