import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Layer } from "effect"
import { substituteEnv } from "../../domain/config/envSubstitution.js"
import { validateConfig } from "../../domain/config/validate.js"
import { selectChecks, unknownCheckMessage } from "../../domain/doctor/checks.js"
import { issuesAfterLegacy } from "../../domain/doctor/configChecks.js"
import { DoctorConfigUnrecoverable } from "../../domain/doctor/errors.js"
import type { Finding } from "../../domain/doctor/Finding.js"
import { planLegacyMigration } from "../../domain/doctor/legacyKeys.js"
import { BEST_EFFORT_CONFIG, NIX_MODE_REPAIRS_DISABLED, unrecoverableConfig } from "../../domain/doctor/messages.js"
import { NO_REPAIRS, type DoctorRun } from "../../domain/doctor/posture.js"
import type { DoctorReport } from "../../domain/doctor/report.js"
import { removeUnknownKeys } from "../../domain/doctor/unknownKeys.js"
import { ConfigPolicy } from "../../services/ConfigPolicy.js"
import { type ConfigSnapshot, ConfigStore } from "../../services/ConfigStore.js"
import { Doctor } from "../../services/Doctor.js"
import { DoctorPolicy } from "../../services/DoctorPolicy.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { ServiceManager } from "../../services/ServiceManager.js"
import { StateFiles } from "../../services/StateFiles.js"
import { recoverBrokenConfig } from "./clobberRepair.js"
import { repairConfig } from "./configRepair.js"
import type { DoctorDeps } from "./deps.js"
import { ensureStateDir, repairFiles } from "./fileRepairs.js"
import { configuredPort, runCheck } from "./runChecks.js"
import { repairService } from "./serviceRepair.js"
import { restoreGatewayMode } from "./modeRepair.js"

const isBroken = (snapshot: ConfigSnapshot) => snapshot.exists && (snapshot.parseError !== undefined || snapshot.config === undefined)

/** True when the legacy rewrite plus unknown-key removal would make the parsed config valid (no restore needed). */
const repairableInPlace = (snapshot: ConfigSnapshot, env: DoctorDeps["env"]) => {
  if (snapshot.parseError !== undefined) return false
  const migrated = planLegacyMigration(snapshot.authored).next
  const issues = Either.match(validateConfig(substituteEnv(migrated, env).value), { onLeft: (issues) => issues, onRight: () => [] })
  return Either.isRight(validateConfig(substituteEnv(removeUnknownKeys(migrated, issues).next, env).value))
}

/**
 * The doctor on the real host: repairs first (when the run allows them), then every selected check
 * against what is on disk afterwards. The ServiceManager is optional: without one the service checks
 * report that they were skipped.
 */
export const DoctorLive = Layer.effect(
  Doctor,
  Effect.gen(function*() {
    const host = yield* Host
    const deps: DoctorDeps = {
      store: yield* ConfigStore,
      paths: yield* Paths,
      env: host.env,
      inContainer: host.inContainer,
      configPolicy: yield* ConfigPolicy,
      policy: yield* DoctorPolicy,
      fs: yield* FileSystem.FileSystem,
      stateFiles: yield* StateFiles,
      services: yield* Effect.serviceOption(ServiceManager)
    }
    const { store } = deps

    const run = Effect.fn("Doctor.run")(function*(plan: DoctorRun) {
      const changes: Array<string> = []
      const problems: Array<string> = []
      const notes: Array<string> = []
      const add = (result: { readonly changes: ReadonlyArray<string>; readonly problems: ReadonlyArray<string>; readonly notes?: ReadonlyArray<string> }) => {
        changes.push(...result.changes)
        problems.push(...result.problems)
        notes.push(...(result.notes ?? []))
      }
      const wantsWrites = Object.values(plan.repairs).some((allowed) => allowed)
      const nixMode = deps.env["OPENCLAW_NIX_MODE"] === "1"
      const repairs = nixMode ? NO_REPAIRS : plan.repairs
      if (nixMode && wantsWrites) notes.push(NIX_MODE_REPAIRS_DISABLED)

      if (repairs.files) add(yield* ensureStateDir(deps))
      let snapshot = yield* store.read
      if (repairs.config && isBroken(snapshot) && !repairableInPlace(snapshot, deps.env)) {
        const recovery = yield* recoverBrokenConfig(deps, snapshot)
        switch (recovery._tag) {
          case "Recovered":
            changes.push(recovery.change)
            notes.push(...recovery.notes, `Broken config kept as ${recovery.clobberedPath}.`)
            snapshot = yield* store.read
            break
          case "Conflict":
            problems.push(recovery.message)
            break
          case "NotRecovered":
            if (snapshot.parseError !== undefined) {
              return yield* new DoctorConfigUnrecoverable({ message: unrecoverableConfig(store.path), path: store.path })
            }
            problems.push(`Config could not be restored from a backup: ${recovery.reasons.join("; ")}.`)
        }
      }
      const rewrite = yield* repairConfig(deps, snapshot, repairs)
      add(rewrite)
      if (rewrite.changes.length > 0) snapshot = yield* store.read
      if (repairs.config) {
        const mode = yield* restoreGatewayMode(deps, snapshot)
        add(mode)
        if (mode.changes.length > 0) snapshot = yield* store.read
      }
      if (repairs.files) add(yield* repairFiles(deps))
      if (repairs.service) add(yield* repairService(deps, configuredPort(deps, snapshot.authored), repairs.overwriteCustomService))

      for (const warning of snapshot.warnings) if (!warning.startsWith("Config was last written by a newer OpenClaw")) notes.push(warning)
      if (snapshot.exists && (snapshot.parseError !== undefined || issuesAfterLegacy(snapshot, deps.env).length > 0)) notes.push(BEST_EFFORT_CONFIG)

      const selection = selectChecks(plan.selection)
      const outcomes = yield* Effect.forEach(selection.selected, (check) => runCheck(deps, check, snapshot, plan.deep))
      const selectionFindings = selection.unknown.map((id): Finding => ({ checkId: id, severity: "error", message: unknownCheckMessage(id) }))
      return { configPath: store.path, outcomes, notSelected: selection.notSelected, selectionFindings, notes, changes, problems } satisfies DoctorReport
    })

    return { run }
  })
)
