import { Args, Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { summaryOf } from "../commandSummaries.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("Validate the change without writing openclaw.json"))
// The original's dry-run switch for exec SecretRef checks; this version never runs exec SecretRefs, so there is nothing to allow.
const allowExec = Options.boolean("allow-exec").pipe(Options.withDescription("Dry-run exec SecretRef checks (exec SecretRefs are never run by this version)"))
const pathArg = Args.text({ name: "path" }).pipe(Args.withDescription("Config path: dots and brackets, e.g. gateway.auth.mode or 'a[\"x.y\"]'"))
const handlers = () => import("../handlers/config.js")

const fileCommand = Command.make("file", { json }, ({ json }) => Effect.flatMap(Effect.promise(handlers), (m) => m.configFile(json))).pipe(
  Command.withDescription("Print the active config file path")
)

const getCommand = Command.make("get", { path: pathArg, json }, ({ json, path }) => Effect.flatMap(Effect.promise(handlers), (m) => m.configGet(path, json))).pipe(
  Command.withDescription("Print the value at a path (secrets shown as ***)")
)

const setCommand = Command.make(
  "set",
  {
    path: pathArg.pipe(Args.optional),
    value: Args.text({ name: "value" }).pipe(Args.withDescription("JSON5 value, else taken as a string"), Args.optional),
    strictJson: Options.boolean("strict-json").pipe(Options.withAlias("json"), Options.withDescription("Parse the value as strict JSON (no string fallback)")),
    merge: Options.boolean("merge").pipe(Options.withDescription("Merge object/array entries into a protected map")),
    replace: Options.boolean("replace").pipe(Options.withDescription("Replace a protected map entirely")),
    dryRun,
    batchJson: Options.text("batch-json").pipe(Options.optional, Options.withDescription("JSON array of {path, value|ref|provider}")),
    batchFile: Options.file("batch-file").pipe(Options.optional, Options.withDescription("File with a batch JSON array (8 MiB max)")),
    refProvider: Options.text("ref-provider").pipe(Options.optional, Options.withDescription("SecretRef builder: provider alias")),
    refSource: Options.choice("ref-source", ["env", "file", "exec", "store"]).pipe(Options.optional, Options.withDescription("SecretRef builder: source")),
    refId: Options.text("ref-id").pipe(Options.optional, Options.withDescription("SecretRef builder: id (env var name, file pointer, ...)")),
    providerSource: Options.choice("provider-source", ["env", "file", "exec", "store"]).pipe(Options.optional, Options.withDescription("Provider builder (secrets.providers.<alias>): source")),
    providerTimeoutMs: Options.integer("provider-timeout-ms").pipe(Options.optional, Options.withDescription("Provider builder: timeout in ms (file, exec)")),
    providerAllowlist: Options.text("provider-allowlist").pipe(Options.repeated, Options.withDescription("Provider builder: env var allowed (env; repeatable)")),
    providerPath: Options.text("provider-path").pipe(Options.optional, Options.withDescription("Provider builder: secrets file (file)")),
    providerMode: Options.choice("provider-mode", ["singleValue", "json"]).pipe(Options.optional, Options.withDescription("Provider builder: file mode (file)")),
    providerMaxBytes: Options.integer("provider-max-bytes").pipe(Options.optional, Options.withDescription("Provider builder: largest file read (file)")),
    providerCommand: Options.text("provider-command").pipe(Options.optional, Options.withDescription("Provider builder: resolver's absolute path (exec)")),
    providerArg: Options.text("provider-arg").pipe(Options.repeated, Options.withDescription("Provider builder: resolver argument (exec; repeatable)")),
    providerNoOutputTimeoutMs: Options.integer("provider-no-output-timeout-ms").pipe(Options.optional, Options.withDescription("Provider builder: silence allowed in ms (exec)")),
    providerMaxOutputBytes: Options.integer("provider-max-output-bytes").pipe(Options.optional, Options.withDescription("Provider builder: largest output (exec)")),
    providerJsonOnly: Options.boolean("provider-json-only").pipe(Options.withDescription("Provider builder: accept JSON output only (exec)")),
    providerEnv: Options.text("provider-env").pipe(Options.repeated, Options.withDescription("Provider builder: KEY=VALUE for the resolver (exec; repeatable)")),
    providerPassEnv: Options.text("provider-pass-env").pipe(Options.repeated, Options.withDescription("Provider builder: env var passed through (exec; repeatable)")),
    providerTrustedDir: Options.text("provider-trusted-dir").pipe(Options.repeated, Options.withDescription("Provider builder: directory the resolver must be in (exec; repeatable)")),
    expectCurrentAbsent: Options.boolean("expect-current-absent").pipe(Options.withDescription("Write only when the path is absent")),
    expectCurrentJson: Options.text("expect-current-json").pipe(Options.optional, Options.withDescription("Write only when the path holds exactly this strict JSON value")),
    allowExec
  },
  (args) => Effect.flatMap(Effect.promise(handlers), (m) => m.configSet(args))
).pipe(Command.withDescription("Set a value at a path (JSON5 value, SecretRef builder or batch)"))

const unsetCommand = Command.make("unset", { path: pathArg, dryRun, json, allowExec }, ({ dryRun, json, path }) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.configUnset(path, dryRun, json))).pipe(
    Command.withDescription("Remove a path from the config (exit 1 when it is not there)")
  )

const patchCommand = Command.make(
  "patch",
  {
    file: Options.file("file").pipe(Options.optional, Options.withDescription("JSON5 merge-patch file (8 MiB max)")),
    stdin: Options.boolean("stdin").pipe(Options.withDescription("Read the patch from standard input (1 MiB max)")),
    replacePath: Options.text("replace-path").pipe(Options.repeated, Options.withDescription("Path that takes the patch value whole instead of merging")),
    dryRun,
    json,
    allowExec
  },
  (args) => Effect.flatMap(Effect.promise(handlers), (m) => m.configPatch(args))
).pipe(Command.withDescription("Apply a JSON5 merge patch (objects merge, arrays replace, null deletes)"))

const validateCommand = Command.make("validate", { json }, ({ json }) => Effect.flatMap(Effect.promise(handlers), (m) => m.configValidate(json))).pipe(
  Command.withDescription("Validate openclaw.json against the schema without starting the gateway")
)

const schemaCommand = Command.make("schema", { json }, () => Effect.flatMap(Effect.promise(handlers), (m) => m.configSchema)).pipe(
  Command.withDescription("Print the JSON Schema of openclaw.json")
)

const section = Options.text("section").pipe(
  Options.repeated,
  Options.withDescription("Guided section to show (repeatable): workspace, model, web, gateway, daemon, channels, plugins, skills, health")
)

/** `openclaw config`: read and edit openclaw.json through the write guard; alone, the guided sections. */
export const configCommand = Command.make("config", { section }, ({ section }) => Effect.flatMap(Effect.promise(handlers), (m) => m.configSections(section))).pipe(
  Command.withDescription(summaryOf("config")),
  Command.withSubcommands([fileCommand, getCommand, setCommand, unsetCommand, patchCommand, validateCommand, schemaCommand])
)
