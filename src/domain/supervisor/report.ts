import { Schema } from "effect"
import { ServiceStatus } from "./records.js"
import { opt } from "../opt.js"
import { RestartRequestResult } from "../protocol/restartMethods.js"

/** The lifecycle actions of `openclaw gateway|daemon <action>`. */
export const ServiceAction = Schema.Literal("install", "start", "stop", "restart", "uninstall")
export type ServiceAction = typeof ServiceAction.Type

/** `--json` output of a lifecycle action that succeeded (including "already" and "absent" no-ops). */
export const ServiceActionReport = Schema.Struct({
  ok: Schema.Literal(true),
  action: ServiceAction,
  result: Schema.Literal("done", "already", "absent"),
  message: Schema.String,
  service: opt(ServiceStatus)
})
export type ServiceActionReport = typeof ServiceActionReport.Type

/** `--json` output of a lifecycle action that failed or was refused. */
export const ServiceActionErrorReport = Schema.Struct({
  ok: Schema.Literal(false),
  action: ServiceAction,
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    hint: opt(Schema.String)
  })
})
export type ServiceActionErrorReport = typeof ServiceActionErrorReport.Type

/** The next step printed when no service manager is found. */
export const SERVICE_MANAGER_UNAVAILABLE_HINT =
  "run `openclaw gateway run` under your own supervisor (container runtime, process manager), or start a systemd user session and retry"

/** `--json` output of `restart --safe` / `restart --wait`: what the running gateway answered to `gateway.restart.request`. */
export const RestartRequestReport = Schema.Struct({
  ok: Schema.Literal(true),
  action: Schema.Literal("restart"),
  /** The gateway's `status`: `scheduled` or `deferred` (the original's other answers pass through). */
  result: Schema.String,
  message: Schema.String,
  restart: RestartRequestResult
})
export type RestartRequestReport = typeof RestartRequestReport.Type

/** The human line for a restart request the gateway accepted. */
export const restartRequestMessage = (result: RestartRequestResult): string => {
  const joined = result.restart.coalesced ? " (joined the restart already pending)" : ""
  if (result.status === "scheduled") return `Gateway restart scheduled: restarting now${joined} (pid ${result.restart.pid}).`
  const budget = result.restart.drainBudgetMs
  const bound = budget === undefined ? "bounded by the gateway" : budget === null ? "no time limit" : `forced after ${Math.round(budget / 1000)}s`
  return `Gateway restart deferred${joined}: ${result.preflight.summary}; restarts once that work drains (${bound}).`
}
