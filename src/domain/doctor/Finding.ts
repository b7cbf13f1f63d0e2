import { Schema } from "effect"
import { opt } from "../opt.js"

/** How bad a finding is; `error` is blocking (the gateway will not start or a repair is required). */
export const Severity = Schema.Literal("info", "warning", "error")
export type Severity = typeof Severity.Type

/** One diagnostic a doctor check produced (spec 8): stable `checkId`, a message and an optional fix. */
export const Finding = Schema.Struct({
  checkId: Schema.String,
  severity: Severity,
  message: Schema.String,
  /** Config path, file or logical path the finding is about. */
  path: opt(Schema.String),
  line: opt(Schema.Number),
  column: opt(Schema.Number),
  /** Precise `oc://` address when a check can point to one. */
  ocPath: opt(Schema.String),
  fixHint: opt(Schema.String)
})
export type Finding = typeof Finding.Type

/** The `doctor --lint --json` (and bare `doctor --json`) payload. */
export const LintReport = Schema.Struct({
  /** No finding at or above the selected severity threshold. */
  ok: Schema.Boolean,
  checksRun: Schema.Number,
  checksSkipped: Schema.Number,
  findings: Schema.Array(Finding)
})
export type LintReport = typeof LintReport.Type

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 }

/** True when `severity` is at or above `min`. */
export const atOrAbove = (severity: Severity, min: Severity) => RANK[severity] >= RANK[min]

/** The findings at or above `min`, in their original order. */
export const filterBySeverity = (findings: ReadonlyArray<Finding>, min: Severity): ReadonlyArray<Finding> =>
  findings.filter((finding) => atOrAbove(finding.severity, min))

/** Counts per severity, for summary lines. */
export const countBySeverity = (findings: ReadonlyArray<Finding>): Readonly<Record<Severity, number>> => {
  const counts: Record<Severity, number> = { info: 0, warning: 0, error: 0 }
  for (const finding of findings) counts[finding.severity] += 1
  return counts
}

/** Builds the lint payload: findings below `min` are dropped and do not affect `ok`. */
export const toLintReport = (input: {
  readonly findings: ReadonlyArray<Finding>
  readonly checksRun: number
  readonly checksSkipped: number
  readonly min: Severity
}): LintReport => {
  const findings = filterBySeverity(input.findings, input.min)
  return { ok: findings.length === 0, checksRun: input.checksRun, checksSkipped: input.checksSkipped, findings }
}
