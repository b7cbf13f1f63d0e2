import { Effect } from "effect"
import type { InstalledDefinition } from "../../domain/supervisor/definition.js"
import type { ServiceIdentity } from "../../domain/supervisor/identity.js"
import type { ExtraService, ServiceRuntime } from "../../domain/supervisor/records.js"
import type { ServicePaths } from "../../domain/supervisor/spec.js"
import type { CommandResult, CommandRunner } from "../../services/CommandRunner.js"
import { ServiceActionFailed } from "../../services/ServiceManager.js"

/** The installed service as one platform sees it. */
export interface BackendInspection {
  readonly installed: boolean
  /** Whether the supervisor has it loaded/enabled/registered (drives `loadedText`). */
  readonly loaded: boolean
  readonly loadedText: string
  readonly runtime: ServiceRuntime
  readonly definition: InstalledDefinition | undefined
}

/**
 * One supervisor (systemd user, launchd, Task Scheduler): reads the installed service and drives the
 * platform's commands. Files are written by the caller; the backend only names them.
 */
export interface ServiceBackend {
  readonly identity: ServiceIdentity
  readonly paths: ServicePaths
  readonly inspect: Effect.Effect<BackendInspection>
  /** Ownership checks before install, start and restart (launchd: a same-label system LaunchDaemon). */
  readonly preflight: (action: string) => Effect.Effect<void, ServiceActionFailed>
  /** After new files are written: make the supervisor load them and (re)start the gateway. */
  readonly activate: (before: BackendInspection, action: string) => Effect.Effect<void, ServiceActionFailed>
  readonly start: (current: BackendInspection) => Effect.Effect<void, ServiceActionFailed>
  readonly stop: (current: BackendInspection) => Effect.Effect<void, ServiceActionFailed>
  /** Stop, and keep the supervisor from starting it again until the next `start` re-enables it. */
  readonly disable: (current: BackendInspection) => Effect.Effect<void, ServiceActionFailed>
  readonly restart: (current: BackendInspection) => Effect.Effect<void, ServiceActionFailed>
  /** Before the files are removed: stop and unregister. */
  readonly deactivate: (current: BackendInspection) => Effect.Effect<void, ServiceActionFailed>
  /** After the files are removed (systemd reloads its unit list). */
  readonly afterRemove: Effect.Effect<void, ServiceActionFailed>
  /** Files `uninstall` removes. */
  readonly files: ReadonlyArray<string>
  readonly extraServices: (deep: boolean) => Effect.Effect<ReadonlyArray<ExtraService>>
}

/** Runs supervisor commands for one action with the policy timeout. */
export interface Exec {
  /** The command must exit 0, else the action fails with its output. */
  readonly checked: (action: string, command: string, args: ReadonlyArray<string>) => Effect.Effect<CommandResult, ServiceActionFailed>
  /** Any exit is fine; an unavailable program reads as exit 127. */
  readonly lenient: (command: string, args: ReadonlyArray<string>) => Effect.Effect<CommandResult>
}

/** The first non-blank line of command output. */
export const firstLine = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "")

/** Builds the command helpers over a CommandRunner. */
export const makeExec = (runner: CommandRunner["Type"], timeoutMs: number): Exec => ({
  checked: (action, command, args) =>
    runner.run(command, args, { timeoutMs }).pipe(
      Effect.catchTag("CommandUnavailable", (e) =>
        Effect.fail(new ServiceActionFailed({ code: "SERVICE_ACTION_FAILED", action, message: `${command} is not available: ${e.message}` }))),
      Effect.flatMap((result) =>
        result.code === 0
          ? Effect.succeed(result)
          : Effect.fail(new ServiceActionFailed({
            code: "SERVICE_ACTION_FAILED",
            action,
            message: `${[command, ...args].join(" ")} failed (exit ${result.code})${(() => {
              const detail = firstLine(result.stderr) ?? firstLine(result.stdout)
              return detail === undefined ? "" : `: ${detail}`
            })()}`
          })))
    ),
  lenient: (command, args) =>
    runner.run(command, args, { timeoutMs }).pipe(
      Effect.catchTag("CommandUnavailable", (e) => Effect.succeed({ code: 127, stdout: "", stderr: e.message }))
    )
})

/** The runtime reported when the supervisor could not be asked. */
export const unknownRuntime = (detail: string | undefined): ServiceRuntime =>
  detail === undefined || detail === "" ? { status: "unknown" } : { status: "unknown", detail }
