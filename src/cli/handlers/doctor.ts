import { Console, Effect, Either, Schema } from "effect"
import { LintReport } from "../../domain/doctor/Finding.js"
import { type DoctorFlags, planDoctorRun } from "../../domain/doctor/posture.js"
import { doctorLines, hasBlockingIssue, lintLines, lintReportOf } from "../../domain/doctor/report.js"
import { execSecretRefPaths, type MaintenanceFlags, planMaintenance } from "../../domain/doctor/maintenance.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Doctor } from "../../services/Doctor.js"
import { CliExit } from "../CliExit.js"
import { renderError } from "../render.js"
import { withProgress } from "../progress.js"

const printJson = (report: LintReport) => Console.log(JSON.stringify(Schema.encodeSync(LintReport)(report), null, 2))

/** The original's doctor flags beyond the four postures: SQLite maintenance, post-upgrade probes, `--allow-exec`. */
export interface DoctorExtraFlags extends MaintenanceFlags {
  readonly allowExec: boolean
}

const NO_EXTRAS: DoctorExtraFlags = {
  stateSqlite: undefined,
  sessionSqlite: undefined,
  sessionSqliteAgent: undefined,
  sessionSqliteAllAgents: false,
  sessionSqliteStore: undefined,
  githubIssue: false,
  postUpgrade: false,
  allowExec: false
}

/** `--allow-exec`: said out loud, since this version has no exec SecretRef resolver to allow. */
const allowExecNote = (json: boolean) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    const refs = execSecretRefPaths(snapshot.authored)
    const line = refs.length === 0
      ? "--allow-exec: no exec SecretRefs are configured; there is nothing to run."
      : `--allow-exec: this version never runs exec SecretRefs (its gateway does not either), so these stay unresolved: ${refs.join(", ")}.`
    yield* json ? Console.error(line) : Console.log(line)
  })

/** `openclaw doctor` in its four postures: inspect, repair, lint (threshold exit) and advisory JSON; or one maintenance mode. */
export const doctor = (flags: DoctorFlags, extras: DoctorExtraFlags = NO_EXTRAS) =>
  Effect.gen(function*() {
    const repairsOrLint = flags.fix || flags.repair || flags.yes || flags.lint || flags.generateGatewayToken
    const maintenance = planMaintenance(extras, repairsOrLint)
    if (Either.isLeft(maintenance)) {
      yield* Console.error(`error[${maintenance.left.code}]: ${maintenance.left.message}`)
      return yield* new CliExit({ code: 2 })
    }
    if (maintenance.right !== undefined) {
      const { runMaintenance } = yield* Effect.promise(() => import("./doctorMaintenance.js"))
      return yield* runMaintenance(maintenance.right, flags.json)
    }
    const planned = planDoctorRun(flags)
    if (Either.isLeft(planned)) {
      yield* Console.error(`error[${planned.left.code}]: ${planned.left.message}`)
      return yield* new CliExit({ code: 2 })
    }
    const plan = planned.right
    if (extras.allowExec) yield* allowExecNote(flags.json)
    const running = withProgress("Running doctor checks", Effect.flatMap(Doctor, (service) => service.run(plan)))
    if (plan.posture === "lint" || plan.posture === "json") {
      // Lint exits 2 when it fails before findings exist; bare --json keeps the ordinary error codes.
      const report = plan.posture === "lint"
        ? yield* running.pipe(Effect.catchAll((error) =>
          Effect.zipRight(Effect.forEach(renderError(error).lines, (line) => Console.error(line), { discard: true }), new CliExit({ code: 2 }))
        ))
        : yield* running
      const lint = lintReportOf(report, plan.severityMin)
      if (flags.json) yield* printJson(lint)
      else for (const line of lintLines(lint)) yield* Console.log(line)
      if (plan.posture === "lint" && !lint.ok) return yield* new CliExit({ code: 1 })
      return
    }
    const report = yield* running
    for (const line of doctorLines(report, plan.posture)) yield* Console.log(line)
    // A blocking issue left after the run is a failure a script must see (the advisory --json stays 0).
    if (hasBlockingIssue(report)) return yield* new CliExit({ code: 1 })
  })
