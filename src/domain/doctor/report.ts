import type { CheckId } from "./checks.js"
import { atOrAbove, countBySeverity, type Finding, type LintReport, toLintReport, type Severity } from "./Finding.js"
import type { Posture } from "./posture.js"

/** What one check did: ran (with its findings) or was skipped at run time (with why). */
export interface CheckOutcome {
  readonly id: CheckId
  readonly status: "ran" | "skipped"
  readonly reason?: string
  readonly findings: ReadonlyArray<Finding>
}

/** Everything a doctor run produced: findings per check plus the repairs it applied. */
export interface DoctorReport {
  readonly configPath: string
  readonly outcomes: ReadonlyArray<CheckOutcome>
  /** Registered checks the selection left out (profile, `--only`, `--skip`). */
  readonly notSelected: ReadonlyArray<string>
  /** Findings about the run itself, such as an unknown `--only` id. */
  readonly selectionFindings: ReadonlyArray<Finding>
  /** Things worth a line (best-effort config, Nix mode, clobber cap rotation). */
  readonly notes: ReadonlyArray<string>
  /** Repairs applied. */
  readonly changes: ReadonlyArray<string>
  /** Repairs that were wanted but not applied, and why. */
  readonly problems: ReadonlyArray<string>
}

export const findingsOf = (report: DoctorReport): ReadonlyArray<Finding> => [
  ...report.selectionFindings,
  ...report.outcomes.flatMap((outcome) => outcome.findings)
]

export const checksRunOf = (report: DoctorReport) => report.outcomes.filter((outcome) => outcome.status === "ran").length

export const checksSkippedOf = (report: DoctorReport) =>
  report.notSelected.length + report.outcomes.filter((outcome) => outcome.status === "skipped").length

/** The lint / JSON payload of a run. */
export const lintReportOf = (report: DoctorReport, min: Severity): LintReport =>
  toLintReport({ findings: findingsOf(report), checksRun: checksRunOf(report), checksSkipped: checksSkippedOf(report), min })

/** `[warning] core/doctor/gateway-config gateway.mode - message` plus a `fix:` line (the original's layout). */
export const formatFinding = (finding: Finding): ReadonlyArray<string> => {
  const where = finding.path === undefined ? "" : ` ${finding.path}`
  const line = finding.line === undefined ? "" : `:${finding.line}${finding.column === undefined ? "" : `:${finding.column}`}`
  return [
    `  [${finding.severity}] ${finding.checkId}${where}${line} - ${finding.message}`,
    ...(finding.fixHint === undefined ? [] : [`    fix: ${finding.fixHint}`])
  ]
}

/** Human `doctor --lint` output. */
export const lintLines = (lint: LintReport): ReadonlyArray<string> => [
  `doctor --lint: ran ${lint.checksRun} check(s), ${lint.findings.length} finding(s)`,
  ...lint.findings.flatMap(formatFinding)
]

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`

/** Wizards of the original that Clawgate does not ship: hints naming them are passed over for `Next:`. */
const NOT_SHIPPED = /^openclaw configure\b/

/** The first backticked command in a fix hint (`Run \`openclaw doctor --fix\` to ...`) that this CLI has. */
const commandIn = (hint: string | undefined) =>
  hint === undefined ? undefined : [...hint.matchAll(/`(openclaw [^`]+)`/g)].map((match) => match[1] ?? "").find((command) => !NOT_SHIPPED.test(command))

/** The one command to run next: the fix of the first warning or error, else a status check. */
export const nextCommand = (report: DoctorReport, posture: Posture): string => {
  const open = findingsOf(report).filter((finding) => atOrAbove(finding.severity, "warning"))
  if (open.length === 0) return "openclaw gateway status"
  for (const finding of open) {
    const command = commandIn(finding.fixHint)
    if (command === undefined) continue
    if (posture === "repair" && command === "openclaw doctor --fix") continue
    return command
  }
  return "follow the fix hints above, then run `openclaw doctor` again"
}

/** Whether any finding is blocking (error severity): plain `doctor` then exits 1. */
export const hasBlockingIssue = (report: DoctorReport) => countBySeverity(findingsOf(report)).error > 0

/** The summary line: blocking means error severity. */
export const summaryLine = (report: DoctorReport): string => {
  const counts = countBySeverity(findingsOf(report))
  const skipped = checksSkippedOf(report)
  const head = counts.error === 0 ? "no blocking issues" : plural(counts.error, "blocking issue")
  return `Doctor: ${head} (ran ${plural(checksRunOf(report), "check")}${skipped === 0 ? "" : `, skipped ${skipped}`}; ${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${counts.info} info).`
}

/** Human output of plain `doctor` and `doctor --fix`: notes, changes, findings, summary, next command. */
export const doctorLines = (report: DoctorReport, posture: Posture): ReadonlyArray<string> => {
  const findings = findingsOf(report)
  // A skipped check usually explains itself with an info finding; the others get a line here.
  const skipped = report.outcomes.filter((outcome) => outcome.status === "skipped" && outcome.findings.length === 0)
  return [
    `OpenClaw doctor (config: ${report.configPath})`,
    ...report.notes.map((note) => `Note: ${note}`),
    ...(report.changes.length === 0 ? [] : ["Doctor changes:", ...report.changes.map((change) => `- ${change}`)]),
    ...(report.problems.length === 0 ? [] : ["Doctor warnings:", ...report.problems.map((problem) => `- ${problem}`)]),
    ...(findings.length === 0 ? [] : ["Findings:", ...findings.flatMap(formatFinding)]),
    ...skipped.map((outcome) => `  [skipped] ${outcome.id} - ${outcome.reason ?? "not applicable"}`),
    summaryLine(report),
    `Next: ${nextCommand(report, posture)}`
  ]
}
