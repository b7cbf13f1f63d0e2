import { Either } from "effect"
import { ALL_CHECKS, type CheckSelection } from "./checks.js"
import { DoctorUsageError } from "./errors.js"
import type { Severity } from "./Finding.js"

/** The `openclaw doctor` flags as parsed from argv. */
export interface DoctorFlags {
  readonly fix: boolean
  readonly repair: boolean
  readonly yes: boolean
  readonly nonInteractive: boolean
  readonly json: boolean
  readonly lint: boolean
  readonly deep: boolean
  readonly generateGatewayToken: boolean
  /** `--force`: a service rewrite may overwrite custom (aggressive-level) supervisor edits. */
  readonly force: boolean
  /** `--no-workspace-suggestions` clears it; this version makes no workspace memory suggestions either way. */
  readonly workspaceSuggestions: boolean
  readonly severityMin: Severity | undefined
  readonly all: boolean
  readonly only: ReadonlyArray<string>
  readonly skip: ReadonlyArray<string>
}

/** Plain `openclaw doctor`: every flag off (embedders and tests spread their overrides onto it). */
export const PLAIN_DOCTOR_FLAGS: DoctorFlags = {
  fix: false,
  repair: false,
  yes: false,
  nonInteractive: false,
  json: false,
  lint: false,
  deep: false,
  generateGatewayToken: false,
  force: false,
  workspaceSuggestions: true,
  severityMin: undefined,
  all: false,
  only: [],
  skip: []
}

/** Which repairs a run may apply. Service lifecycle repairs additionally honour the repair policy. */
export interface RepairPlan {
  /** Clobbered-config recovery (prefix strip, last-known-good restore) and unknown-key removal. */
  readonly config: boolean
  /** Legacy key rewrite (a safe migration: also with `--non-interactive` alone). */
  readonly legacy: boolean
  /** Create the state dir, chmod 700/600, delete stale locks. */
  readonly files: boolean
  /** Generate `gateway.auth.token` when token mode has none. */
  readonly token: boolean
  /** Install, start or rewrite the gateway service (needs `--yes`: doctor never prompts). */
  readonly service: boolean
  /** A service rewrite may overwrite custom edits (audit issues of level `aggressive`): `--force`. */
  readonly overwriteCustomService: boolean
}

export const NO_REPAIRS: RepairPlan = { config: false, legacy: false, files: false, token: false, service: false, overwriteCustomService: false }

/** How doctor runs and reports: `inspect` (advisory), `repair`, `lint` (threshold exit) or `json` (advisory JSON). */
export type Posture = "inspect" | "repair" | "lint" | "json"

export interface DoctorRun {
  readonly posture: Posture
  readonly repairs: RepairPlan
  readonly selection: CheckSelection
  readonly severityMin: Severity
  readonly deep: boolean
}

const usage = (message: string) => Either.left(new DoctorUsageError({ message }))

/**
 * Turns flags into a run (spec 8): `--lint` and bare `--json` are read-only; `--fix`/`--repair`/`--yes`
 * apply non-service repairs; `--non-interactive` alone applies only safe migrations; lint selectors
 * need `--lint`; `--json` does not combine with repairs.
 */
export const planDoctorRun = (flags: DoctorFlags): Either.Either<DoctorRun, DoctorUsageError> => {
  const repairing = flags.fix || flags.repair || flags.yes
  if (!flags.lint && (flags.severityMin !== undefined || flags.all || flags.only.length > 0 || flags.skip.length > 0)) {
    return usage("--severity-min, --all, --only and --skip are only accepted together with --lint.")
  }
  if ((flags.lint || flags.json) && (repairing || flags.generateGatewayToken || flags.force)) {
    return usage(`${flags.lint ? "--lint" : "--json"} is read-only; it cannot be combined with --fix, --repair, --force, --yes or --generate-gateway-token.`)
  }
  const severityMin = flags.severityMin ?? "warning"
  if (flags.lint) {
    return Either.right({
      posture: "lint",
      repairs: NO_REPAIRS,
      selection: { profile: flags.all ? "all" : "default", only: flags.only, skip: flags.skip },
      severityMin,
      deep: flags.deep
    })
  }
  if (flags.json) {
    return Either.right({ posture: "json", repairs: NO_REPAIRS, selection: { profile: "default", only: [], skip: [] }, severityMin, deep: flags.deep })
  }
  const repairs: RepairPlan = {
    config: repairing,
    legacy: repairing || flags.nonInteractive,
    files: repairing,
    token: flags.generateGatewayToken || (flags.yes && !flags.nonInteractive),
    service: flags.yes && !flags.nonInteractive,
    overwriteCustomService: flags.force
  }
  const { overwriteCustomService: _permission, ...actions } = repairs
  const writes = Object.values(actions).some((allowed) => allowed)
  return Either.right({ posture: writes ? "repair" : "inspect", repairs, selection: ALL_CHECKS, severityMin, deep: flags.deep })
}
