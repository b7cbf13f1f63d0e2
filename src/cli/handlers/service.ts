import { Console, Effect, Either, Schema } from "effect"
import { RestartMethods } from "../../domain/protocol/restartMethods.js"
import { planRestart, type RestartFlags, type RestartPlan } from "../../domain/supervisor/restartFlags.js"
import {
  RestartRequestReport,
  restartRequestMessage,
  type ServiceAction,
  SERVICE_MANAGER_UNAVAILABLE_HINT,
  ServiceActionErrorReport,
  ServiceActionReport
} from "../../domain/supervisor/report.js"
import { appendRestartLog } from "../../layers/supervisor/restartLog.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import {
  type InstallOptions,
  type NodeServiceManager,
  ServiceActionFailed,
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

/** `openclaw gateway|daemon stop [--disable] [--force] [--json]`. */
export const serviceStop = (flags: { readonly disable: boolean; readonly force: boolean; readonly json: boolean }) =>
  // The original's guard: a script (no terminal) must say --force, so an automated stop is never an accident.
  !flags.force && process.stdin.isTTY !== true
    ? report("stop", flags.json, () =>
      Effect.fail(new ServiceActionFailed({
        code: "SERVICE_FORCE_REQUIRED",
        action: "stop",
        message: "Refusing to stop the gateway service from a non-interactive shell without --force.",
        hint: "rerun with --force (openclaw gateway stop --force); for automation and tests prefer a throwaway `openclaw gateway run --dev` or an isolated --profile on a free port"
      })), ServiceManager)
    : report("stop", flags.json, (manager) => (flags.disable ? manager.stopAndDisable : manager.stop), ServiceManager)

const usageFailure = (json: boolean, message: string) =>
  Effect.gen(function*() {
    const code = "SERVICE_INVALID_OPTIONS"
    if (json) yield* Console.log(JSON.stringify(Schema.encodeSync(ServiceActionErrorReport)({ ok: false, action: "restart", error: { code, message } }), null, 2))
    else yield* Console.error(`error[${code}]: ${message}`)
    return yield* new CliExit({ code: 2 })
  })

/** Asks the running gateway to restart once its work drains: `restart --safe` and `restart --wait`. */
const requestRestart = (plan: Extract<RestartPlan, { _tag: "Request" }>, json: boolean, connect: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const params = { reason: plan.reason, ...(plan.skipDeferral ? { skipDeferral: true } : {}), ...(plan.waitMs === undefined ? {} : { waitMs: plan.waitMs }) }
    const answer = yield* Effect.either(client.call(RestartMethods.request, params, { timeoutMs: 10_000, ...connect }))
    if (Either.isLeft(answer)) {
      const error = answer.left
      // Nothing running means nothing to drain: a --wait restart goes through the service manager instead.
      if (error._tag === "GatewayConnectFailed" && plan.reason === "gateway.restart") {
        yield* Console.error(`No running gateway answered (${error.message}); restarting through the service manager.`)
        return yield* report("restart", json, (manager) => manager.restart, ServiceManager)
      }
      if (error._tag === "GatewayConnectFailed") {
        return yield* report("restart", json, () =>
          Effect.fail(new ServiceActionFailed({
            code: "GATEWAY_NOT_RUNNING",
            action: "restart",
            message: `A safe restart asks the running gateway, and none answered: ${error.message}`,
            hint: "start it with `openclaw gateway start` (or `openclaw gateway run`), or restart through the service manager with `openclaw gateway restart`"
          })), ServiceManager)
      }
      return yield* error
    }
    const result = answer.right
    const paths = yield* Paths
    const files = yield* StateFiles
    yield* appendRestartLog(files, paths.stateDir, [
      ["action", "restart"],
      ["source", plan.reason === "gateway.restart.safe" ? "safe-rpc" : "rpc"],
      ["mode", result.status],
      ["pid", result.restart.pid],
      ...(plan.waitMs === undefined ? [] : [["waitMs", plan.waitMs] as const])
    ])
    const message = restartRequestMessage(result)
    if (json) {
      return yield* Console.log(JSON.stringify(Schema.encodeSync(RestartRequestReport)({ ok: true, action: "restart", result: result.status, message, restart: result }), null, 2))
    }
    yield* Console.log(message)
    for (const blocker of result.preflight.blockers) yield* Console.log(`  waiting for: ${blocker.message}`)
  })

/** `openclaw gateway|daemon restart [--safe [--skip-deferral]] [--wait <duration>] [--force] [--preserve-definition] [--json]`. */
export const serviceRestart = (flags: RestartFlags & { readonly json: boolean }, connect: ConnectOptions = {}) =>
  Effect.gen(function*() {
    const planned = planRestart(flags)
    if (Either.isLeft(planned)) return yield* usageFailure(flags.json, planned.left)
    const plan = planned.right
    if (plan._tag === "Request") return yield* requestRestart(plan, flags.json, connect)
    return yield* report("restart", flags.json, (manager) => (plan.preserveDefinition ? manager.restartAsInstalled : manager.restart), ServiceManager)
  })
