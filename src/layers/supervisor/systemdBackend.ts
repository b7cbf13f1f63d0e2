import { Effect } from "effect"
import { parseEnvFile } from "../../domain/supervisor/environment.js"
import { classifyServiceName, parseUnitFileList } from "../../domain/supervisor/extraServices.js"
import type { ServiceIdentity } from "../../domain/supervisor/identity.js"
import type { ExtraService } from "../../domain/supervisor/records.js"
import { parseSystemctlShow, SYSTEMD_SHOW_PROPERTIES } from "../../domain/supervisor/runtimeParse.js"
import type { ServicePaths } from "../../domain/supervisor/spec.js"
import { parseSystemdUnit } from "../../domain/supervisor/systemdUnit.js"
import { type BackendInspection, type Exec, firstLine, type ServiceBackend, unknownRuntime } from "./backend.js"
import { decodeServiceFile, type ServiceFiles } from "./serviceFiles.js"

const SYSTEMCTL = "systemctl"
const user = (...args: ReadonlyArray<string>) => ["--user", ...args]

/** The systemd user-unit backend: `systemctl --user` over `~/.config/systemd/user/<unit>`. */
export const systemdBackend = (identity: ServiceIdentity, paths: ServicePaths, exec: Exec, serviceFiles: ServiceFiles): ServiceBackend => {
  const unit = identity.name

  const readDefinition = Effect.gen(function*() {
    const bytes = yield* serviceFiles.readIfPresent(paths.definition)
    if (bytes === undefined) return undefined
    const parsed = parseSystemdUnit(decodeServiceFile(bytes))
    const fileEnv: Record<string, string> = {}
    for (const file of parsed.environmentFiles) {
      const envBytes = yield* serviceFiles.readIfPresent(file)
      if (envBytes !== undefined) Object.assign(fileEnv, parseEnvFile(decodeServiceFile(envBytes)))
    }
    return {
      platform: "systemd" as const,
      path: paths.definition,
      programArguments: parsed.programArguments,
      inlineEnv: parsed.environment,
      fileEnv,
      systemdDirectives: parsed.directives
    }
  })

  const inspect: Effect.Effect<BackendInspection> = Effect.gen(function*() {
    const definition = yield* readDefinition
    if (definition === undefined) {
      return { installed: false, loaded: false, loadedText: "disabled", runtime: { status: "stopped" }, definition: undefined }
    }
    const show = yield* exec.lenient(SYSTEMCTL, user("show", unit, "--no-pager", "-p", SYSTEMD_SHOW_PROPERTIES))
    if (show.code !== 0) {
      return { installed: true, loaded: false, loadedText: "disabled", runtime: unknownRuntime(firstLine(show.stderr)), definition }
    }
    const { runtime, enabled } = parseSystemctlShow(show.stdout)
    return { installed: true, loaded: enabled, loadedText: enabled ? "enabled" : "disabled", runtime, definition }
  })

  const listUnits = (scope: "user" | "system") =>
    Effect.map(
      exec.lenient(SYSTEMCTL, [...(scope === "user" ? ["--user"] : []), "list-unit-files", "--type=service", "--no-legend", "--no-pager"]),
      (result): ReadonlyArray<ExtraService> =>
        result.code !== 0
          ? []
          : parseUnitFileList(result.stdout)
            .map(({ name, state }) => classifyServiceName("systemd", name, scope, `unit file ${state}`))
            .filter((service): service is ExtraService => service !== undefined)
    )

  return {
    identity,
    paths,
    inspect,
    preflight: () => Effect.void,
    activate: (_before, action) =>
      Effect.gen(function*() {
        yield* exec.checked(action, SYSTEMCTL, user("daemon-reload"))
        yield* exec.checked(action, SYSTEMCTL, user("enable", unit))
        yield* exec.checked(action, SYSTEMCTL, user("restart", unit))
      }),
    // A unit left disabled by `stop --disable` is enabled again: start undoes it.
    start: (current) =>
      Effect.gen(function*() {
        if (!current.loaded) yield* exec.checked("start", SYSTEMCTL, user("enable", unit))
        yield* exec.checked("start", SYSTEMCTL, user("start", unit))
      }),
    stop: () => Effect.asVoid(exec.checked("stop", SYSTEMCTL, user("stop", unit))),
    disable: () => Effect.asVoid(exec.checked("stop", SYSTEMCTL, user("disable", "--now", unit))),
    restart: () => Effect.asVoid(exec.checked("restart", SYSTEMCTL, user("restart", unit))),
    deactivate: () => Effect.asVoid(exec.checked("uninstall", SYSTEMCTL, user("disable", "--now", unit))),
    afterRemove: Effect.asVoid(exec.checked("uninstall", SYSTEMCTL, user("daemon-reload"))),
    files: [paths.definition, paths.envFile],
    extraServices: (deep) =>
      Effect.map(Effect.all([listUnits("user"), deep ? listUnits("system") : Effect.succeed([])]), ([a, b]) => [...a, ...b])
  }
}
