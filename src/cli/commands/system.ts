import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

const handlers = () => import("../handlers/system.js")

const last = Command.make(
  "last",
  { json: Options.boolean("json").pipe(Options.withDescription("Output JSON")), ...connectionOptions },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.heartbeatLast(toConnectOptions(a)))
).pipe(Command.withDescription("Show the last heartbeat event"))
const enable = Command.make("enable", { ...connectionOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setHeartbeats(true, toConnectOptions(a)))).pipe(
  Command.withDescription("Enable heartbeats")
)
const disable = Command.make("disable", { ...connectionOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setHeartbeats(false, toConnectOptions(a)))).pipe(
  Command.withDescription("Disable heartbeats")
)
const heartbeat = Command.make("heartbeat").pipe(Command.withDescription("Heartbeat controls"), Command.withSubcommands([disable, enable, last]))

const event = Command.make(
  "event",
  {
    text: Options.text("text").pipe(Options.withDescription("System event text")),
    mode: Options.text("mode").pipe(Options.withDefault("next-heartbeat"), Options.withDescription("Wake mode (now|next-heartbeat)")),
    json: Options.boolean("json").pipe(Options.withDescription("Output JSON")),
    ...connectionOptions
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.systemEvent(a.text, a.mode, toConnectOptions(a)))
).pipe(Command.withDescription("Enqueue a system event and optionally trigger a heartbeat"))

/** `openclaw system`: system events and heartbeat controls. */
export const systemCommand = Command.make("system").pipe(Command.withDescription(summaryOf("system")), Command.withSubcommands([event, heartbeat]))
