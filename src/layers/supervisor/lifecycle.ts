import { Effect } from "effect"
import * as path from "node:path"
import type { HostFacts, ResolvedPaths } from "../../domain/Paths.js"
import { auditService, driftedEnvKeys } from "../../domain/supervisor/audit.js"
import { commandPort, effectiveEnv } from "../../domain/supervisor/definition.js"
import { type EnvEntries, invalidSecretReason, minimalServicePath, redactEnv } from "../../domain/supervisor/environment.js"
import { defaultStateDirName, type ServiceKind } from "../../domain/supervisor/identity.js"
import { installedNodeHostArguments, nodeHostArguments } from "../../domain/nodes/nodeHostArgs.js"
import { planLifecycle } from "../../domain/supervisor/plan.js"
import type { ServiceStatus } from "../../domain/supervisor/records.js"
import type { ServiceAction } from "../../domain/supervisor/report.js"
import { runtimeOptionProblem } from "../../domain/supervisor/launchOptions.js"
import { buildInstallSpec, installedLaunch, renderServiceFiles, serviceConfigPath, type ServiceLaunch, WRAPPER_ENV_KEY } from "../../domain/supervisor/spec.js"
import { checkVersionGuard, type GuardedAction } from "../../domain/Version.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import {
  type InstallOptions,
  ServiceActionFailed,
  type ServiceActionResult,
  type ServiceError,
  type ServiceManager
} from "../../services/ServiceManager.js"
import type { BackendInspection, ServiceBackend } from "./backend.js"
import { type ConfigFacts, readConfigFacts } from "./configFacts.js"
import type { StateFiles } from "../../services/StateFiles.js"
import { appendRestartLog } from "./restartLog.js"
import type { ServiceFiles } from "./serviceFiles.js"

/** Everything the lifecycle needs besides the backend: host facts, paths, config and the program to run. */
export interface LifecycleContext {
  readonly host: HostFacts
  readonly paths: ResolvedPaths
  readonly store: ConfigStore["Type"]
  readonly serviceFiles: ServiceFiles
  /** For the restart log. */
  readonly stateFiles: StateFiles["Type"]
  /** The OS home the supervisor gives the service (HOME, else the OS home directory). */
  readonly home: string
  readonly nodePath: string
  readonly entryPath: string
  readonly heapMiB: number | undefined
  /** Windows: `DOMAIN\user` for the task. */
  readonly userId: string | undefined
  readonly tmpDir: string
  readonly version: string
}

const GUARDED: Readonly<Record<ServiceKind, Readonly<Record<ServiceAction, GuardedAction>>>> = {
  gateway: {
    install: "install or rewrite the gateway service",
    start: "start the gateway service",
    stop: "stop the gateway service",
    restart: "restart the gateway service",
    uninstall: "uninstall the gateway service"
  },
  node: {
    install: "install or rewrite the node service",
    start: "start the node service",
    stop: "stop the node service",
    restart: "restart the node service",
    uninstall: "uninstall the node service"
  }
}

/** How messages name the service: `Gateway service ...`, `Node service ...`. */
export const serviceNoun = (kind: ServiceKind) => (kind === "node" ? "Node" : "Gateway")

const failed = (action: ServiceAction, code: ServiceActionFailed["code"], message: string, hint?: string) =>
  new ServiceActionFailed(hint === undefined ? { code, action, message } : { code, action, message, hint })

/**
 * `OPENCLAW_SUPERVISOR_MODE=external`: another supervisor owns the gateway, so install, start, stop
 * and uninstall are refused before anything is detected or touched.
 */
export const refuseExternal = (env: HostFacts["env"], action: ServiceAction) =>
  env["OPENCLAW_SUPERVISOR_MODE"]?.trim().toLowerCase() === "external"
    ? Effect.fail(failed(
      action,
      "SERVICE_EXTERNAL",
      `Refusing to ${action} the gateway service: OPENCLAW_SUPERVISOR_MODE=external says an external supervisor manages the gateway.`,
      "manage the gateway through your supervisor (it runs `openclaw gateway run`), or unset OPENCLAW_SUPERVISOR_MODE"
    ))
    : Effect.void

