import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { VERSION } from "../../domain/BuildInfo.js"
import { gatewayHeapMiB } from "../../domain/supervisor/environment.js"
import { type ServiceKind, serviceIdentity } from "../../domain/supervisor/identity.js"
import type { ServicePlatform } from "../../domain/supervisor/records.js"
import type { ServiceAction } from "../../domain/supervisor/report.js"
import { servicePaths } from "../../domain/supervisor/spec.js"
import { CommandRunner } from "../../services/CommandRunner.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { type InstallOptions, NodeServiceManager, ServiceManager, ServiceManagerUnavailable } from "../../services/ServiceManager.js"
import { StateFiles } from "../../services/StateFiles.js"
import { makeExec, type ServiceBackend } from "./backend.js"
import { launchdBackend } from "./launchdBackend.js"
import { makeLifecycle, refuseExternal, refuseIsolated } from "./lifecycle.js"
import { schtasksBackend } from "./schtasksBackend.js"
import { makeServiceFiles } from "./serviceFiles.js"
import { systemdBackend } from "./systemdBackend.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"

/** The exact message of ServiceManagerUnavailable when no supervisor is found. */
export const NO_SERVICE_MANAGER = "no supported service manager detected"

/** How the live manager finds its platform and the program it installs; every field has a real-host default. */
export interface ServiceManagerOptions {
  /**
   * Pin the backend instead of detecting it (tests run every backend on Linux this way); `none`
   * behaves like a host without a supervisor.
   */
  readonly platform?: ServicePlatform | "none" | undefined
  /** The host OS used for detection (default `process.platform`). */
  readonly hostPlatform?: NodeJS.Platform | undefined
  /** Node binary the service runs (default `process.execPath`). */
  readonly nodePath?: string | undefined
  /** The openclaw entry script (default: the real path of `process.argv[1]`). */
  readonly entryPath?: string | undefined
  /** Memory used to size the heap limit; `null` writes no NODE_OPTIONS (default `os.totalmem()`). */
  readonly memoryBytes?: number | null | undefined
  /** launchd `gui/<uid>` domain (default `process.getuid()`). */
  readonly uid?: number | undefined
  /** Root for system-level scans and the LaunchDaemon check (default `/`). */
  readonly systemRoot?: string | undefined
  /** Windows task user (default `USERDOMAIN\USERNAME` from the environment). */
  readonly userId?: string | undefined
  /** Timeout for each supervisor command (default 15 s). */
  readonly commandTimeoutMs?: number | undefined
  /** Temp dir a service command must not point into (default `os.tmpdir()`). */
  readonly tmpDir?: string | undefined
  /** Which program the service runs (default the gateway). */
  readonly kind?: ServiceKind | undefined
}

/** The real path of the running entry script (`process.argv[1]`), as the service must run it. */
const realEntry = (fs: FileSystem.FileSystem) => {
  const entry = process.argv[1]
  if (entry === undefined) return Effect.succeed(path.resolve("openclaw"))
  return fs.realPath(entry).pipe(Effect.orElseSucceed(() => path.resolve(entry)))
}

const windowsUser = (env: Readonly<Record<string, string | undefined>>) => {
  const name = nonEmpty(env["USERNAME"]) ?? nonEmpty(env["USER"])
  if (name === undefined) return undefined
  const domain = nonEmpty(env["USERDOMAIN"])
  return name.includes("\\") || domain === undefined ? name : `${domain}\\${name}`
}

/** The node host's OS service: the same supervisors, under the node names (`openclaw node install`). */
export const NodeServiceManagerLive = (options: Omit<ServiceManagerOptions, "kind"> = {}) =>
  Layer.effect(NodeServiceManager, Effect.map(ServiceManager, (manager) => manager)).pipe(
    Layer.provide(ServiceManagerLive({ ...options, kind: "node" }))
  )

/**
 * The gateway's OS service on this host: systemd user units (when `systemctl --user` answers),
 * launchd LaunchAgents on macOS, Task Scheduler on Windows. Without a supervisor every method fails
 * with ServiceManagerUnavailable (`no supported service manager detected`).
 */
