import { Context, type Effect, Schema } from "effect"
import type { VersionGuardBlocked } from "../domain/errors.js"
import type { ExtraService, ServicePlatform, ServiceStatus } from "../domain/supervisor/records.js"
import type { NodeHostTarget } from "../domain/nodes/nodeHostArgs.js"

/** No systemd user session, launchd or Task Scheduler on this host. */
export class ServiceManagerUnavailable extends Schema.TaggedError<ServiceManagerUnavailable>()("ServiceManagerUnavailable", {
  code: Schema.tag("SERVICE_MANAGER_UNAVAILABLE"),
  message: Schema.String
}) {}

/** A supervisor command failed, or an action was refused (external supervisor, isolated state, drift needing repair). */
export class ServiceActionFailed extends Schema.TaggedError<ServiceActionFailed>()("ServiceActionFailed", {
  code: Schema.Literal(
    "SERVICE_ACTION_FAILED",
    "SERVICE_NOT_INSTALLED",
    "SERVICE_EXTERNAL",
    "SERVICE_REPAIR_REQUIRED",
    "SERVICE_ISOLATED_STATE",
    "SERVICE_FORCE_REQUIRED",
    "SERVICE_INVALID_OPTIONS",
    "GATEWAY_NOT_RUNNING"
  ),
  message: Schema.String,
  action: Schema.String,
  /** What to run next. */
  hint: Schema.optionalWith(Schema.String, { exact: true })
}) {}

export type ServiceError = ServiceManagerUnavailable | ServiceActionFailed | VersionGuardBlocked

export interface InstallOptions {
  readonly force: boolean
  /** Gateway service: the port it listens on. Node service: the gateway port it connects to. */
  readonly port?: number | undefined
  readonly token?: string | undefined
  /** `--runtime`: the runtime the service runs the CLI with (`node` only in this version). */
  readonly runtime?: string | undefined
  /** `--runtime-path`: an absolute path of the node executable to pin instead of the installing one. */
  readonly runtimePath?: string | undefined
  /** `--wrapper`: an executable that starts the CLI instead of `<node> <entry>` (gets `gateway --port N ...` or `node run ...`). */
  readonly wrapper?: string | undefined
  /** `--allow-unconfigured`: the service starts the gateway with `--allow-unconfigured` (gateway service only). */
  readonly allowUnconfigured?: boolean | undefined
  /** Node service only: where and how the node host connects (`openclaw node install` flags). */
  readonly nodeHost?: NodeHostInstall | undefined
}

/** The `openclaw node install` flags that become the service's `node run` arguments (the port is InstallOptions'). */
export type NodeHostInstall = Omit<NodeHostTarget, "host" | "port"> & { readonly host?: string | undefined }

/** What a mutating action did, for `--json` and the human line. */
export interface ServiceActionResult {
  readonly action: "install" | "start" | "stop" | "restart" | "uninstall"
  readonly result: "done" | "already" | "absent"
  readonly message: string
  readonly status?: ServiceStatus | undefined
}

/** What a service manager offers, whichever program it supervises. */
export interface ServiceManagerShape {
  /** The supervisor found on this host, if any. */
  readonly platform: Effect.Effect<ServicePlatform, ServiceManagerUnavailable>
  /** The installed service as the supervisor reports it; `installed: false` when absent. */
  readonly status: Effect.Effect<ServiceStatus, ServiceManagerUnavailable>
  readonly install: (options: InstallOptions) => Effect.Effect<ServiceActionResult, ServiceError>
  readonly start: Effect.Effect<ServiceActionResult, ServiceError>
  readonly stop: Effect.Effect<ServiceActionResult, ServiceError>
  /**
   * `stop --disable`: stop, and keep the supervisor from starting it again (login, reboot, KeepAlive)
   * until the next `start` (launchd `disable`, systemd `disable --now`, Task Scheduler `/DISABLE`).
   */
  readonly stopAndDisable: Effect.Effect<ServiceActionResult, ServiceError>
  readonly restart: Effect.Effect<ServiceActionResult, ServiceError>
  /** `restart --preserve-definition`: restart the service as installed, never rewriting its definition. */
  readonly restartAsInstalled: Effect.Effect<ServiceActionResult, ServiceError>
  readonly uninstall: Effect.Effect<ServiceActionResult, ServiceError>
  /** Other gateway-like services (legacy names, other tools); `deep` also scans system-level units. */
  readonly extraServices: (deep: boolean) => Effect.Effect<ReadonlyArray<ExtraService>>
}

/**
 * The gateway's OS service: systemd user unit, launchd LaunchAgent or Windows scheduled task, picked
 * for this host. Every mutating action runs the version guard first.
 */
export class ServiceManager extends Context.Tag("openclaw/ServiceManager")<ServiceManager, ServiceManagerShape>() {}

/**
 * The headless node host's OS service (`openclaw node install|start|stop|restart|uninstall|status`):
 * the same supervisors as the gateway's, under the original's node names (`openclaw-node.service`,
 * `ai.openclaw.node`, `OpenClaw Node`), running `openclaw node run --host H --port P`.
 */
export class NodeServiceManager extends Context.Tag("openclaw/NodeServiceManager")<NodeServiceManager, ServiceManagerShape>() {}
