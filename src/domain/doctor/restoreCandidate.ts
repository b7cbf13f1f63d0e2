import { Either } from "effect"
import { substituteEnv } from "../config/envSubstitution.js"
import { parseJson5 } from "../config/json5.js"
import { validateConfig } from "../config/validate.js"
import { findRedactedPlaceholder, gatewayModeOf } from "../WriteGuard.js"

/** A backup file offered for restore: `.last-good` (hash-checked) or the newest `.bak`. */
export interface RestoreCandidate {
  readonly source: "last-good" | "bak"
  readonly path: string
  readonly text: string
  /** For `.last-good`: whether its sha256 equals the recorded last-known-good hash. */
  readonly hashMatches: boolean
}

/**
 * Decides whether a candidate may replace a broken config (spec 4, "No automatic restore"): a
 * `.last-good` must match the recorded hash; every candidate must parse, hold no redacted
 * placeholder, keep `gateway.mode`, and pass current validation. Left is the reason it is refused.
 */
export const judgeRestoreCandidate = (
  candidate: RestoreCandidate,
  env: Readonly<Record<string, string | undefined>>
): Either.Either<unknown, string> => {
  if (candidate.source === "last-good" && !candidate.hashMatches) return Either.left(`${candidate.path}: hash does not match the recorded last-known-good`)
  const parsed = parseJson5(candidate.text)
  if (Either.isLeft(parsed)) return Either.left(`${candidate.path}: does not parse`)
  const placeholder = findRedactedPlaceholder(parsed.right)
  if (placeholder !== undefined) return Either.left(`${candidate.path}: redacted secret placeholder at ${placeholder}`)
  if (gatewayModeOf(parsed.right) === undefined) return Either.left(`${candidate.path}: gateway.mode is missing`)
  const valid = validateConfig(substituteEnv(parsed.right, env).value)
  if (Either.isLeft(valid)) return Either.left(`${candidate.path}: does not pass validation`)
  return Either.right(parsed.right)
}
