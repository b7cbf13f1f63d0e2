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
    json
  },
  (a) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.serviceInstall({ force: a.force, port: Option.getOrUndefined(a.port), token: Option.getOrUndefined(a.token) }, a.json))
).pipe(Command.withDescription("Install the gateway as an OS service (systemd user unit, LaunchAgent or scheduled task)"))

const simple = (name: "start" | "stop" | "restart" | "uninstall", description: string) =>
  Command.make(name, { json }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.serviceAction(name, a.json))).pipe(
    Command.withDescription(description)
  )

/** `install`, `start`, `stop`, `restart`, `uninstall`: the service lifecycle, under both `gateway` and `daemon`. */
export const serviceSubcommands = [
  install,
  simple("start", "Start the installed gateway service (no-op when it is already running)"),
  simple("stop", "Stop the gateway service (no-op when it is not installed)"),
  simple("restart", "Restart the gateway service through the service manager"),
  simple("uninstall", "Stop the gateway service and remove its definition")
] as const

/** `openclaw daemon`: the legacy alias for the gateway service commands. */
export const daemonCommand = Command.make("daemon").pipe(
  Command.withDescription(summaryOf("daemon")),
  Command.withSubcommands([statusCommand, ...serviceSubcommands])
)
