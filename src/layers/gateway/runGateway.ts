import { Console, Effect, Layer } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import { CONTROL_UI_SERVED } from "../../domain/dashboard/controlUi.js"
import { normalizeBasePath } from "../../domain/controlUi/routing.js"
import { notRunPaths } from "../../domain/config/notRun.js"
import { unsupportedNotice } from "../../domain/config/validate.js"
import { type AuthMode, resolveGatewayAuth } from "../../domain/auth/resolveAuth.js"
import { type BindMode, bindHostFor, checkAuth, checkMode, checkRunFlags, defaultBindMode, GatewayStartBlocked } from "../../domain/gateway/startGuards.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import { checkVersionGuard, newerConfigWarning, isOlderThanTouched } from "../../domain/Version.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"
import { GatewayServer } from "../../services/GatewayServer.js"
import { Host } from "../../services/Host.js"
import type { DeviceRegistry } from "../../services/DeviceRegistry.js"
import type { EventBus } from "../../services/EventBus.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import type { GatewayRuntime } from "../../services/GatewayRuntime.js"
import type { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { AuthRateLimiterLive, rateLimitFromConfig } from "../AuthRateLimiterLive.js"
import { DeviceRegistryLive } from "../DeviceRegistryLive.js"
import { EventBusLive } from "../EventBusLive.js"
import { GatewayLogLive } from "../GatewayLogLive.js"
import { GatewayRuntimeLive } from "../GatewayRuntimeLive.js"
import { MethodRegistryLive } from "../MethodRegistryLive.js"
import { acquireGatewayLocks } from "./GatewayLock.js"
import { ActiveWorkLive } from "./ActiveWorkLive.js"
import { GatewayRestartLive } from "./GatewayRestartLive.js"
import { RestartMethodsLive } from "./methods/restartMethods.js"
import type { ActiveWork } from "../../services/ActiveWork.js"
import { GatewayRestart } from "../../services/GatewayRestart.js"
import { GatewayBindError, GatewayServerLive } from "./GatewayServerLive.js"
import { GatewayHealthLive } from "./GatewayHealthLive.js"
import { CoreMethodsLive } from "./methods/core.js"
import { DeviceMethodsLive } from "./methods/devices.js"
import { forceFreePort } from "./forcePort.js"
import { answersAsGateway } from "./healthzProbe.js"
import { portOwners } from "./processInfo.js"

/** Options of `openclaw gateway run`. */
export interface RunOptions {
  readonly port?: string | undefined
  readonly bind?: string | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
  readonly auth?: string | undefined
  readonly allowUnconfigured: boolean
  readonly force: boolean
  readonly dev: boolean
  /** Feature layers that register more methods (agent and chat, ...). */
  readonly features?: ReadonlyArray<Layer.Layer<never, never, GatewayFeatureContext>>
}

const fail = (code: GatewayStartBlocked["code"], message: string, exitCode = 1) => Effect.fail(new GatewayStartBlocked({ code, message, exitCode }))

/**
 * Runs the gateway in the foreground: start guards, locks, listen (EADDRINUSE retried on the policy's schedule), then
 * serve until interrupted (SIGINT/SIGTERM). Resolves once the gateway has shut down cleanly.
 */
export const runGateway = (options: RunOptions) =>
  Effect.gen(function*() {
    const paths = yield* Paths
    const host = yield* Host
    const store = yield* ConfigStore
    const policy = yield* GatewayPolicy
    const flagProblem = checkRunFlags(options)
    if (flagProblem !== undefined) return yield* flagProblem

    const snapshot = yield* store.read
    if (snapshot.parseError !== undefined || snapshot.config === undefined) {
      const issues = snapshot.parseError !== undefined
        ? [`  × ${snapshot.parseError.message}`]
        : snapshot.issues.map((i) => `  × ${i.path}: ${i.message}`)
      return yield* fail("GATEWAY_CONFIG_INVALID", [`Invalid config at ${store.path}`, ...issues, "Run `openclaw doctor --fix` to repair, or `openclaw config validate` to list the problems."].join("\n"), 78)
    }
    const config = snapshot.config
    for (const warning of snapshot.warnings) yield* Console.error(warning)
    const notRun = notRunPaths(config, snapshot.unsupported)
    for (const path of notRun) yield* Console.error(`config: ${unsupportedNotice(path)}`)

    const serviceMode = host.env["OPENCLAW_SERVICE_MARKER"] !== undefined
    const touched = config.meta?.lastTouchedVersion
    if (serviceMode) {
      const refusal = checkVersionGuard({ action: "run gateway state preparation", currentVersion: VERSION, touchedVersion: touched, override: host.env["OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS"], serviceMode: true })
      if (refusal !== undefined) return yield* refusal
    } else if (touched !== undefined && isOlderThanTouched(VERSION, touched)) {
      yield* Console.error(newerConfigWarning(touched, VERSION))
    }

    const modeProblem = checkMode({ exists: snapshot.exists, config, allowUnconfigured: options.allowUnconfigured })
    if (modeProblem !== undefined) return yield* modeProblem

    const inContainer = yield* host.inContainer
    const bind = (options.bind ?? config.gateway?.bind ?? defaultBindMode(inContainer)) as BindMode
    const bindHost = bindHostFor(bind, config.gateway?.customBindHost, inContainer)
    if (typeof bindHost !== "string") return yield* bindHost
    const authMode = options.auth as AuthMode | undefined
    if (authMode !== undefined && !["none", "token", "password", "trusted-proxy"].includes(authMode)) {
      return yield* fail("GATEWAY_INVALID_OPTION", "Invalid --auth (use \"none\", \"token\", \"password\", or \"trusted-proxy\")")
    }
    const overrides = { mode: authMode, token: options.token, password: options.password }
    const auth = resolveGatewayAuth(config.gateway, host.env, overrides)
    const rawGateway = (snapshot.authored as { gateway?: Record<string, unknown> } | undefined)?.gateway
    const authProblem = checkAuth({
      auth,
      explicitMode: authMode !== undefined || config.gateway?.auth?.mode !== undefined,
      bind,
      bindHost,
      legacyTokenPresent: rawGateway !== undefined && "token" in rawGateway,
      inContainer
    })
    if (authProblem !== undefined) return yield* authProblem
    for (const ref of auth.unresolved) yield* Console.error(`gateway auth: SecretRef ${ref} could not be resolved`)

    const { port } = resolveGatewayPort({
      flag: options.port === undefined ? undefined : Number(options.port),
      env: host.env,
      configPort: config.gateway?.port,
      dev: options.dev || paths.dev
    })
    const url = `ws://${bindHost === "0.0.0.0" ? "127.0.0.1" : bindHost}:${port}`

    if (options.force) {
      const refusal = checkVersionGuard({ action: "force-kill gateway port listeners", currentVersion: VERSION, touchedVersion: touched, override: host.env["OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS"], serviceMode })
      if (refusal !== undefined) return yield* refusal
      const lines = yield* forceFreePort(port)
      for (const line of lines) yield* Console.log(line)
    }

    // Under a supervisor, a healthy gateway already on the port is left alone: exit 78 so
    // RestartPreventExitStatus=78 stops the unit instead of restart-looping against it.
    if (serviceMode && !options.force) {
      const probeHost = bindHost === "0.0.0.0" ? "127.0.0.1" : bindHost
      const healthy = yield* answersAsGateway(probeHost, port).pipe(Effect.timeoutTo({ duration: "1 second", onTimeout: () => false, onSuccess: (ok) => ok }))
      if (healthy) {
        return yield* fail("GATEWAY_ALREADY_RUNNING", `Gateway already running and healthy on ${url}; leaving it alone (supervised start exits 78).\nStop the other gateway first (openclaw gateway status --deep shows it), or give this one another port.`, 78)
      }
    }

    // One scope owns the locks and the running gateway: interruption (SIGINT/SIGTERM) closes both.
    return yield* Effect.scoped(Effect.gen(function*() {
      const scope = yield* Effect.scope
      yield* acquireGatewayLocks({
        stateDir: paths.stateDir,
        configPath: store.path,
        port,
        allowMulti: host.env["OPENCLAW_ALLOW_MULTI_GATEWAY"] === "1",
        poll: policy.lockPoll,
        timeout: policy.lockTimeout
      }).pipe(Effect.catchTag("GatewayLockError", (e) => Effect.fail(new GatewayStartBlocked({ code: "GATEWAY_LOCKED", message: e.message, exitCode: 1 }))))
      const logging = config.logging
      const layer = gatewayLayer({
        host: bindHost,
        port,
        bindMode: bind,
        configHash: snapshot.hash,
        config,
        auth,
        overrides,
        logFile: logging?.file,
        logLevel: host.env["OPENCLAW_LOG_LEVEL"] ?? logging?.level,
        maxFileBytes: logging?.maxFileBytes,
        redactPatterns: logging?.redactPatterns,
        profile: paths.profile,
        ...(options.features === undefined ? {} : { features: options.features })
      })
      const context = yield* Layer.buildWithScope(layer, scope).pipe(
        Effect.retry({
          while: (e) => e instanceof GatewayBindError && e.errno === "EADDRINUSE",
          schedule: policy.bindRetry
        }),
        Effect.catchAll((e) => {
          if (e instanceof GatewayBindError && e.errno === "EADDRINUSE") {
            return Effect.flatMap(portOwners(port), (found) => {
              const owners = found.map((o) => `Port ${port} is in use by pid ${o.pid}: ${o.command}`)
              return fail("GATEWAY_PORT_IN_USE", [`Gateway failed to start: another gateway instance is already listening on ${url}`, "If the gateway is supervised, stop it with: openclaw gateway stop", ...owners].join("\n"))
            })
          }
          return fail("GATEWAY_BIND_FAILED", [`Gateway failed to start: failed to bind gateway socket on ${url}: ${e instanceof GatewayBindError ? e.message : String(e)}`, "If the gateway is supervised, stop it with: openclaw gateway stop"].join("\n"))
        })
      )
      const listening = yield* GatewayServer.pipe(Effect.provide(context))
      const log = yield* GatewayLog.pipe(Effect.provide(context))
      for (const path of notRun) yield* log.write({ level: "warn", message: `config: ${unsupportedNotice(path)}`, fields: { subsystem: "config" } })
      // The first good start makes this config the last-known-good one.
      yield* store.promoteLastGood(snapshot).pipe(Effect.ignore)
      yield* Console.log(`Gateway listening on ${listening.url} (auth ${auth.mode}; pid ${process.pid})`)
      if (CONTROL_UI_SERVED && config.gateway?.controlUi?.enabled !== false) {
        yield* Console.log(`Dashboard: http://${bindHost === "0.0.0.0" ? "127.0.0.1" : bindHost}:${listening.port}${normalizeBasePath(config.gateway?.controlUi?.basePath)}/`)
      }
      // Serve until interrupted, or until a requested restart is due: then this scope closes (shutdown
      // event, in-flight requests drained, sockets closed with 1012) and the caller starts over.
      const due = yield* GatewayRestart.pipe(Effect.flatMap((restart) => restart.due), Effect.provide(context))
      yield* log.write({ level: "info", message: `gateway restarting in process (${due.reason}${due.forced ? "; drain budget spent" : ""})`, fields: { subsystem: "gateway/restart" } })
      yield* Console.log(`Gateway restarting (${due.reason})${due.forced ? ": drain budget spent with work still active" : ""}`)
      return "restart" as const
    }))
  })

/**
 * `runGateway` again after each in-process restart (`gateway.restart.request`), re-reading the config
 * and re-checking the start guards each time; ends only when the gateway stops or fails to start.
 */
export const runGatewayRestarting = (options: RunOptions) =>
  runGateway(options).pipe(Effect.repeat({ while: (outcome) => outcome === "restart" }))

/** The whole gateway as one layer, on top of the config foundation and a GatewayPolicy. */
export const gatewayLayer = (input: {
  readonly host: string
  readonly port: number
  readonly bindMode: string
  readonly configHash: string | undefined
  readonly config: import("../../domain/config/ConfigSchema.js").OpenClawConfig
  readonly auth: import("../../domain/auth/resolveAuth.js").ResolvedAuth
  readonly overrides: import("../../domain/auth/resolveAuth.js").AuthOverrides
  readonly logFile?: string | undefined
  readonly logLevel?: string | undefined
  readonly maxFileBytes?: number | undefined
  readonly redactPatterns?: ReadonlyArray<string> | undefined
  readonly profile?: string | undefined
  /** Feature layers that register more methods (each feature owns its handlers). */
  readonly features?: ReadonlyArray<Layer.Layer<never, never, GatewayFeatureContext>>
  /** The bundled Control UI's folder (tests point it at a fixture); defaults to `dist/control-ui`. */
  readonly controlUiRoot?: string | undefined
}) => {
  const runtime = GatewayRuntimeLive({ config: input.config, configHash: input.configHash, auth: input.auth, bindMode: input.bindMode, bindHost: input.host, port: input.port })
  const base = Layer.mergeAll(
    EventBusLive,
    MethodRegistryLive,
    runtime,
    DeviceRegistryLive,
    ActiveWorkLive,
    AuthRateLimiterLive(rateLimitFromConfig(input.config.gateway)),
    GatewayLogLive({
      ...(input.logFile === undefined ? {} : { file: input.logFile }),
      ...(isLogLevel(input.logLevel) ? { level: input.logLevel } : {}),
      ...(input.maxFileBytes === undefined ? {} : { maxFileBytes: input.maxFileBytes }),
      ...(input.redactPatterns === undefined ? {} : { redactPatterns: [...input.redactPatterns] }),
      ...(input.profile === undefined ? {} : { profile: input.profile })
    })
  )
  const health = GatewayHealthLive.pipe(Layer.provide(runtime))
  const restart = GatewayRestartLive.pipe(Layer.provide(base))
  const methods = Layer.mergeAll(CoreMethodsLive, DeviceMethodsLive, RestartMethodsLive, ...(input.features ?? [])).pipe(Layer.provide(Layer.mergeAll(base, health, restart)))
  const server = GatewayServerLive({ host: input.host, port: input.port, authOverrides: input.overrides, controlUiRoot: input.controlUiRoot }).pipe(Layer.provide(Layer.mergeAll(base, health, methods)))
  return Layer.mergeAll(server, base, restart)
}

/** What a feature layer may use while registering its methods. */
export type GatewayFeatureContext = MethodRegistry | GatewayRuntime | EventBus | GatewayLog | DeviceRegistry | ActiveWork

const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const
const isLogLevel = (value: string | undefined): value is typeof LOG_LEVELS[number] => LOG_LEVELS.some((level) => level === value)
