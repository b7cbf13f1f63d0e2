import { Effect } from "effect"
import { setAtPath } from "../../domain/ConfigPath.js"
import { restorableGatewayMode } from "../../domain/doctor/modeRestore.js"
import { gatewayModeOf } from "../../domain/WriteGuard.js"
import type { ConfigSnapshot } from "../../services/ConfigStore.js"
import { restoreCandidates } from "./clobberRepair.js"
import type { ConfigRepairResult } from "./configRepair.js"
import type { DoctorDeps } from "./deps.js"

/** The `gateway.mode` a restorable backup holds; an unreadable backup counts as none. */
export const lastGoodGatewayMode = (deps: DoctorDeps) =>
  restoreCandidates(deps).pipe(
    Effect.map((candidates) => restorableGatewayMode(candidates, deps.env)),
    Effect.orElseSucceed(() => undefined)
  )

const notWritten = (message: string): ConfigRepairResult => ({ changes: [], problems: [`gateway.mode was not restored: ${message}`], notes: [] })

/**
 * `doctor --fix` on a valid config that lost `gateway.mode`: puts back the mode the last-known-good
 * copy has, through the guarded write path, keeping every other edit. Without such a copy nothing is
 * written; the gateway-config finding then names the command that sets it.
 */
export const restoreGatewayMode = (deps: DoctorDeps, snapshot: ConfigSnapshot): Effect.Effect<ConfigRepairResult> =>
  Effect.gen(function*() {
    if (!snapshot.exists || snapshot.config === undefined || gatewayModeOf(snapshot.authored) !== undefined) return { changes: [], problems: [], notes: [] }
    const restorable = yield* lastGoodGatewayMode(deps)
    if (restorable === undefined) return { changes: [], problems: [], notes: [] }
    return yield* deps.store.write({ next: setAtPath(snapshot.authored, ["gateway", "mode"], restorable.mode), baseHash: snapshot.hash }).pipe(
      Effect.as<ConfigRepairResult>({ changes: [`Restored gateway.mode=${restorable.mode} from last-known-good (${restorable.path}).`], problems: [], notes: [] }),
      Effect.catchTags({
        ConfigInvalid: (e) => Effect.succeed(notWritten(e.message)),
        ConfigWriteRejected: (e) => Effect.succeed(notWritten(e.message)),
        ConfigWriteConflict: (e) => Effect.succeed(notWritten(e.message)),
        ConfigWriteBlocked: (e) => Effect.succeed(notWritten(e.message)),
        ConfigIoError: (e) => Effect.succeed(notWritten(e.message))
      })
    )
  })