/**
 * Only the canonical `<OS home>/.openclaw[-<profile>]` install may change the host service: a relocated
 * home, state dir or config path is isolated state (a test or dev copy) and must not rewrite it.
 */
export const refuseIsolated = (paths: ResolvedPaths, action: ServiceAction, kind: ServiceKind = "gateway") =>
  paths.canonical
    ? Effect.void
    : Effect.fail(failed(
      action,
      "SERVICE_ISOLATED_STATE",
      `${serviceNoun(kind)} ${action} blocked: service management skipped: non-default state dir or config path. Rerun with HOME set to the OS account home, without OPENCLAW_HOME, and with OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH either unset or pointing at the canonical paths for that account home and profile to install or rewrite the ${kind} service.`,
      `run this isolated copy in the foreground with \`openclaw ${kind} run\`, or use the canonical ~/.openclaw install for the service`
    ))

/** The part of ServiceManager that needs a detected platform: every method over one backend. */
export type PlatformServiceManager = Omit<ServiceManager["Type"], "platform">

/**
 * The lifecycle over one backend: external-supervisor and version guards, install/repair from the
 * current CLI's facts, the start/restart plan, audit-backed status and the restart log.
 */
export const makeLifecycle = (backend: ServiceBackend, ctx: LifecycleContext): PlatformServiceManager => {
  const { identity } = backend
  const platform = identity.platform
  const env = ctx.host.env
  const kind = identity.kind
  const node = kind === "node"
  const noun = serviceNoun(kind)
  const installCommand = `openclaw ${kind} install`

  /** The install's own launch: this CLI's node and entry, nothing pinned. */
  const ownLaunch: ServiceLaunch = { nodePath: undefined, wrapperPath: undefined, allowUnconfigured: false }

  const specFor = (port: number, secrets: EnvEntries, launch: ServiceLaunch = ownLaunch, nodeHostArgs?: ReadonlyArray<string>) => {
    const nodePath = launch.nodePath ?? ctx.nodePath
    return buildInstallSpec({
      nodeHostArgs,
      identity,
      pathInputs: { home: ctx.home, stateDir: ctx.paths.stateDir, xdgConfigHome: env["XDG_CONFIG_HOME"] },
      version: ctx.version,
      port,
      profile: ctx.paths.profile,
      configPath: ctx.paths.configPath,
      defaultStateDir: path.join(ctx.home, defaultStateDirName(ctx.paths.profile)),
      nodePath,
      entryPath: ctx.entryPath,
      servicePath: minimalServicePath(platform, path.dirname(nodePath)),
      heapMiB: ctx.heapMiB,
      secrets,
      userId: ctx.userId,
      wrapperPath: launch.wrapperPath,
      allowUnconfigured: launch.allowUnconfigured
    })
  }

  const toStatus = (inspection: BackendInspection, config: ConfigFacts): ServiceStatus => {
    const definition = inspection.definition
    const base = {
      platform,
      label: identity.label,
      identity: identity.name,
      installed: inspection.installed,
      loadedText: inspection.loadedText,
      definitionPath: backend.paths.definition,
      runtime: inspection.runtime
    }
    if (definition === undefined) return { ...base, audit: [] }
    const serviceEnv = effectiveEnv(definition)
    const port = commandPort(definition.programArguments)
    return {
      ...base,
      ...(definition.programArguments === undefined ? {} : { command: definition.programArguments }),
      env: redactEnv(serviceEnv),
      configPath: serviceConfigPath(serviceEnv, ctx.home),
      ...(port === undefined ? {} : { port }),
      // The audit checks a gateway service against the gateway config; the node host's port is its gateway's.
      audit: node ? [] : auditService(definition, {
        port: config.port,
        token: config.token,
        env: Object.fromEntries(specFor(config.port, []).env)
      })
    }
  }

  /** Reads the config facts; a mutation refuses to act on a config it cannot read, then runs the version guard. */
  const guarded = (action: ServiceAction) =>
    Effect.gen(function*() {
      const config = yield* readConfigFacts(ctx.store, ctx.host, ctx.paths)
      if (config.readError !== undefined) return yield* failed(action, "SERVICE_ACTION_FAILED", `Cannot read the config: ${config.readError}`)
      const refusal = checkVersionGuard({
        action: GUARDED[kind][action],
        currentVersion: ctx.version,
        touchedVersion: config.touchedVersion,
        override: env["OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS"],
        serviceMode: false
      })
      if (refusal !== undefined) return yield* refusal
      return config
    })

  const statusAfter = (config: ConfigFacts) => Effect.map(backend.inspect, (inspection) => toStatus(inspection, config))

  const finish = (action: ServiceAction, result: ServiceActionResult["result"], message: string, config: ConfigFacts, withStatus: boolean) =>
    Effect.gen(function*() {
      yield* appendRestartLog(ctx.stateFiles, ctx.paths.stateDir, [
        ["action", action],
        ["result", result],
        ["source", "cli"],
        ["platform", platform],
        ["service", identity.name],
        ["version", ctx.version],
        ["pid", process.pid]
      ])
      const status = withStatus ? yield* statusAfter(config) : undefined
      return status === undefined ? { action, result, message } : { action, result, message, status }
    })

  /**
   * Secrets for a (re)write: `--token` if given, else what the installed service already had. The node
   * service also takes OPENCLAW_GATEWAY_TOKEN from the installing shell, as the original's does.
   */
  const secretsFor = (action: ServiceAction, explicit: string | undefined, inspection: BackendInspection) => {
    const token = explicit ?? (node && action === "install" ? env["OPENCLAW_GATEWAY_TOKEN"]?.trim() || undefined : undefined)
    if (token !== undefined) {
      const reason = invalidSecretReason(token)
      return reason === undefined ? Effect.succeed<EnvEntries>([["OPENCLAW_GATEWAY_TOKEN", token]]) : Effect.fail(failed(action, "SERVICE_ACTION_FAILED", `--token ${reason}`))
    }
    const previous = inspection.definition === undefined ? undefined : effectiveEnv(inspection.definition)["OPENCLAW_GATEWAY_TOKEN"]
    return Effect.succeed<EnvEntries>(previous === undefined || previous.trim() === "" ? [] : [["OPENCLAW_GATEWAY_TOKEN", previous]])
  }

  const writeAndActivate = (action: ServiceAction, port: number, secrets: EnvEntries, before: BackendInspection, launch: ServiceLaunch, nodeHostArgs?: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const spec = specFor(port, secrets, launch, nodeHostArgs)
      yield* ctx.serviceFiles.writeAll(action, renderServiceFiles(spec), spec.paths.ownedDirs)
      yield* backend.activate(before, action)
    })

  /**
   * `--runtime`, `--runtime-path`, `--wrapper` (else OPENCLAW_WRAPPER from the environment) and
   * `--allow-unconfigured`, checked as the original checks them: a wrapper or pinned node must be an
   * executable regular file; a wrapper replaces `<node> <entry>`.
   */
  const launchFor = (options: InstallOptions): Effect.Effect<ServiceLaunch, ServiceActionFailed> =>
    Effect.gen(function*() {
      const problem = runtimeOptionProblem(options.runtime, options.runtimePath)
      if (problem !== undefined) return yield* failed("install", "SERVICE_ACTION_FAILED", problem)
      const wrapperInput = options.wrapper?.trim() || env[WRAPPER_ENV_KEY]?.trim() || undefined
      const source = options.wrapper?.trim() ? "--wrapper" : WRAPPER_ENV_KEY
      const wrapperPath = wrapperInput === undefined ? undefined : path.resolve(ctx.host.cwd, wrapperInput)
      if (wrapperPath !== undefined) {
        const bad = yield* ctx.serviceFiles.executableProblem(wrapperPath)
        if (bad !== undefined) return yield* failed("install", "SERVICE_ACTION_FAILED", `Invalid ${source}: ${WRAPPER_ENV_KEY} must point to an executable file: ${wrapperPath} (${bad})`)
      }
      const nodePath = options.runtimePath === undefined ? undefined : path.normalize(options.runtimePath.trim())
      if (nodePath !== undefined) {
        const bad = yield* ctx.serviceFiles.executableProblem(nodePath)
        if (bad !== undefined) return yield* failed("install", "SERVICE_ACTION_FAILED", `Pinned runtime is not executable: ${nodePath} (${bad})`)
      }
      return { nodePath, wrapperPath, allowUnconfigured: options.allowUnconfigured === true }
    })

  const install = (options: InstallOptions): Effect.Effect<ServiceActionResult, ServiceError> =>
    Effect.gen(function*() {
      // A forced install rewrites whatever is there: guard before even looking.
      const config = options.force ? yield* guarded("install") : yield* readConfigFacts(ctx.store, ctx.host, ctx.paths)
      const before = yield* backend.inspect
      if (before.installed && !options.force) {
        return yield* finish("install", "already", `${noun} service already installed: ${identity.name} (${identity.label}). Use --force to reinstall.`, config, true)
      }
      if (config.readError !== undefined) return yield* failed("install", "SERVICE_ACTION_FAILED", `Cannot read the config: ${config.readError}`)
      if (!node && config.ambiguousAuth) {
        return yield* failed(
          "install",
          "SERVICE_ACTION_FAILED",
          "gateway.auth.token and gateway.auth.password are both set but gateway.auth.mode is not; the service would not know which to use.",
          "openclaw config set gateway.auth.mode token (or password), then rerun openclaw gateway install"
        )
      }
      const port = options.port ?? config.port
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        return yield* failed("install", "SERVICE_ACTION_FAILED", `Invalid --port ${port}: expected an integer from 1 to 65535`)
      }
      const target = options.nodeHost ?? {}
      if (node && target.tls === false && target.tlsFingerprint !== undefined) {
        return yield* failed("install", "SERVICE_ACTION_FAILED", "--no-tls cannot be combined with --tls-fingerprint")
      }
      const launch = yield* launchFor(options)
      const host = target.host?.trim() || "127.0.0.1"
      const nodeHostArgs = node ? nodeHostArguments({ ...target, host, port }) : undefined
      yield* backend.preflight("install")
      const secrets = yield* secretsFor("install", options.token, before)
      yield* writeAndActivate("install", port, secrets, before, launch, nodeHostArgs)
      const where = node ? `gateway ${host}:${port}` : `port ${port}`
      return yield* finish("install", "done", `Installed ${identity.label} service ${identity.name} (${where}).`, config, true)
    })

  /** Program paths in the service command that are gone or live in a temp dir. */
  const stalePaths = (inspection: BackendInspection) =>
    Effect.gen(function*() {
      const args = inspection.definition?.programArguments ?? []
      const candidates = args.slice(0, 2).filter((arg) => path.isAbsolute(arg))
      const stale: Array<string> = []
      for (const candidate of candidates) {
        const inTemp = candidate.startsWith(`${ctx.tmpDir}${path.sep}`)
        if (inTemp || !(yield* ctx.serviceFiles.exists(candidate))) stale.push(candidate)
      }
      return stale
    })

  /** `preserveDefinition` (restart only): a stale or drifted definition is restarted as installed, never rewritten. */
  const startOrRestart = (action: "start" | "restart", preserveDefinition = false): Effect.Effect<ServiceActionResult, ServiceError> =>
    Effect.gen(function*() {
      const config = yield* guarded(action)
      const current = yield* backend.inspect
      const definition = current.definition
      const plan = planLifecycle({
        installed: current.installed,
        runtime: current.runtime,
        // A node service's --port is its gateway's, not this config's listening port.
        servicePort: node ? undefined : commandPort(definition?.programArguments),
        expectedPort: config.port,
        driftedKeys: definition === undefined ? [] : driftedEnvKeys(definition, Object.fromEntries(specFor(config.port, []).env)),
        serviceVersion: definition === undefined ? undefined : effectiveEnv(definition)["OPENCLAW_SERVICE_VERSION"],
        currentVersion: ctx.version,
        staleProgramPaths: yield* stalePaths(current)
      }, action === "restart")
      if (preserveDefinition && (plan._tag === "Repair" || plan._tag === "RepairRefused")) {
        yield* backend.preflight(action)
        yield* backend.restart(current)
        return yield* finish(action, "done", `Restarted ${identity.name} with its installed definition (not rewritten: ${plan.reasons.join("; ")}).`, config, true)
      }
      switch (plan._tag) {
        case "NotInstalled":
          return yield* failed(action, "SERVICE_NOT_INSTALLED", `${noun} service not installed (${identity.name}).`, installCommand)
        case "AlreadyRunning":
          return yield* finish(action, "already", `${noun} service already running: ${identity.name}${plan.pid === undefined ? "" : ` (pid ${plan.pid})`}.`, config, true)
        case "RepairRefused":
          return yield* failed(action, "SERVICE_REPAIR_REQUIRED", `${noun} service needs repair before it can ${action}: ${plan.reasons.join("; ")}.`, node ? `${installCommand} --force` : plan.hint)
        case "Repair": {
          yield* backend.preflight(action)
          const secrets = yield* secretsFor(action, undefined, current)
          // A repair keeps how the service was told to start (wrapper, pinned node, --allow-unconfigured),
          // and a node service the gateway it was installed for.
          const launch = installedLaunch(definition?.programArguments, definition === undefined ? {} : effectiveEnv(definition), yield* stalePaths(current))
          const nodeHostArgs = node ? installedNodeHostArguments(definition?.programArguments) ?? nodeHostArguments({ host: "127.0.0.1", port: config.port }) : undefined
          yield* writeAndActivate(action, config.port, secrets, current, launch, nodeHostArgs)
          const verb = action === "start" ? "started" : "restarted"
          return yield* finish(action, "done", `Repaired and ${verb} ${identity.name} (${plan.reasons.join("; ")}).`, config, true)
        }
        case "Proceed": {
          yield* backend.preflight(action)
          yield* action === "start" ? backend.start(current) : backend.restart(current)
          return yield* finish(action, "done", `${action === "start" ? "Started" : "Restarted"} ${identity.name}.`, config, true)
        }
      }
    })

  const stop: Effect.Effect<ServiceActionResult, ServiceError> = Effect.gen(function*() {
    const config = yield* guarded("stop")
    const current = yield* backend.inspect
    if (!current.installed) return yield* finish("stop", "absent", `${noun} service not installed (${identity.name}); nothing to stop.`, config, false)
    yield* backend.stop(current)
    return yield* finish("stop", "done", `Stopped ${identity.name}.`, config, true)
  })

  const stopAndDisable: Effect.Effect<ServiceActionResult, ServiceError> = Effect.gen(function*() {
    const config = yield* guarded("stop")
    const current = yield* backend.inspect
    if (!current.installed) return yield* finish("stop", "absent", `${noun} service not installed (${identity.name}); nothing to stop.`, config, false)
    yield* backend.disable(current)
    return yield* finish("stop", "done", `Stopped and disabled ${identity.name}; it stays stopped (also across logins and reboots) until \`openclaw ${kind} start\`.`, config, true)
  })

  const uninstall: Effect.Effect<ServiceActionResult, ServiceError> = Effect.gen(function*() {
    const config = yield* guarded("uninstall")
    const current = yield* backend.inspect
    const leftovers = yield* Effect.filter(backend.files, ctx.serviceFiles.exists)
    if (!current.installed && leftovers.length === 0) {
      return yield* finish("uninstall", "absent", `${noun} service not installed (${identity.name}); nothing to uninstall.`, config, false)
    }
    if (current.installed) yield* backend.deactivate(current)
    yield* ctx.serviceFiles.remove("uninstall", backend.files)
    yield* backend.afterRemove
    return yield* finish("uninstall", "done", `Uninstalled ${identity.name} (removed ${backend.paths.definition}).`, config, false)
  })

  return {
    status: Effect.flatMap(readConfigFacts(ctx.store, ctx.host, ctx.paths), statusAfter),
    install,
    start: startOrRestart("start"),
    stop,
    stopAndDisable,
    restart: startOrRestart("restart"),
    restartAsInstalled: startOrRestart("restart", true),
    uninstall,
    extraServices: backend.extraServices
  }
}
