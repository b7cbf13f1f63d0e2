import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"

const get = Option.getOrUndefined

const run = Command.make("run", {
  host: Options.text("host").pipe(Options.optional, Options.withDescription("Gateway host (default: this machine)")),
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Gateway port (default: gateway.port)")),
  tls: Options.boolean("tls").pipe(Options.withDescription("Use wss:// for a remote gateway")),
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token (if required)")),
  displayName: Options.text("display-name").pipe(Options.optional, Options.withDescription("Name this node shows in `openclaw nodes status`"))
}, (a) =>
  Effect.flatMap(Effect.promise(() => import("../handlers/nodeRun.js")), (m) =>
    m.nodeRun({ host: get(a.host), port: get(a.port), tls: a.tls, token: get(a.token), displayName: get(a.displayName) }))).pipe(
  Command.withDescription("Run the headless node host in the foreground (system.run, system.which)")
)

/** `openclaw node`: this machine as a node of a gateway. */
export const nodeCommand = Command.make("node").pipe(
  Command.withDescription("Run the headless node host (serves system.run and system.which to a gateway)"),
  Command.withSubcommands([run])
)
