import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import { type CheckDescription, CheckId } from "../../domain/doctor/checks.js"
import { configValidationFindings, configVersionFindings, legacyConfigFindings } from "../../domain/doctor/configChecks.js"
import type { Finding } from "../../domain/doctor/Finding.js"
import { gatewayAuthFindings, gatewayClientFindings, gatewayConfigFindings, gatewayPortFindings, gatewayViewOf } from "../../domain/doctor/gatewayChecks.js"
import type { CheckOutcome } from "../../domain/doctor/report.js"
import {
  extraServiceFindings,
  gatewayDaemonFindings,
  serviceLifecycleOf,
  serviceManagerUnavailableFinding,
  serviceRepairPolicyOf,
  systemGatewayUnits
} from "../../domain/doctor/serviceChecks.js"
import { lockFindings, stateIntegrityFindings } from "../../domain/doctor/stateChecks.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import type { ConfigSnapshot } from "../../services/ConfigStore.js"
import type { ServiceManager, ServiceManagerUnavailable } from "../../services/ServiceManager.js"
import type { DoctorDeps } from "./deps.js"
import { gatewayClientConnections } from "../gateway/processInfo.js"
import { probePort } from "./portProbe.js"
import { lastGoodGatewayMode } from "./modeRepair.js"
import { gatherLocks, gatherStateFacts, toMillis } from "./stateFacts.js"

const ran = (id: CheckId, findings: ReadonlyArray<Finding>): CheckOutcome => ({ id, status: "ran", findings })

/** A skipped service check still says why, as an info finding. */
const skipped = (id: CheckId, reason: string): CheckOutcome => ({ id, status: "skipped", reason, findings: [serviceManagerUnavailableFinding(id, reason)] })

/** The configured gateway port, as `gateway run` would resolve it (flag aside). */
export const configuredPort = (deps: DoctorDeps, authored: unknown) =>
  resolveGatewayPort({ env: deps.env, configPort: gatewayViewOf(authored ?? {}, deps.env).port, dev: deps.paths.dev }).port

const withServices = (
  deps: DoctorDeps,
  id: CheckId,
  use: (services: ServiceManager["Type"]) => Effect.Effect<ReadonlyArray<Finding>, ServiceManagerUnavailable>
): Effect.Effect<CheckOutcome> =>
  Option.match(deps.services, {
    onNone: () => Effect.succeed(skipped(id, "no service manager is available in this build")),
    onSome: (services) =>
      use(services).pipe(
        Effect.map((findings) => ran(id, findings)),
        Effect.catchTag("ServiceManagerUnavailable", (error) => Effect.succeed(skipped(id, error.message)))
      )
  })

/** Runs one check against the current state (after any repairs) and returns its outcome. */
export const runCheck = (deps: DoctorDeps, check: CheckDescription, snapshot: ConfigSnapshot, deep: boolean): Effect.Effect<CheckOutcome> => {
  const view = gatewayViewOf(snapshot.authored ?? {}, deps.env)
  switch (check.id) {
    case CheckId.configValidation:
      return Effect.succeed(ran(check.id, configValidationFindings(snapshot, deps.env)))
    case CheckId.legacyConfig:
      return Effect.succeed(ran(check.id, legacyConfigFindings(snapshot)))
    case CheckId.configVersion:
      return Effect.succeed(ran(check.id, configVersionFindings(snapshot, VERSION)))
    case CheckId.gatewayConfig:
      return view.mode !== undefined
        ? Effect.succeed(ran(check.id, gatewayConfigFindings(view)))
        : Effect.map(lastGoodGatewayMode(deps), (restorable) => ran(check.id, gatewayConfigFindings(view, restorable)))
    case CheckId.gatewayAuth:
      return Effect.map(deps.inContainer, (inContainer) => ran(check.id, gatewayAuthFindings(view, deps.env, inContainer)))
    case CheckId.stateIntegrity:
      return Effect.map(gatherStateFacts(deps.fs, deps.paths.stateDir, deps.store.path), (facts) => ran(check.id, stateIntegrityFindings(facts)))
    case CheckId.gatewayLocks:
      return Effect.map(gatherLocks(deps.fs, deps.paths.stateDir, deps.store.path), (locks) => ran(check.id, lockFindings(locks, toMillis(deps.policy.malformedLockAge))))
    case CheckId.gatewayDaemon:
      return withServices(deps, check.id, (services) =>
        Effect.gen(function*() {
          const status = yield* services.status
          // A missing user service may be a deliberate system unit: look before suggesting an install.
          const systemUnits = serviceLifecycleOf(status) === "not-installed" ? systemGatewayUnits(status, yield* services.extraServices(true)) : []
          return gatewayDaemonFindings({ status, policy: serviceRepairPolicyOf(deps.env), cliConfigPath: deps.store.path, systemUnits })
        }))
    case CheckId.extraServices:
      return withServices(deps, check.id, (services) => Effect.map(services.extraServices(deep), extraServiceFindings))
    case CheckId.gatewayPort: {
      if (view.mode === "remote") return Effect.succeed(ran(check.id, []))
      const host = view.bind === "custom" && view.customBindHost !== undefined ? view.customBindHost : "127.0.0.1"
      const port = configuredPort(deps, snapshot.authored)
      return Effect.gen(function*() {
        const probe = yield* probePort(host, port, deps.policy.probeTimeout)
        const clients = deep ? (yield* gatewayClientConnections(port)).filter((c) => c.pid !== process.pid) : []
        return ran(check.id, [...gatewayPortFindings(probe), ...(deep ? gatewayClientFindings(port, clients) : [])])
      }).pipe(Effect.provideService(FileSystem.FileSystem, deps.fs))
    }
  }
}
