import { Args, Command, Options } from "@effect/cli"
import { printConfigWarnings } from "../configWarnings.js"
import { Console, Effect, Either, JSONSchema, Option } from "effect"
import * as fs from "node:fs/promises"
import { parseCliValue } from "../../domain/config/cliValue.js"
import { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import type { EditOp } from "../../domain/config/edits.js"
import { parseJson5 } from "../../domain/config/json5.js"
import { redactSecrets } from "../../domain/config/redact.js"
import { unsupportedNotice } from "../../domain/config/validate.js"
import { getAtPath, parseConfigPath } from "../../domain/ConfigPath.js"
import { ConfigIoError, ConfigPathNotFound, ConfigValueInvalid, InvalidConfigPath } from "../../domain/errors.js"
import { ConfigEditor, type EditOutcome } from "../../services/ConfigEditor.js"
import { ConfigStore, type ConfigSnapshot } from "../../services/ConfigStore.js"
import { CliExit } from "../CliExit.js"
import { summaryOf } from "../commandSummaries.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("Validate the change without writing openclaw.json"))
const pathArg = Args.text({ name: "path" }).pipe(Args.withDescription("Config path: dots and brackets, e.g. gateway.auth.mode or 'a[\"x.y\"]'"))

const MAX_FILE_PATCH = 8 * 1024 * 1024
const MAX_STDIN_PATCH = 1024 * 1024

const parsePath = (input: string) => Effect.mapError(Either.match(parseConfigPath(input), {
  onLeft: (e) => Effect.fail(e),
  onRight: (segments) => Effect.succeed(segments)
}), (e: InvalidConfigPath) => e)

const pretty = (value: unknown) => JSON.stringify(value, null, 2)

const warn = printConfigWarnings

const requireParsed = (snapshot: ConfigSnapshot) =>
  snapshot.parseError === undefined ? Effect.succeed(snapshot.authored) : Effect.fail(snapshot.parseError)

const fileCommand = Command.make("file", { json }, ({ json }) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    yield* Console.log(json ? pretty({ path: store.path }) : store.path)
  })).pipe(Command.withDescription("Print the active config file path"))

const getCommand = Command.make("get", { path: pathArg, json }, ({ json, path }) =>
  Effect.gen(function*() {
    const segments = yield* parsePath(path)
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    yield* warn(snapshot)
    const authored = yield* requireParsed(snapshot)
    const found = getAtPath(authored, segments)
    if (Option.isNone(found)) {
      const message = `Config path not found: ${path}`
      if (json) {
        yield* Console.log(pretty({ error: message }))
        return yield* new CliExit({ code: 1 })
      }
      return yield* new ConfigPathNotFound({ message, configPath: path })
    }
    const value = redactSecrets(found.value, String(segments[segments.length - 1] ?? ""))
    const bare = typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    yield* Console.log(json || !bare ? pretty(value) : String(value))
  })).pipe(Command.withDescription("Print the value at a path (secrets shown as ***)"))

const printOutcome = (outcome: EditOutcome, asJson: boolean, operations: number, inputModes: ReadonlyArray<string>, what: string) =>
  Effect.gen(function*() {
    switch (outcome._tag) {
      case "NoChange":
        return yield* asJson ? Console.log(pretty({ ok: true, changed: false, configPath: outcome.path })) : Console.log("No change")
      case "DryRun": {
        if (asJson) {
          yield* Console.log(pretty({
            ok: outcome.ok,
            operations,
            configPath: outcome.path,
            inputModes,
            checks: { schema: true, resolvability: false, resolvabilityComplete: false },
            refsChecked: 0,
            skippedExecRefs: 0,
            ...(outcome.ok ? {} : { errors: outcome.issues.map((i) => ({ kind: "schema", message: `${i.path}: ${i.message}` })) })
          }))
        } else if (outcome.ok) {
          yield* Console.log(`Dry run OK: ${what} would change ${outcome.changed.join(", ")}. Nothing was written.`)
        } else {
          yield* Console.error("config schema validation failed:")
          yield* Effect.forEach(outcome.issues, (i) => Console.error(`  × ${i.path}: ${i.message}`), { discard: true })
        }
        return outcome.ok ? undefined : yield* new CliExit({ code: 1 })
      }
      case "Written":
        return yield* asJson
          ? Console.log(pretty({ ok: true, changed: true, configPath: outcome.path, paths: outcome.changed, hint: outcome.hint }))
          : Console.log(`${what}. ${outcome.hint}`)
    }
  })

