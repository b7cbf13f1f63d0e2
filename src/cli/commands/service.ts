import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { statusCommand } from "./gatewayInspect.js"
import { summaryOf } from "../commandSummaries.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
const handlers = () => import("../handlers/service.js")

const install = Command.make(
  "install",
  {
    force: Options.boolean("force").pipe(Options.withDescription("Reinstall and overwrite an existing service definition")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Port to pin in the service (default: the resolved gateway port)")),
    token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token for the service (kept in the 0600 env file, never in the definition)")),
    runtime: Options.text("runtime").pipe(Options.optional, Options.withDescription("Daemon runtime (node; bun is not supported by this version). Default: node")),
    runtimePath: Options.text("runtime-path").pipe(Options.optional, Options.withDescription("Pin an absolute Node executable path")),
    wrapper: Options.text("wrapper").pipe(Options.optional, Options.withDescription("Executable wrapper for the service's command (it gets `gateway --port <n>`)")),
    allowUnconfigured: Options.boolean("allow-unconfigured").pipe(Options.withDescription("Allow the service to start without gateway.mode=local")),
    json
  },
  (a) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.serviceInstall({
        force: a.force,
        port: Option.getOrUndefined(a.port),
        token: Option.getOrUndefined(a.token),
        runtime: Option.getOrUndefined(a.runtime),
        runtimePath: Option.getOrUndefined(a.runtimePath),
        wrapper: Option.getOrUndefined(a.wrapper),
        allowUnconfigured: a.allowUnconfigured
      }, a.json))
).pipe(Command.withDescription("Install the gateway as an OS service (systemd user unit, LaunchAgent or scheduled task)"))

const simple = (name: "start" | "uninstall", description: string) =>
  Command.make(name, { json }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.serviceAction(name, a.json))).pipe(
    Command.withDescription(description)
  )

const stop = Command.make(
  "stop",
  {
    disable: Options.boolean("disable").pipe(Options.withDescription("Also keep it from starting again (login, reboot, KeepAlive) until the next `gateway start`")),
    force: Options.boolean("force").pipe(Options.withDescription("Stop without a terminal (required in scripts and other non-interactive shells)")),
    json
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.serviceStop(a))
).pipe(Command.withDescription("Stop the gateway service (no-op when it is not installed)"))

const restart = Command.make(
  "restart",
  {
    safe: Options.boolean("safe").pipe(Options.withDescription("Ask the running gateway to restart once its active work drains (at most 5 minutes, then forced)")),
    skipDeferral: Options.boolean("skip-deferral").pipe(Options.withDescription("With --safe: restart at once even with active work")),
    wait: Options.text("wait").pipe(Options.optional, Options.withDescription("Drain budget for the running gateway's restart: 500, 30s, 5m, 1h30m (0 waits indefinitely)")),
    force: Options.boolean("force").pipe(Options.withDescription("Restart at once through the service manager, without waiting for active work")),
    preserveDefinition: Options.boolean("preserve-definition").pipe(Options.withDescription("Restart the service as installed; never rewrite a stale definition")),
    json
  },
  (a) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.serviceRestart({
        safe: a.safe,
        skipDeferral: a.skipDeferral,
        wait: Option.getOrUndefined(a.wait),
        force: a.force,
        preserveDefinition: a.preserveDefinition,
        json: a.json
      }))
).pipe(Command.withDescription("Restart the gateway: through the service manager, or (--safe, --wait) by the running gateway once its work drains"))

/** `install`, `start`, `stop`, `restart`, `uninstall`: the service lifecycle, under both `gateway` and `daemon`. */
export const serviceSubcommands = [
  install,
  simple("start", "Start the installed gateway service (no-op when it is already running)"),
  stop,
  restart,
  simple("uninstall", "Stop the gateway service and remove its definition")
] as const

/** `openclaw daemon`: the legacy alias for the gateway service commands. */
export const daemonCommand = Command.make("daemon").pipe(
  Command.withDescription(summaryOf("daemon")),
  Command.withSubcommands([statusCommand, ...serviceSubcommands])
)