export const ServiceManagerLive = (options: ServiceManagerOptions = {}) =>
  Layer.effect(
    ServiceManager,
    Effect.gen(function*() {
      const runner = yield* CommandRunner
      const host = yield* Host
      const paths = yield* Paths
      const store = yield* ConfigStore
      const fs = yield* FileSystem.FileSystem
      const stateFiles = yield* StateFiles
      const serviceFiles = makeServiceFiles(fs, stateFiles)
      const exec = makeExec(runner, options.commandTimeoutMs ?? 15_000)
      // The home the supervisor will give the service: HOME on Unix; on Windows the profile dir (a Git Bash HOME is not it).
      const homeFor = (platform: ServicePlatform) =>
        (platform === "schtasks" ? nonEmpty(host.env["USERPROFILE"]) : nonEmpty(host.env["HOME"])) ?? host.osHome
      const memory = options.memoryBytes === undefined ? os.totalmem() : options.memoryBytes
      const kind = options.kind ?? "gateway"

      const detect: Effect.Effect<ServicePlatform | undefined> = options.platform !== undefined
        ? Effect.succeed(options.platform === "none" ? undefined : options.platform)
        : Effect.gen(function*() {
          switch (options.hostPlatform ?? process.platform) {
            case "darwin":
              return "launchd" as const
            case "win32":
              return "schtasks" as const
            case "linux": {
              const probe = yield* exec.lenient("systemctl", ["--user", "show-environment"])
              return probe.code === 0 ? "systemd" as const : undefined
            }
            default:
              return undefined
          }
        })

      const build = (platform: ServicePlatform): ServiceBackend => {
        const home = homeFor(platform)
        const identity = serviceIdentity(platform, paths.profile, host.env, kind)
        const files = servicePaths(identity, { home, stateDir: paths.stateDir, xdgConfigHome: host.env["XDG_CONFIG_HOME"] })
        switch (platform) {
          case "systemd":
            return systemdBackend(identity, files, exec, serviceFiles)
          case "launchd":
            return launchdBackend(identity, files, exec, serviceFiles, {
              uid: options.uid ?? process.getuid?.() ?? 0,
              home,
              systemRoot: options.systemRoot ?? path.parse(home).root
            })
          case "schtasks":
            return schtasksBackend(identity, files, exec, serviceFiles)
        }
      }

      const detected = yield* Effect.cached(Effect.gen(function*() {
        const platform = yield* detect
        if (platform === undefined) return undefined
        return {
          platform,
          manager: makeLifecycle(build(platform), {
            host,
            paths,
            store,
            serviceFiles,
            stateFiles,
            home: homeFor(platform),
            nodePath: options.nodePath ?? process.execPath,
            entryPath: options.entryPath ?? (yield* realEntry(fs)),
            heapMiB: memory === null ? undefined : gatewayHeapMiB(memory),
            userId: options.userId ?? windowsUser(host.env),
            tmpDir: options.tmpDir ?? os.tmpdir(),
            version: VERSION
          })
        }
      }))

      const withManager = Effect.flatMap(detected, (found) =>
        found === undefined ? Effect.fail(new ServiceManagerUnavailable({ message: NO_SERVICE_MANAGER })) : Effect.succeed(found))

      // Refusals that need no supervisor: isolated state for every mutation, an external supervisor
      // for all but restart (restart goes through whichever supervisor is there).
      const guardsThen = <A, E>(action: ServiceAction, external: boolean, effect: Effect.Effect<A, E>) =>
        refuseIsolated(paths, action, kind).pipe(
          // OPENCLAW_SUPERVISOR_MODE=external speaks of the gateway; the node service is ours either way.
          Effect.zipRight(external && kind === "gateway" ? refuseExternal(host.env, action) : Effect.void),
          Effect.zipRight(effect)
        )

      return {
        platform: Effect.map(withManager, (found) => found.platform).pipe(Effect.withSpan("ServiceManager.platform")),
        status: Effect.flatMap(withManager, (found) => found.manager.status).pipe(Effect.withSpan("ServiceManager.status")),
        install: Effect.fn("ServiceManager.install")((installOptions: InstallOptions) =>
          guardsThen("install", true, Effect.flatMap(withManager, (found) => found.manager.install(installOptions)))),
        start: guardsThen("start", true, Effect.flatMap(withManager, (found) => found.manager.start)).pipe(Effect.withSpan("ServiceManager.start")),
        stop: guardsThen("stop", true, Effect.flatMap(withManager, (found) => found.manager.stop)).pipe(Effect.withSpan("ServiceManager.stop")),
        stopAndDisable: guardsThen("stop", true, Effect.flatMap(withManager, (found) => found.manager.stopAndDisable)).pipe(Effect.withSpan("ServiceManager.stopAndDisable")),
        restart: guardsThen("restart", false, Effect.flatMap(withManager, (found) => found.manager.restart)).pipe(Effect.withSpan("ServiceManager.restart")),
        restartAsInstalled: guardsThen("restart", false, Effect.flatMap(withManager, (found) => found.manager.restartAsInstalled)).pipe(
          Effect.withSpan("ServiceManager.restartAsInstalled")
        ),
        uninstall: guardsThen("uninstall", true, Effect.flatMap(withManager, (found) => found.manager.uninstall)).pipe(Effect.withSpan("ServiceManager.uninstall")),
        extraServices: Effect.fn("ServiceManager.extraServices")((deep: boolean) =>
          Effect.flatMap(detected, (found) => (found === undefined || kind === "node" ? Effect.succeed([]) : found.manager.extraServices(deep))))
      }
    })
  )
