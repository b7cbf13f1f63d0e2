import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { gatewayClientOptions, toGatewayClientOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

const handlers = () => import("../handlers/system.js")

const last = Command.make(
  "last",
  { json: Options.boolean("json").pipe(Options.withDescription("Output JSON")), ...gatewayClientOptions },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.heartbeatLast(toGatewayClientOptions(a)))
).pipe(Command.withDescription("Show the last heartbeat event"))
const json = Options.boolean("json").pipe(Options.withDescription("Output JSON (the result is JSON either way)"))
const enable = Command.make("enable", { json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setHeartbeats(true, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Enable heartbeats")
)
const disable = Command.make("disable", { json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setHeartbeats(false, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Disable heartbeats")
)
const heartbeat = Command.make("heartbeat").pipe(Command.withDescription("Heartbeat controls"), Command.withSubcommands([disable, enable, last]))

const event = Command.make(
  "event",
  {
    text: Options.text("text").pipe(Options.withDescription("System event text")),
    mode: Options.text("mode").pipe(Options.withDefault("next-heartbeat"), Options.withDescription("Wake mode (now|next-heartbeat)")),
    sessionKey: Options.text("session-key").pipe(Options.optional, Options.withDescription("Target a specific session for the event (defaults to the agent's main session); wakes it at once")),
    json: Options.boolean("json").pipe(Options.withDescription("Output JSON")),
    ...gatewayClientOptions
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.systemEvent(a.text, a.mode, toGatewayClientOptions(a), Option.getOrUndefined(a.sessionKey)))
).pipe(Command.withDescription("Enqueue a system event and optionally trigger a heartbeat"))

/** `openclaw system`: system events and heartbeat controls. */
export const systemCommand = Command.make("system").pipe(Command.withDescription(summaryOf("system")), Command.withSubcommands([event, heartbeat]))
