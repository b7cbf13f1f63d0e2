import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"
import { THINKING_LEVELS } from "../../domain/models/thinkingLevels.js"


const runCommand = Command.make(
  "run",
  {
    prompt: Options.text("prompt").pipe(Options.withDescription("The prompt to send (must not be blank)")),
    model: Options.text("model").pipe(Options.optional, Options.withDescription("provider/model to use; an explicit choice never falls back")),
    local: Options.boolean("local").pipe(Options.withDescription("Run in this process without the gateway (the default)")),
    gateway: Options.boolean("gateway").pipe(
      Options.withDescription("Run the same raw prompt through the gateway (its routing, auth and models; no tools, transcript or session left behind)")
    ),
    file: Options.file("file").pipe(Options.repeated, Options.withDescription("Attach an image file (repeatable)")),
    thinking: Options.choice("thinking", THINKING_LEVELS).pipe(Options.optional, Options.withDescription("One-shot thinking level")),
    json: Options.boolean("json").pipe(Options.withDescription("Print the JSON envelope")),
    agent: Options.text("agent").pipe(Options.optional, Options.withDescription("Agent whose model defaults and auth to use (this version has one agent: main)")),
    url: connectionOptions.url,
    token: connectionOptions.token,
    password: connectionOptions.password,
    timeout: Options.integer("timeout").pipe(
      Options.optional,
      Options.withDescription("With --gateway: timeout in milliseconds for the connect and the run (default: 10000 to connect, 120000 for the run)")
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/infer.js")), (m) =>
      m.inferModelRun({
        prompt: args.prompt,
        model: Option.getOrUndefined(args.model),
        local: args.local,
        gateway: args.gateway,
        files: args.file,
        thinking: Option.getOrUndefined(args.thinking),
        json: args.json,
        agent: Option.getOrUndefined(args.agent),
        connection: {
          url: Option.getOrUndefined(args.url),
          token: Option.getOrUndefined(args.token),
          password: Option.getOrUndefined(args.password),
          timeoutMs: Option.getOrUndefined(args.timeout)
        }
      }))
).pipe(Command.withDescription("One bare completion (no tools, no transcript) with the configured or given model"))

const modelGroup = Command.make("model").pipe(
  Command.withDescription("Text inference"),
  Command.withSubcommands([runCommand])
)

/** `openclaw infer model run`: headless provider-backed inference. */
export const inferCommand = Command.make("infer").pipe(
  Command.withDescription(summaryOf("infer")),
  Command.withSubcommands([modelGroup])
)

/** `openclaw capability ...`: the same tree as `infer`. */
export const capabilityCommand = Command.make("capability").pipe(
  Command.withDescription(summaryOf("capability")),
  Command.withSubcommands([modelGroup])
)
