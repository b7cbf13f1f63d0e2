import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON (diagnostics go to stderr)"))
const plain = Options.boolean("plain").pipe(Options.withDescription("Plain text output"))
const agent = Options.text("agent").pipe(Options.optional, Options.withDescription("Configured agent id (only the default agent exists so far)"))

const statusOptions = {
  json,
  plain,
  agent,
  check: Options.boolean("check").pipe(Options.withDescription("Exit 1 when auth for a model in use is missing or unavailable (2 = expiring)")),
  probe: Options.boolean("probe").pipe(Options.withDescription("Live probe of configured providers (real requests; may use tokens)")),
  probeProvider: Options.text("probe-provider").pipe(Options.optional, Options.withDescription("Probe one provider only")),
  probeProfile: Options.text("probe-profile").pipe(Options.repeated, Options.withDescription("Probe these auth profile ids (repeat or comma-separate)")),
  probeTimeout: Options.integer("probe-timeout").pipe(Options.withDefault(10_000), Options.withDescription("Per-probe timeout in milliseconds")),
  probeConcurrency: Options.integer("probe-concurrency").pipe(Options.withDefault(2), Options.withDescription("Concurrent probes")),
  probeMaxTokens: Options.integer("probe-max-tokens").pipe(Options.withDefault(16), Options.withDescription("Probe max tokens"))
}

type StatusArgs = {
  readonly [K in keyof typeof statusOptions]: (typeof statusOptions)[K] extends Options.Options<infer A> ? A : never
}

const runStatus = (args: StatusArgs) =>
  Effect.flatMap(Effect.promise(() => import("../handlers/models.js")), (m) =>
    m.modelsStatus({
      json: args.json,
      plain: args.plain,
      check: args.check,
      probe: args.probe,
      probeProvider: Option.getOrUndefined(args.probeProvider),
      probeProfiles: args.probeProfile.flatMap((p) => p.split(",")).map((p) => p.trim()).filter((p) => p !== ""),
      probeTimeoutMs: args.probeTimeout,
      probeConcurrency: args.probeConcurrency,
      probeMaxTokens: args.probeMaxTokens,
      agent: Option.getOrUndefined(args.agent)
    }))

const statusCommand = Command.make("status", statusOptions, runStatus).pipe(
  Command.withDescription("Show the resolved default model, fallbacks, aliases and auth per provider")
)

const listCommand = Command.make(
  "list",
  {
    json,
    plain,
    agent,
    refresh: Options.boolean("refresh").pipe(Options.withDescription("Refresh provider discovery before listing (asks each provider's model-list endpoint)")),
    all: Options.boolean("all").pipe(Options.withDescription("Full catalogue (configured models, and with --refresh what the providers serve)")),
    local: Options.boolean("local").pipe(Options.withDescription("Only models on local endpoints")),
    provider: Options.text("provider").pipe(Options.optional, Options.withDescription("Only this provider's models"))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/models.js")), (m) =>
      m.modelsList({
        json: args.json,
        plain: args.plain,
        all: args.all,
        refresh: args.refresh,
        local: args.local,
        provider: Option.getOrUndefined(args.provider),
        agent: Option.getOrUndefined(args.agent)
      }))
).pipe(Command.withDescription("List configured and referenced models (read-only)"))

/** `openclaw models` (= `models status`), `models status`, `models list`. */
// The original's root-only aliases: `models --status-json` / `--status-plain` = `models status --json` / `--plain`.
const rootOptions = {
  ...statusOptions,
  statusJson: Options.boolean("status-json").pipe(Options.withDescription("Alias for `models status --json`")),
  statusPlain: Options.boolean("status-plain").pipe(Options.withDescription("Alias for `models status --plain`"))
}

export const modelsCommand = Command.make("models", rootOptions, (args) => runStatus({ ...args, json: args.json || args.statusJson, plain: args.plain || args.statusPlain })).pipe(
  Command.withDescription(summaryOf("models")),
  Command.withSubcommands([statusCommand, listCommand])
)
