import { Effect, Option } from "effect"
import { serviceLifecycleOf, serviceRepairPolicyOf, systemGatewayUnits, systemUnitBlocksInstall } from "../../domain/doctor/serviceChecks.js"
import type { DoctorDeps } from "./deps.js"

/** What the service lifecycle repair did. */
export interface ServiceRepairResult {
  readonly changes: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
}

const NOTHING: ServiceRepairResult = { changes: [], problems: [] }

const failed = (verb: string, message: string): ServiceRepairResult => ({ changes: [], problems: [`Gateway service ${verb} failed: ${message}`] })

/** The original's note when only `--force` may overwrite what the audit found. */
export const CUSTOM_SERVICE_EDITS = "Custom or unexpected service edits detected. Rerun with --force to overwrite."

/**
 * With `--yes` (doctor never prompts): installs a missing gateway service, rewrites one whose definition
 * the audit faults (custom edits only with `--force`; never under an active systemd unit), or starts a stopped one.
 * Skipped under `OPENCLAW_SERVICE_REPAIR_POLICY=external` and for isolated (non-canonical) state; the
 * ServiceManager runs the version guard before any mutation.
 */
export const repairService = (deps: DoctorDeps, port: number, overwriteCustom: boolean): Effect.Effect<ServiceRepairResult> =>
  Effect.gen(function*() {
    if (serviceRepairPolicyOf(deps.env) === "external") return NOTHING
    if (Option.isNone(deps.services)) return { changes: [], problems: ["Gateway service repair skipped: no service manager is available in this build."] }
    const services = deps.services.value
    const status = yield* services.status.pipe(Effect.either)
    if (status._tag === "Left") return { changes: [], problems: [`Gateway service repair skipped: ${status.left.message}`] }
    const lifecycle = serviceLifecycleOf(status.right)
    const issues = status.right.installed ? status.right.audit : []
    if (lifecycle === "ok" && issues.length === 0) return NOTHING
    if (!deps.paths.canonical) {
      return {
        changes: [],
        problems: [`Gateway service repair skipped: ${deps.paths.stateDir} is isolated state; only the canonical ~/.openclaw install may change the host service.`]
      }
    }
    if (lifecycle === "not-installed") {
      const systemUnits = systemGatewayUnits(status.right, yield* services.extraServices(true))
      if (systemUnits.length > 0) return { changes: [], problems: [`Gateway service install skipped: ${systemUnitBlocksInstall(systemUnits)}`] }
    }
    if (issues.length > 0) {
      if (issues.some((issue) => issue.level === "aggressive") && !overwriteCustom) return { changes: [], problems: [CUSTOM_SERVICE_EDITS] }
      if (status.right.platform === "systemd" && status.right.runtime.status === "running") {
        return {
          changes: [],
          problems: [`Gateway service config differs from the recommended defaults (${issues.map((i) => i.code).join(", ")}); supervisor metadata unchanged while the unit is active. Stop it (openclaw gateway stop) and rerun doctor, or run openclaw gateway install --force.`]
        }
      }
    }
    const action = lifecycle === "not-installed" ? services.install({ force: false, port }) : issues.length > 0 ? services.install({ force: true, port }) : services.start
    const verb = lifecycle === "not-installed" ? "install" : issues.length > 0 ? "rewrite" : "start"
    return yield* action.pipe(
      Effect.map((result): ServiceRepairResult => ({ changes: [`Gateway service ${verb}: ${result.message}`], problems: [] })),
      Effect.catchTags({
        ServiceManagerUnavailable: (error) => Effect.succeed(failed(verb, error.message)),
        ServiceActionFailed: (error) => Effect.succeed(failed(verb, `${error.message}${error.hint === undefined ? "" : ` (${error.hint})`}`)),
        VersionGuardBlocked: (error) => Effect.succeed(failed(verb, error.message))
      })
    )
  })
