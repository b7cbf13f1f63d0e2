/** The doctor checks Clawgate runs: stable ids, what each inspects and whether lint runs it by default. */

export const CheckId = {
  configValidation: "core/doctor/final-config-validation",
  legacyConfig: "core/doctor/legacy-config",
  configVersion: "core/doctor/config-version",
  gatewayConfig: "core/doctor/gateway-config",
  gatewayAuth: "core/doctor/gateway-auth",
  stateIntegrity: "core/doctor/state-integrity",
  gatewayLocks: "core/doctor/gateway-locks",
  gatewayDaemon: "core/doctor/gateway-daemon",
  extraServices: "core/doctor/gateway-services/extra",
  gatewayPort: "core/doctor/gateway-port"
} as const
export type CheckId = (typeof CheckId)[keyof typeof CheckId]

/** What a check looks at, and what `--fix` can do about it. */
export interface CheckDescription {
  readonly id: CheckId
  /** One line: what the check inspects. */
  readonly inspects: string
  /** What `doctor --fix` (or another flag) repairs; undefined when the check is diagnostic only. */
  readonly repair?: string
  /**
   * Part of the default `doctor --lint` / `doctor --json` profile. Live-service and environment checks
   * are opt-in there (`--all`, `--only`) but always run in plain `doctor` and `doctor --fix`.
   */
  readonly defaultEnabled: boolean
}

/** Every check, in the order doctor runs and prints them. */
export const CHECKS: ReadonlyArray<CheckDescription> = [
  {
    id: CheckId.configValidation,
    inspects: "openclaw.json parses and conforms to the config schema.",
    repair: "strip a non-JSON prefix, else restore last-known-good (broken file kept as .clobbered.*); drop unknown keys",
    defaultEnabled: true
  },
  {
    id: CheckId.legacyConfig,
    inspects: "No retired config keys remain (gateway.token, reload hot/restart, consoleStyle compact, ...).",
    repair: "rewrite legacy keys through the config write path",
    defaultEnabled: true
  },
  {
    id: CheckId.configVersion,
    inspects: "openclaw.json was not last written by a newer OpenClaw.",
    defaultEnabled: true
  },
  {
    id: CheckId.gatewayConfig,
    inspects: "gateway.mode is set and gateway auth mode is unambiguous.",
    defaultEnabled: true
  },
  {
    id: CheckId.gatewayAuth,
    inspects: "Local gateway token auth has a usable token.",
    repair: "--generate-gateway-token writes a random gateway.auth.token (never over a SecretRef)",
    defaultEnabled: true
  },
  {
    id: CheckId.stateIntegrity,
    inspects: "State directory exists, is writable, persistent and private; config file is 0600.",
    repair: "create the state directory; chmod 700 / chmod 600",
    defaultEnabled: true
  },
  {
    id: CheckId.gatewayLocks,
    inspects: "No gateway or config lock is left behind by a dead process.",
    repair: "delete stale locks",
    defaultEnabled: true
  },
  {
    id: CheckId.gatewayDaemon,
    inspects: "Gateway service is installed, running, matches this config and passes the supervisor audit.",
    repair: "with --yes: install or start the service",
    defaultEnabled: false
  },
  {
    id: CheckId.extraServices,
    inspects: "No other gateway-like services are installed (--deep also scans system units).",
    defaultEnabled: false
  },
  {
    id: CheckId.gatewayPort,
    inspects: "The gateway port is free or held by a gateway that answers.",
    // A local connect and one /healthz request: cheap, and a taken port blocks every start.
    defaultEnabled: true
  }
]

const KNOWN = new Set<string>(CHECKS.map((check) => check.id))

/** Which checks a run should execute. */
export interface CheckSelection {
  /** `default` is the lint profile; `all` runs every registered check. */
  readonly profile: "default" | "all"
  readonly only: ReadonlyArray<string>
  readonly skip: ReadonlyArray<string>
}

export const ALL_CHECKS: CheckSelection = { profile: "all", only: [], skip: [] }
export const DEFAULT_CHECKS: CheckSelection = { profile: "default", only: [], skip: [] }

export interface SelectedChecks {
  readonly selected: ReadonlyArray<CheckDescription>
  /** Registered checks left out by the profile, `--only` or `--skip`. */
  readonly notSelected: ReadonlyArray<CheckId>
  /** `--only`/`--skip` ids that name no registered check. */
  readonly unknown: ReadonlyArray<string>
}

/** Applies the profile, then `--only` (any registered id, even opt-in ones), then `--skip`. */
export const selectChecks = (selection: CheckSelection): SelectedChecks => {
  const only = new Set(selection.only)
  const skip = new Set(selection.skip)
  const picked = (check: CheckDescription) => {
    if (skip.has(check.id)) return false
    if (only.size > 0) return only.has(check.id)
    return selection.profile === "all" || check.defaultEnabled
  }
  const unknown = [...new Set([...selection.only, ...selection.skip])].filter((id) => !KNOWN.has(id))
  return {
    selected: CHECKS.filter(picked),
    notSelected: CHECKS.filter((check) => !picked(check)).map((check) => check.id),
    unknown
  }
}

/** The finding for an `--only`/`--skip` id that names no check. */
export const unknownCheckMessage = (id: string) => `Unknown doctor check id: ${id}`
