import { Schema } from "effect"
import { opt } from "../opt.js"
import { parseDurationMs } from "./duration.js"

/** Dynamic cadence bounds (`15m`, `4h`): a run may propose its next check within them. */
export const CronPacing = Schema.Struct({ min: opt(Schema.String), max: opt(Schema.String) })
export type CronPacing = typeof CronPacing.Type

const boundMs = (text: string | undefined) => (text === undefined ? undefined : parseDurationMs(text))

/** Why pacing bounds are unusable (none given, not a duration, min above max), or `undefined`. */
export const pacingProblem = (pacing: CronPacing): string | undefined => {
  if (pacing.min === undefined && pacing.max === undefined) return "pacing needs at least one bound: --pacing-min or --pacing-max"
  for (const [flag, text] of [["--pacing-min", pacing.min], ["--pacing-max", pacing.max]] as const) {
    if (text === undefined) continue
    const ms = boundMs(text)
    if (ms === undefined || ms <= 0) return `Invalid ${flag} "${text}": use a duration like 15m or 4h`
  }
  const min = boundMs(pacing.min)
  const max = boundMs(pacing.max)
  if (min !== undefined && max !== undefined && min > max) return `--pacing-min (${pacing.min}) is longer than --pacing-max (${pacing.max})`
  return undefined
}

/** A proposed delay clamped into the bounds (silently, as the original does). */
export const clampNextCheckMs = (proposalMs: number, pacing: CronPacing): number => {
  const min = boundMs(pacing.min) ?? 0
  const max = boundMs(pacing.max) ?? Number.POSITIVE_INFINITY
  return Math.min(max, Math.max(min, proposalMs))
}

/**
 * When a paced job runs next: a successful run's proposal, clamped and measured from its completion.
 * `undefined` (keep the normal schedule) without pacing, without a proposal, or after a failed,
 * timed-out or skipped run (the proposal is discarded so retry and backoff win).
 */
export const pacedNextRunAtMs = (
  pacing: CronPacing | undefined,
  outcome: { readonly status: "ok" | "error" | "skipped"; readonly nextCheckMs?: number | undefined },
  completedAtMs: number
): number | undefined =>
  pacing === undefined || outcome.status !== "ok" || outcome.nextCheckMs === undefined || !Number.isFinite(outcome.nextCheckMs)
    ? undefined
    : completedAtMs + clampNextCheckMs(outcome.nextCheckMs, pacing)
