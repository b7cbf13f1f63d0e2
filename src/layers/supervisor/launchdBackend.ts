import { Effect } from "effect"
import * as path from "node:path"
import { parseEnvFile } from "../../domain/supervisor/environment.js"
import { classifyServiceName } from "../../domain/supervisor/extraServices.js"
import type { ServiceIdentity } from "../../domain/supervisor/identity.js"
import { parseLaunchdPlist } from "../../domain/supervisor/launchdPlist.js"
import type { ExtraService } from "../../domain/supervisor/records.js"
import { parseLaunchctlPrint } from "../../domain/supervisor/runtimeParse.js"
import type { ServicePaths } from "../../domain/supervisor/spec.js"
import { ServiceActionFailed } from "../../services/ServiceManager.js"
import type { BackendInspection, Exec, ServiceBackend } from "./backend.js"
import { decodeServiceFile, type ServiceFiles } from "./serviceFiles.js"

const LAUNCHCTL = "launchctl"

/** Where launchd looks for jobs; `systemRoot` is `/` outside tests. */
export interface LaunchdFacts {
  readonly uid: number
  readonly home: string
  readonly systemRoot: string
}

/** The LaunchAgent backend: `launchctl bootstrap|bootout|kickstart|print` in the `gui/<uid>` domain. */
export const launchdBackend = (identity: ServiceIdentity, paths: ServicePaths, exec: Exec, serviceFiles: ServiceFiles, facts: LaunchdFacts): ServiceBackend => {
  const domain = `gui/${facts.uid}`
  const target = `${domain}/${identity.name}`
  const wrapper = paths.wrapper ?? ""

  const readDefinition = Effect.gen(function*() {
    const bytes = yield* serviceFiles.readIfPresent(paths.definition)
    if (bytes === undefined) return undefined
    const parsed = parseLaunchdPlist(decodeServiceFile(bytes), wrapper)
    const envBytes = parsed?.environmentFile === undefined ? undefined : yield* serviceFiles.readIfPresent(parsed.environmentFile)
    return {
      platform: "launchd" as const,
      path: paths.definition,
      programArguments: parsed?.programArguments,
      inlineEnv: parsed?.environment ?? {},
      fileEnv: envBytes === undefined ? {} : parseEnvFile(decodeServiceFile(envBytes)),
      launchd: parsed === undefined ? undefined : { keepAlive: parsed.keepAlive, runAtLoad: parsed.runAtLoad }
    }
  })

  const inspect: Effect.Effect<BackendInspection> = Effect.gen(function*() {
    const definition = yield* readDefinition
    const printed = yield* exec.lenient(LAUNCHCTL, ["print", target])
    const loaded = printed.code === 0
    return {
      installed: definition !== undefined,
      loaded,
      loadedText: loaded ? "loaded" : "not loaded",
      runtime: loaded ? parseLaunchctlPrint(printed.stdout) : { status: "stopped" },
      definition
    }
  })

  const load = (action: string) =>
    Effect.gen(function*() {
      // A `launchctl disable` from an earlier `stop --disable` would make bootstrap fail.
      yield* exec.checked(action, LAUNCHCTL, ["enable", target])
      yield* exec.checked(action, LAUNCHCTL, ["bootstrap", domain, paths.definition])
    })

  const listPlists = (dir: string, scope: "user" | "system") =>
    Effect.map(serviceFiles.list(dir), (entries): ReadonlyArray<ExtraService> =>
      entries
        .filter((entry) => entry.endsWith(".plist"))
        .sort()
        .map((entry) => classifyServiceName("launchd", entry.slice(0, -".plist".length), scope, path.join(dir, entry)))
        .filter((service): service is ExtraService => service !== undefined))

  const systemPlist = path.join(facts.systemRoot, "Library", "LaunchDaemons", `${identity.name}.plist`)

  return {
    identity,
    paths,
    inspect,
    // Two KeepAlive managers for one label would fight over the gateway; the system job wins, even over --force.
    preflight: (action) =>
      Effect.gen(function*() {
        const systemJob = yield* exec.lenient(LAUNCHCTL, ["print", `system/${identity.name}`])
        if (systemJob.code === 0 || (yield* serviceFiles.exists(systemPlist))) {
          return yield* new ServiceActionFailed({
            code: "SERVICE_ACTION_FAILED",
            action,
            message: `A system LaunchDaemon already uses the label ${identity.name} (${systemPlist}); OpenClaw manages only the per-user LaunchAgent.`,
            hint: `keep the system job and set OPENCLAW_SERVICE_REPAIR_POLICY=external, or remove it (sudo launchctl bootout system/${identity.name}) and rerun openclaw gateway install`
          })
        }
      }),
    activate: (before, action) =>
      Effect.gen(function*() {
        if (before.loaded) yield* exec.checked(action, LAUNCHCTL, ["bootout", target])
        yield* load(action)
      }),
    start: (current) => (current.loaded ? Effect.asVoid(exec.checked("start", LAUNCHCTL, ["kickstart", target])) : load("start")),
    stop: (current) => (current.loaded ? Effect.asVoid(exec.checked("stop", LAUNCHCTL, ["bootout", target])) : Effect.void),
    // `disable` persists across reboots and suppresses KeepAlive/RunAtLoad; `start` (load) enables it again.
    disable: (current) =>
      Effect.gen(function*() {
        yield* exec.checked("stop", LAUNCHCTL, ["disable", target])
        if (current.loaded) yield* exec.checked("stop", LAUNCHCTL, ["bootout", target])
      }),
    restart: (current) => (current.loaded ? Effect.asVoid(exec.checked("restart", LAUNCHCTL, ["kickstart", "-k", target])) : load("restart")),
    deactivate: (current) => (current.loaded ? Effect.asVoid(exec.checked("uninstall", LAUNCHCTL, ["bootout", target])) : Effect.void),
    afterRemove: Effect.void,
    files: [paths.definition, paths.envFile, ...(paths.wrapper === undefined ? [] : [paths.wrapper])],
    extraServices: (deep) =>
      Effect.map(
        Effect.all([
          listPlists(path.join(facts.home, "Library", "LaunchAgents"), "user"),
          ...(deep
            ? [listPlists(path.join(facts.systemRoot, "Library", "LaunchAgents"), "system"), listPlists(path.join(facts.systemRoot, "Library", "LaunchDaemons"), "system")]
            : [])
        ]),
        (lists) => lists.flat()
      )
  }
}
