import { Effect } from "effect"
import { classifyServiceName, parseTaskList } from "../../domain/supervisor/extraServices.js"
import type { ServiceIdentity } from "../../domain/supervisor/identity.js"
import type { ExtraService } from "../../domain/supervisor/records.js"
import { parseSchtasksQuery } from "../../domain/supervisor/runtimeParse.js"
import { parseGatewayCmd } from "../../domain/supervisor/scheduledTask.js"
import type { ServicePaths } from "../../domain/supervisor/spec.js"
import type { BackendInspection, Exec, ServiceBackend } from "./backend.js"
import { decodeServiceFile, type ServiceFiles } from "./serviceFiles.js"

const SCHTASKS = "schtasks"

/**
 * The Task Scheduler backend: `schtasks /Create /XML` registers `<stateDir>/gateway.task.xml`, whose
 * action runs `<stateDir>/gateway.cmd`; `/Run`, `/End`, `/Delete` and `/Query` drive it.
 */
export const schtasksBackend = (identity: ServiceIdentity, paths: ServicePaths, exec: Exec, serviceFiles: ServiceFiles): ServiceBackend => {
  const task = identity.name

  const readDefinition = Effect.map(serviceFiles.readIfPresent(paths.envFile), (bytes) => {
    const parsed = bytes === undefined ? undefined : parseGatewayCmd(decodeServiceFile(bytes))
    return {
      platform: "schtasks" as const,
      path: paths.definition,
      programArguments: parsed?.programArguments,
      inlineEnv: {},
      fileEnv: parsed?.environment ?? {}
    }
  })

  const inspect: Effect.Effect<BackendInspection> = Effect.gen(function*() {
    const query = yield* exec.lenient(SCHTASKS, ["/Query", "/TN", task, "/V", "/FO", "LIST"])
    if (query.code !== 0) {
      return { installed: false, loaded: false, loadedText: "missing", runtime: { status: "stopped" }, definition: undefined }
    }
    // A task disabled by `stop --disable` stays registered but does not run at logon until `start`.
    const disabled = /^\s*Scheduled Task State:\s*Disabled\s*$/im.test(query.stdout)
    return { installed: true, loaded: !disabled, loadedText: disabled ? "disabled" : "registered", runtime: parseSchtasksQuery(query.stdout), definition: yield* readDefinition }
  })

  // `/End` of a task that is not running exits non-zero; that is not a failure of stop or restart.
  const end = Effect.asVoid(exec.lenient(SCHTASKS, ["/End", "/TN", task]))
  const run = (action: string) => Effect.asVoid(exec.checked(action, SCHTASKS, ["/Run", "/TN", task]))

  return {
    identity,
    paths,
    inspect,
    preflight: () => Effect.void,
    activate: (before, action) =>
      Effect.gen(function*() {
        if (before.runtime.status === "running") yield* end
        yield* exec.checked(action, SCHTASKS, ["/Create", "/TN", task, "/XML", paths.definition, "/F"])
        yield* run(action)
      }),
    start: (current) =>
      current.loaded ? run("start") : Effect.zipRight(exec.checked("start", SCHTASKS, ["/Change", "/TN", task, "/ENABLE"]), run("start")),
    stop: (current) => (current.runtime.status === "stopped" ? Effect.void : Effect.asVoid(exec.checked("stop", SCHTASKS, ["/End", "/TN", task]))),
    disable: (current) =>
      Effect.zipRight(
        current.runtime.status === "stopped" ? Effect.void : end,
        Effect.asVoid(exec.checked("stop", SCHTASKS, ["/Change", "/TN", task, "/DISABLE"]))
      ),
    restart: () => Effect.zipRight(end, run("restart")),
    deactivate: () => Effect.zipRight(end, Effect.asVoid(exec.checked("uninstall", SCHTASKS, ["/Delete", "/TN", task, "/F"]))),
    afterRemove: Effect.void,
    files: [paths.definition, paths.envFile],
    extraServices: () =>
      Effect.map(exec.lenient(SCHTASKS, ["/Query", "/FO", "CSV", "/NH"]), (result): ReadonlyArray<ExtraService> =>
        result.code !== 0
          ? []
          : parseTaskList(result.stdout)
            .map((name) => classifyServiceName("schtasks", name, "user", "scheduled task"))
            .filter((service): service is ExtraService => service !== undefined))
  }
}
