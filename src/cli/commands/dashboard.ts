import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { summaryOf } from "../commandSummaries.js"

/** `openclaw dashboard`: the Control UI URL for the configured gateway. */
export const dashboardCommand = Command.make(
  "dashboard",
  {
    noOpen: Options.boolean("no-open").pipe(Options.withDescription("Print the URL; do not launch a browser")),
    json: Options.boolean("json").pipe(Options.withDescription("Print one machine-readable connection object (never opens a browser)")),
    // The original asks before starting or installing a gateway; this version never prompts, so there is nothing to confirm.
    yes: Options.boolean("yes").pipe(Options.withDescription("Start/install the gateway without prompting (this version never prompts)"))
  },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/dashboard.js")), (m) => m.dashboard(args))
).pipe(Command.withDescription(summaryOf("dashboard")))
