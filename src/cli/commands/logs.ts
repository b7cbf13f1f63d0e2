import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"

/** `openclaw logs`: the gateway's file log through `logs.tail`, optionally followed. */
export const logsCommand = Command.make(
  "logs",
  {
    follow: Options.boolean("follow").pipe(Options.withAlias("f"), Options.withDescription("Keep printing new lines (Ctrl-C stops)")),
    limit: Options.integer("limit").pipe(Options.withDefault(200), Options.withDescription("Lines to show first (max 5000)")),
    maxBytes: Options.integer("max-bytes").pipe(Options.withDefault(250_000), Options.withDescription("Bytes to read per call (max 1000000)")),
    interval: Options.integer("interval").pipe(Options.withDefault(1000), Options.withDescription("Follow poll interval in milliseconds")),
    json: Options.boolean("json").pipe(Options.withDescription("One JSON object per line: meta, log, notice, raw")),
    plain: Options.boolean("plain").pipe(Options.withDescription("Plain text lines")),
    noColor: Options.boolean("no-color").pipe(Options.withDescription("No ANSI colours")),
    utc: Options.boolean("utc").pipe(Options.withDescription("Show times in UTC (default: local time)")),
    localTime: Options.boolean("local-time").pipe(Options.withDescription("Show times in local time (the default)")),
    url: Options.text("url").pipe(Options.optional, Options.withDescription("Gateway WebSocket URL (needs --token or --password)")),
    token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token")),
    password: Options.text("password").pipe(Options.optional, Options.withDescription("Gateway password")),
    timeout: Options.integer("timeout").pipe(Options.withDefault(30_000), Options.withDescription("Timeout in milliseconds")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local gateway port (instead of the configured one)")),
    // The original's generic gateway-call flag: logs.tail answers in one phase, so there is nothing to wait past.
    expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for a final response (logs.tail answers at once)"))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/logs.js")), (m) =>
      m.logs({
        follow: args.follow,
        limit: args.limit,
        maxBytes: args.maxBytes,
        intervalMs: args.interval,
        json: args.json,
        utc: args.utc && !args.localTime,
        connect: {
          url: Option.getOrUndefined(args.url),
          token: Option.getOrUndefined(args.token),
          password: Option.getOrUndefined(args.password),
          port: Option.getOrUndefined(args.port),
          timeoutMs: args.timeout
        }
      }))
).pipe(Command.withDescription(summaryOf("logs")))
