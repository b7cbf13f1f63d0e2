import { Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import { substituteEnv } from "../../domain/config/envSubstitution.js"
import { hasJson5Comments } from "../../domain/config/json5.js"
import { validateConfig } from "../../domain/config/validate.js"
import { setAtPath } from "../../domain/ConfigPath.js"
import { gatewayViewOf, isSecretRef, tokenState } from "../../domain/doctor/gatewayChecks.js"
import { planLegacyMigration } from "../../domain/doctor/legacyKeys.js"
import { TOKEN_CONFIGURED, TOKEN_SECRET_REF_SKIPPED } from "../../domain/doctor/messages.js"
import type { RepairPlan } from "../../domain/doctor/posture.js"
import { removeUnknownKeys } from "../../domain/doctor/unknownKeys.js"
import type { ConfigSnapshot } from "../../services/ConfigStore.js"
import { describeIssues } from "../ConfigStoreLive.js"
import type { DoctorDeps } from "./deps.js"

/** What the config rewrite did: applied changes, repairs it could not make, and notes. */
export interface ConfigRepairResult {
  readonly changes: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
  readonly notes: ReadonlyArray<string>
}

const EMPTY: ConfigRepairResult = { changes: [], problems: [], notes: [] }

/** A fresh gateway token: 24 random bytes as hex. */
export const randomGatewayToken = () => randomBytes(24).toString("hex")

/**
 * Builds the repaired config in memory (legacy rewrite, unknown-key removal, generated token) and
 * commits it with one OpenClaw-owned write: validation, write guard, `.bak` ring, atomic replace.
 * An unparseable file is left to the clobber recovery; nothing is written when nothing changed.
 */
export const repairConfig = (
  deps: DoctorDeps,
  snapshot: ConfigSnapshot,
  repairs: RepairPlan,
  newToken: () => string = randomGatewayToken
): Effect.Effect<ConfigRepairResult> =>
  Effect.gen(function*() {
    if (snapshot.parseError !== undefined || !(repairs.legacy || repairs.config || repairs.token)) return EMPTY
    const changes: Array<string> = []
    const problems: Array<string> = []
    const notes: Array<string> = []
    let draft: unknown = snapshot.exists ? snapshot.authored : {}
    if (repairs.legacy) {
      const plan = planLegacyMigration(draft)
      draft = plan.next
      for (const migration of plan.migrations) {
        if (migration.change === undefined) problems.push(`${migration.path}: ${migration.message}`)
        else changes.push(migration.change)
      }
    }
    if (repairs.config) {
      const issues = Either.match(validateConfig(substituteEnv(draft, deps.env).value), { onLeft: (issues) => issues, onRight: () => [] })
      const removal = removeUnknownKeys(draft, issues)
      draft = removal.next
      for (const removed of removal.removed) changes.push(`Removed unknown config key ${removed}.`)
    }
    if (repairs.token) {
      const view = gatewayViewOf(draft, deps.env)
      if (isSecretRef(view.token)) notes.push(TOKEN_SECRET_REF_SKIPPED)
      else if (tokenState(view, deps.env) === "missing") {
        draft = setAtPath(setAtPath(draft, ["gateway", "auth", "mode"], "token"), ["gateway", "auth", "token"], newToken())
        changes.push(TOKEN_CONFIGURED)
      }
    }
    if (changes.length === 0) return { changes, problems, notes }
    if (snapshot.text !== undefined && hasJson5Comments(snapshot.text)) {
      notes.push(`Config write will strip JSON5 comments from ${deps.store.path}; the previous file is kept as ${deps.store.path}.bak.`)
    }
    return yield* deps.store.write({ next: draft, baseHash: snapshot.hash }).pipe(
      Effect.as<ConfigRepairResult>({ changes, problems, notes }),
      Effect.catchTags({
        ConfigInvalid: (e) =>
          Effect.succeed<ConfigRepairResult>({
            changes: [],
            problems: [...problems, `Config repairs were not written: the config would still be invalid (${describeIssues(e.issues)}).`],
            notes
          }),
        ConfigWriteRejected: (e) => Effect.succeed<ConfigRepairResult>({ changes: [], problems: [...problems, `Config repairs were not written: ${e.message}`], notes }),
        ConfigWriteConflict: (e) => Effect.succeed<ConfigRepairResult>({ changes: [], problems: [...problems, `Config repairs were not written: ${e.message}`], notes }),
        ConfigWriteBlocked: (e) => Effect.succeed<ConfigRepairResult>({ changes: [], problems: [...problems, `Config repairs were not written: ${e.message}`], notes }),
        ConfigIoError: (e) => Effect.succeed<ConfigRepairResult>({ changes: [], problems: [...problems, `Config repairs were not written: ${e.message}`], notes })
      })
    )
  })
