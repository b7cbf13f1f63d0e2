import { Console, Effect, Either, Schema } from "effect"
import { type ServiceAction, SERVICE_MANAGER_UNAVAILABLE_HINT, ServiceActionErrorReport, ServiceActionReport } from "../../domain/supervisor/report.js"
import {
  type InstallOptions,
  type NodeServiceManager,
  type ServiceActionResult,
  type ServiceError,
  ServiceManager,
  type ServiceManagerShape
} from "../../services/ServiceManager.js"
import { CliExit } from "../CliExit.js"

const hintOf = (error: ServiceError) =>
  error._tag === "ServiceActionFailed" ? error.hint : error._tag === "ServiceManagerUnavailable" ? SERVICE_MANAGER_UNAVAILABLE_HINT : undefined

/**
 * What one lifecycle action prints: the result's one line (or a ServiceActionReport with `--json`)
 * on stdout; a failure is left to the CLI edge (`error[CODE]: ...` + next step), except with `--json`,
 * where a ServiceActionErrorReport goes to stdout and the command exits 1.
 */
export const renderOutcome = (
  action: ServiceAction,
  json: boolean,
  outcome: Either.Either<ServiceActionResult, ServiceError>
): { readonly stdout: string | undefined; readonly error: ServiceError | undefined; readonly exitCode: number } => {
  if (Either.isRight(outcome)) {
    const result = outcome.right
    const stdout = json
      ? JSON.stringify(Schema.encodeSync(ServiceActionReport)({
        ok: true,
        action,
        result: result.result,
        message: result.message,
        ...(result.status === undefined ? {} : { service: result.status })
      }), null, 2)
      : result.message
    return { stdout, error: undefined, exitCode: 0 }
  }
  const error = outcome.left
  if (!json) return { stdout: undefined, error, exitCode: 1 }
  const hint = hintOf(error)
  const report = Schema.encodeSync(ServiceActionErrorReport)({
    ok: false,
    action,
    error: { code: error.code, message: error.message, ...(hint === undefined ? {} : { hint }) }
  })
  return { stdout: JSON.stringify(report, null, 2), error: undefined, exitCode: 1 }
}

/** Which service a lifecycle command acts on: the gateway's (`gateway|daemon <action>`) or the node host's (`node <action>`). */
export type ServiceTag = typeof ServiceManager | typeof NodeServiceManager

const report = (action: ServiceAction, json: boolean, run: (manager: ServiceManagerShape) => Effect.Effect<ServiceActionResult, ServiceError>, tag: ServiceTag) =>
  Effect.gen(function*() {
    const manager: ServiceManagerShape = yield* tag
    const outcome = yield* Effect.either(run(manager))
    const rendered = renderOutcome(action, json, outcome)
    if (rendered.stdout !== undefined) yield* Console.log(rendered.stdout)
    if (rendered.error !== undefined) return yield* rendered.error
    if (rendered.exitCode !== 0) return yield* new CliExit({ code: rendered.exitCode })
  })

/** `openclaw gateway install [--force] [--port N] [--token T] [--runtime node] [--runtime-path P] [--wrapper W] [--allow-unconfigured] [--json]`. */
export const serviceInstall = (options: InstallOptions, json: boolean, tag: ServiceTag = ServiceManager) =>
  report("install", json, (manager) => manager.install(options), tag)

/** `openclaw gateway start|stop|restart|uninstall [--json]`. */
export const serviceAction = (action: Exclude<ServiceAction, "install">, json: boolean, tag: ServiceTag = ServiceManager) =>
  report(action, json, (manager) => manager[action], tag)
