import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"

/** `openclaw status`: the one-screen overview, with the next command to run. */
export const statusCommand = Command.make(
  "status",
  {
    json: Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON")),
    deep: Options.boolean("deep").pipe(Options.withDescription("Also scan system-level services")),
    all: Options.boolean("all").pipe(Options.withDescription("Everything, for sharing (implies --deep)")),
    timeout: Options.integer("timeout").pipe(Options.withDefault(10_000), Options.withDescription("Probe timeout in milliseconds")),
    url: Options.text("url").pipe(Options.optional, Options.withDescription("Probe this gateway URL instead")),
    token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token for the probe")),
    usage: Options.boolean("usage").pipe(Options.withDescription("Show model provider usage/quota snapshots")),
    agent: Options.text("agent").pipe(Options.optional, Options.withDescription("Agent id for --usage auth scope")),
    verbose: Options.boolean("verbose").pipe(Options.withDescription("Also print where the CLI connects, before the report")),
    debug: Options.boolean("debug").pipe(Options.withDescription("Alias for --verbose"))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/status.js")), (m) =>
      m.status(args.json, {
        url: Option.getOrUndefined(args.url),
        token: Option.getOrUndefined(args.token),
        password: undefined,
        timeoutMs: args.timeout,
        probe: true,
        requireRpc: false,
        deep: args.deep || args.all
      }, { usage: args.usage, agent: Option.getOrUndefined(args.agent), verbose: args.verbose || args.debug }))
).pipe(Command.withDescription(summaryOf("status")))
