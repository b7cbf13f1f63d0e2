import { Console, Effect, Either, Schema } from "effect"
import { LintReport } from "../../domain/doctor/Finding.js"
import { type DoctorFlags, planDoctorRun } from "../../domain/doctor/posture.js"
import { doctorLines, hasBlockingIssue, lintLines, lintReportOf } from "../../domain/doctor/report.js"
import { Doctor } from "../../services/Doctor.js"
import { CliExit } from "../CliExit.js"
import { renderError } from "../render.js"
import { withProgress } from "../progress.js"

const printJson = (report: LintReport) => Console.log(JSON.stringify(Schema.encodeSync(LintReport)(report), null, 2))

/** `openclaw doctor` in its four postures: inspect, repair, lint (threshold exit) and advisory JSON. */
export const doctor = (flags: DoctorFlags) =>
  Effect.gen(function*() {
    const planned = planDoctorRun(flags)
    if (Either.isLeft(planned)) {
      yield* Console.error(`error[${planned.left.code}]: ${planned.left.message}`)
      return yield* new CliExit({ code: 2 })
    }
    const plan = planned.right
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