const refOptions = {
  refProvider: Options.text("ref-provider").pipe(Options.optional, Options.withDescription("SecretRef builder: provider alias")),
  refSource: Options.choice("ref-source", ["env", "file", "exec", "store"]).pipe(Options.optional, Options.withDescription("SecretRef builder: source")),
  refId: Options.text("ref-id").pipe(Options.optional, Options.withDescription("SecretRef builder: id (env var name, file pointer, ...)"))
}

const BatchEntry = (entry: unknown, index: number) => {
  if (typeof entry !== "object" || entry === null || typeof (entry as { path?: unknown }).path !== "string") {
    return Either.left(new ConfigValueInvalid({ message: `Batch entry ${index} needs a "path" string and one of "value", "ref" or "provider".` }))
  }
  const record = entry as Record<string, unknown>
  const value = "value" in record ? record["value"] : "ref" in record ? record["ref"] : "provider" in record ? record["provider"] : undefined
  if (value === undefined) return Either.left(new ConfigValueInvalid({ message: `Batch entry ${index} (${String(record["path"])}) has no "value", "ref" or "provider".` }))
  return Either.right({ path: String(record["path"]), value })
}

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
    ...refOptions
  },
  (args) =>
    Effect.gen(function*() {
      const editor = yield* ConfigEditor
      const mode = args.merge ? "merge" : args.replace ? "replace" : "plain"
      const ops: Array<EditOp> = []
      let inputMode = "value"
      const batchText = Option.isSome(args.batchJson)
        ? Option.some(args.batchJson.value)
        : Option.isSome(args.batchFile)
        ? Option.some(yield* readLimited(args.batchFile.value, MAX_FILE_PATCH, "Batch file"))
        : Option.none<string>()
      if (Option.isSome(batchText)) {
        inputMode = "json"
        const parsed = yield* Either.mapLeft(parseJson5(batchText.value), (f) => new ConfigValueInvalid({ message: `Could not parse the batch: ${f.message}` }))
        if (!Array.isArray(parsed)) return yield* new ConfigValueInvalid({ message: "The batch must be a JSON array of {path, value|ref|provider} objects." })
        for (const [index, entry] of parsed.entries()) {
          const item = yield* BatchEntry(entry, index)
          ops.push({ _tag: "Set", path: yield* parsePath(item.path), value: item.value, mode })
        }
      } else {
        if (Option.isNone(args.path)) return yield* new ConfigValueInvalid({ message: "config set needs <path> <value>, a SecretRef builder (--ref-*), or --batch-json/--batch-file." })
        const segments = yield* parsePath(args.path.value)
        let value: unknown
        if (Option.isSome(args.refSource) || Option.isSome(args.refProvider) || Option.isSome(args.refId)) {
          inputMode = "builder"
          if (Option.isNone(args.refSource) || Option.isNone(args.refId)) {
            return yield* new ConfigValueInvalid({ message: "SecretRef builder mode needs --ref-source and --ref-id (and --ref-provider, default \"default\")." })
          }
          value = { source: args.refSource.value, provider: Option.getOrElse(args.refProvider, () => "default"), id: args.refId.value }
        } else {
          if (Option.isNone(args.value)) return yield* new ConfigValueInvalid({ message: `config set ${args.path.value} needs a value.` })
          if (args.strictJson) inputMode = "json"
          value = yield* parseCliValue(args.value.value, args.strictJson)
        }
        ops.push({ _tag: "Set", path: segments, value, mode })
      }
      const outcome = yield* editor.apply(ops, { dryRun: args.dryRun })
      const names = ops.flatMap((op) => (op._tag === "Set" ? [op.path] : []))
      const label = `Updated ${names.length === 1 ? (Option.getOrElse(args.path, () => "")) || "config" : `${names.length} paths`}`
      yield* printOutcome(outcome, args.dryRun && args.strictJson, ops.length, [inputMode], label)
    })
).pipe(Command.withDescription("Set a value at a path (JSON5 value, SecretRef builder or batch)"))

const unsetCommand = Command.make("unset", { path: pathArg, dryRun, json }, ({ dryRun, json, path }) =>
  Effect.gen(function*() {
    const editor = yield* ConfigEditor
    const segments = yield* parsePath(path)
    const outcome = yield* editor.apply([{ _tag: "Unset", path: segments }], { dryRun })
    yield* printOutcome(outcome, json, 1, ["unset"], `Removed ${path}`)
  })).pipe(Command.withDescription("Remove a path from the config (exit 1 when it is not there)"))

