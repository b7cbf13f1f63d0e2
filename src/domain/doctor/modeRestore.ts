import { Either } from "effect"
import { gatewayModeOf } from "../WriteGuard.js"
import { judgeRestoreCandidate, type RestoreCandidate } from "./restoreCandidate.js"

/** A `gateway.mode` that a restorable backup still holds, and which backup. */
export interface RestorableMode {
  readonly mode: string
  readonly path: string
}

/**
 * The `gateway.mode` of the first backup doctor may restore from (`.last-good` matching its recorded
 * hash, then `.bak`; each must parse, validate and keep the mode): what `doctor --fix` puts back.
 */
export const restorableGatewayMode = (
  candidates: ReadonlyArray<RestoreCandidate>,
  env: Readonly<Record<string, string | undefined>>
): RestorableMode | undefined => {
  for (const candidate of candidates) {
    const judged = judgeRestoreCandidate(candidate, env)
    const mode = Either.isRight(judged) ? gatewayModeOf(judged.right) : undefined
    if (mode !== undefined) return { mode, path: candidate.path }
  }
  return undefined
}

/** The fix hint for a missing `gateway.mode`: restore it when a backup has it, else exactly what to run. */
export const gatewayModeFix = (restorable: RestorableMode | undefined) =>
  restorable === undefined
    ? "Run `openclaw config set gateway.mode local` (or `openclaw onboard --mode local`); no last-known-good copy holds a gateway.mode to restore."
    : `Run \`openclaw doctor --fix\` to restore gateway.mode=${restorable.mode} from the last-known-good copy (${restorable.path}), or set it yourself with \`openclaw config set gateway.mode local\`.`
