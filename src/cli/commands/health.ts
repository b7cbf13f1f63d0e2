import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

/** `openclaw health`: the gateway's health RPC. */
export const healthCommand = Command.make(
  "health",
  {
    json: Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON")),
    verbose: Options.boolean("verbose").pipe(Options.withDescription("Probe afresh (no cached snapshot) and show where the CLI connects")),
    debug: Options.boolean("debug").pipe(Options.withDescription("Alias for --verbose")),
    ...connectionOptions
  },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/health.js")), (m) => m.health(args.json, args.verbose || args.debug, toConnectOptions(args)))
).pipe(Command.withDescription(summaryOf("health")))
