import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

/** `openclaw health`: the gateway's health RPC. */
export const healthCommand = Command.make(
  "health",
  { json: Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON")), ...connectionOptions },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/health.js")), (m) => m.health(args.json, toConnectOptions(args)))
).pipe(Command.withDescription(summaryOf("health")))