const readLimited = (file: string, limit: number, what: string) =>
  Effect.tryPromise({
    try: async () => {
      const stat = await fs.stat(file)
      if (stat.size > limit) throw new Error(`${what} ${file} is larger than ${limit} bytes`)
      return fs.readFile(file, "utf8")
    },
    catch: (cause) => new ConfigIoError({ message: cause instanceof Error ? cause.message : String(cause), path: file })
  })

const readStdin = Effect.tryPromise({
  try: async () => {
    const chunks: Array<Buffer> = []
    let size = 0
    for await (const chunk of process.stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
      size += buffer.length
      if (size > MAX_STDIN_PATCH) throw new Error(`stdin patch is larger than ${MAX_STDIN_PATCH} bytes`)
      chunks.push(buffer)
    }
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: (cause) => new ConfigIoError({ message: cause instanceof Error ? cause.message : String(cause), path: "<stdin>" })
})

const patchCommand = Command.make(
  "patch",
  {
    file: Options.file("file").pipe(Options.optional, Options.withDescription("JSON5 merge-patch file (8 MiB max)")),
    stdin: Options.boolean("stdin").pipe(Options.withDescription("Read the patch from standard input (1 MiB max)")),
    replacePath: Options.text("replace-path").pipe(Options.repeated, Options.withDescription("Path that takes the patch value whole instead of merging")),
    dryRun,
    json
  },
  (args) =>
    Effect.gen(function*() {
      const editor = yield* ConfigEditor
      if (Option.isNone(args.file) && !args.stdin) return yield* new ConfigValueInvalid({ message: "config patch needs --file <path> or --stdin." })
      const text = Option.isSome(args.file) ? yield* readLimited(args.file.value, MAX_FILE_PATCH, "Patch file") : yield* readStdin
      const patch = yield* Either.mapLeft(parseJson5(text), (f) => new ConfigValueInvalid({ message: `Could not parse the patch as JSON5${f.line === undefined ? "" : ` at ${f.line}:${f.column ?? 0}`}: ${f.message}` }))
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
        return yield* new ConfigValueInvalid({ message: "A config patch must be an object shaped like openclaw.json." })
      }
      for (const replacePath of args.replacePath) yield* parsePath(replacePath)
      const outcome = yield* editor.apply([{ _tag: "Patch", patch, replacePaths: args.replacePath }], { dryRun: args.dryRun })
      yield* printOutcome(outcome, args.json, 1, ["json"], "Patched config")
    })
).pipe(Command.withDescription("Apply a JSON5 merge patch (objects merge, arrays replace, null deletes)"))

const validateCommand = Command.make("validate", { json }, ({ json }) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    const issues = snapshot.parseError !== undefined ? [{ path: "<root>", message: snapshot.parseError.message }] : snapshot.issues
    const valid = issues.length === 0
    if (json) {
      yield* Console.log(pretty({ valid, path: store.path, exists: snapshot.exists, issues, unsupported: snapshot.unsupported, warnings: snapshot.warnings }))
    } else {
      yield* warn(snapshot)
      if (valid) {
        yield* Console.log(`Config valid: ${store.path}${snapshot.exists ? "" : " (file missing; defaults apply)"}`)
        yield* Effect.forEach(snapshot.unsupported, (p) => Console.log(`  ! ${unsupportedNotice(p)}`), { discard: true })
      } else {
        yield* Console.error(`OpenClaw config is invalid: ${store.path}`)
        yield* Effect.forEach(issues, (i) => Console.error(`  × ${i.path}: ${i.message}`), { discard: true })
        yield* Console.error("")
        yield* Console.error("Run `openclaw doctor --fix` to repair, or fix the keys above manually.")
      }
    }
    if (!valid) return yield* new CliExit({ code: 1 })
  })).pipe(Command.withDescription("Validate openclaw.json against the schema without starting the gateway"))

const schemaCommand = Command.make("schema", { json }, () =>
  Console.log(pretty({ $schema: "http://json-schema.org/draft-07/schema#", ...JSONSchema.make(OpenClawConfig) }))).pipe(
    Command.withDescription("Print the JSON Schema of openclaw.json")
  )

/** `openclaw config`: read and edit openclaw.json through the write guard. */
export const configCommand = Command.make("config").pipe(
  Command.withDescription(summaryOf("config")),
  Command.withSubcommands([fileCommand, getCommand, setCommand, unsetCommand, patchCommand, validateCommand, schemaCommand])
)
