import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Either, JSONSchema, Option, Schema } from "effect"
import { parseCliValue } from "../../domain/config/cliValue.js"
import { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import type { EditOp } from "../../domain/config/edits.js"
import { parseJson5 } from "../../domain/config/json5.js"
import { buildSecretProvider, type ProviderFlags, usesProviderBuilder } from "../../domain/config/secretProviderBuilder.js"
import { redactSecrets } from "../../domain/config/redact.js"
import { unsupportedNotice } from "../../domain/config/validate.js"
import { GUIDED_SECTIONS, guidedSectionLines, unknownSections } from "../../domain/config/guidedSections.js"
import { notRunPaths } from "../../domain/config/notRun.js"
import { getAtPath, parseConfigPath, type PathSegment } from "../../domain/ConfigPath.js"
import { ConfigIoError, ConfigPathNotFound, ConfigValueInvalid } from "../../domain/errors.js"
import { opt } from "../../domain/opt.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { ConfigEditor, type EditOutcome } from "../../services/ConfigEditor.js"
import { ConfigStore, type ConfigSnapshot } from "../../services/ConfigStore.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { stdinText } from "../stdinText.js"

const MAX_FILE_PATCH = 8 * 1024 * 1024
const MAX_STDIN_PATCH = 1024 * 1024

const parsePath = (input: string) => Either.match(parseConfigPath(input), { onLeft: Effect.fail, onRight: Effect.succeed })

const pretty = (value: unknown) => JSON.stringify(value, null, 2)

const requireParsed = (snapshot: ConfigSnapshot) =>
  snapshot.parseError === undefined ? Effect.succeed(snapshot.authored) : Effect.fail(snapshot.parseError)

/** `openclaw config file [--json]`. */
export const configFile = (json: boolean) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    yield* Console.log(json ? pretty({ path: store.path }) : store.path)
  })

/** `openclaw config get <path> [--json]`: secrets shown as `***`; a missing path exits 1. */
export const configGet = (path: string, json: boolean) =>
  Effect.gen(function*() {
    const segments = yield* parsePath(path)
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    yield* printConfigWarnings(snapshot)
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
  })

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

/** One entry of `--batch-json` / `--batch-file`: a path and one of value, ref or provider. */
const BatchEntry = Schema.Struct({ path: Schema.String, value: opt(Schema.Unknown), ref: opt(Schema.Unknown), provider: opt(Schema.Unknown) })
const decodeBatchEntry = Schema.decodeUnknownEither(BatchEntry)

const batchOp = (entry: unknown, index: number) => {
  const decoded = decodeBatchEntry(entry)
  if (Either.isLeft(decoded)) return Effect.fail(new ConfigValueInvalid({ message: `Batch entry ${index} needs a "path" string and one of "value", "ref" or "provider".` }))
  const { path, ...rest } = decoded.right
  const value = "value" in rest ? rest.value : "ref" in rest ? rest.ref : "provider" in rest ? rest.provider : undefined
  if (value === undefined) return Effect.fail(new ConfigValueInvalid({ message: `Batch entry ${index} (${path}) has no "value", "ref" or "provider".` }))
  return Effect.succeed({ path, value })
}

/** A file's text, refused past `limit` bytes, read through the platform FileSystem. */
const readLimited = (file: string, limit: number, what: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(file)
    if (Number(info.size) > limit) return yield* new ConfigIoError({ message: `${what} ${file} is larger than ${limit} bytes`, path: file })
    return yield* fs.readFileString(file)
  }).pipe(Effect.catchTags({
    SystemError: (error) => new ConfigIoError({ message: describePlatformError(error), path: file }),
    BadArgument: (error) => new ConfigIoError({ message: describePlatformError(error), path: file })
  }))

const readStdin = stdinText(MAX_STDIN_PATCH, `stdin patch is larger than ${MAX_STDIN_PATCH} bytes`).pipe(
  Effect.mapError((message) => new ConfigIoError({ message, path: "<stdin>" }))
)

/** Flags of `openclaw config set`. */
export interface ConfigSetArgs {
  readonly path: Option.Option<string>
  readonly value: Option.Option<string>
  readonly strictJson: boolean
  readonly merge: boolean
  readonly replace: boolean
  readonly dryRun: boolean
  readonly batchJson: Option.Option<string>
  readonly batchFile: Option.Option<string>
  readonly refProvider: Option.Option<string>
  readonly refSource: Option.Option<string>
  readonly refId: Option.Option<string>
  /** The original's compare-and-set: write only when the path is absent / holds exactly this strict JSON. */
  readonly expectCurrentAbsent: boolean
  readonly expectCurrentJson: Option.Option<string>
  readonly providerSource: Option.Option<string>
  readonly providerTimeoutMs: Option.Option<number>
  readonly providerAllowlist: ReadonlyArray<string>
  readonly providerPath: Option.Option<string>
  readonly providerMode: Option.Option<string>
  readonly providerMaxBytes: Option.Option<number>
  readonly providerCommand: Option.Option<string>
  readonly providerArg: ReadonlyArray<string>
  readonly providerNoOutputTimeoutMs: Option.Option<number>
  readonly providerMaxOutputBytes: Option.Option<number>
  readonly providerJsonOnly: boolean
  readonly providerEnv: ReadonlyArray<string>
  readonly providerPassEnv: ReadonlyArray<string>
  readonly providerTrustedDir: ReadonlyArray<string>
}

const providerFlagsOf = (args: ConfigSetArgs): ProviderFlags => ({
  source: Option.getOrUndefined(args.providerSource),
  timeoutMs: Option.getOrUndefined(args.providerTimeoutMs),
  allowlist: args.providerAllowlist,
  path: Option.getOrUndefined(args.providerPath),
  mode: Option.getOrUndefined(args.providerMode),
  maxBytes: Option.getOrUndefined(args.providerMaxBytes),
  command: Option.getOrUndefined(args.providerCommand),
  args: args.providerArg,
  noOutputTimeoutMs: Option.getOrUndefined(args.providerNoOutputTimeoutMs),
  maxOutputBytes: Option.getOrUndefined(args.providerMaxOutputBytes),
  jsonOnly: args.providerJsonOnly,
  env: args.providerEnv,
  passEnv: args.providerPassEnv,
  trustedDirs: args.providerTrustedDir
})

/** The `--expect-current-*` precondition as an edit op, checked under the write lock with the edit. */
const expectation = (args: ConfigSetArgs, path: ReadonlyArray<PathSegment>) =>
  Effect.gen(function*() {
    if (args.expectCurrentAbsent && Option.isSome(args.expectCurrentJson)) {
      return yield* new ConfigValueInvalid({ message: "Use either --expect-current-absent or --expect-current-json, not both." })
    }
    if (args.expectCurrentAbsent) return Option.some<EditOp>({ _tag: "Expect", path, expected: { absent: true } })
    if (Option.isNone(args.expectCurrentJson)) return Option.none<EditOp>()
    const value = yield* Effect.try({
      try: () => JSON.parse(args.expectCurrentJson.pipe(Option.getOrElse(() => ""))) as unknown,
      catch: (error) => new ConfigValueInvalid({ message: `--expect-current-json must be strict JSON: ${error instanceof Error ? error.message : String(error)}` })
    })
    return Option.some<EditOp>({ _tag: "Expect", path, expected: { value } })
  })

/** `openclaw config set`: a JSON5 value, a SecretRef builder, or a batch. */
export const configSet = (args: ConfigSetArgs) =>
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
      if (args.expectCurrentAbsent || Option.isSome(args.expectCurrentJson)) {
        return yield* new ConfigValueInvalid({ message: "--expect-current-absent/--expect-current-json apply to one <path>, not to a batch." })
      }
      inputMode = "json"
      const parsed = yield* Either.mapLeft(parseJson5(batchText.value), (f) => new ConfigValueInvalid({ message: `Could not parse the batch: ${f.message}` }))
      if (!Array.isArray(parsed)) return yield* new ConfigValueInvalid({ message: "The batch must be a JSON array of {path, value|ref|provider} objects." })
      for (const [index, entry] of parsed.entries()) {
        const item = yield* batchOp(entry, index)
        ops.push({ _tag: "Set", path: yield* parsePath(item.path), value: item.value, mode })
      }
    } else {
      if (Option.isNone(args.path)) return yield* new ConfigValueInvalid({ message: "config set needs <path> <value>, a SecretRef builder (--ref-*), or --batch-json/--batch-file." })
      const segments = yield* parsePath(args.path.value)
      let value: unknown
      const providerFlags = providerFlagsOf(args)
      const refBuilder = Option.isSome(args.refSource) || Option.isSome(args.refProvider) || Option.isSome(args.refId)
      if (usesProviderBuilder(providerFlags)) {
        inputMode = "builder"
        if (refBuilder || Option.isSome(args.value)) {
          return yield* new ConfigValueInvalid({ message: "Use one mode: a <value>, the SecretRef builder (--ref-*) or the provider builder (--provider-*)." })
        }
        const built = buildSecretProvider(segments, providerFlags)
        if ("error" in built) return yield* new ConfigValueInvalid({ message: built.error })
        value = built.provider
      } else if (refBuilder) {
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
      const expected = yield* expectation(args, segments)
      if (Option.isSome(expected)) ops.push(expected.value)
      ops.push({ _tag: "Set", path: segments, value, mode })
    }
    const outcome = yield* editor.apply(ops, { dryRun: args.dryRun })
    const names = ops.flatMap((op) => (op._tag === "Set" ? [op.path] : []))
    const label = `Updated ${names.length === 1 ? (Option.getOrElse(args.path, () => "")) || "config" : `${names.length} paths`}`
    yield* printOutcome(outcome, args.dryRun && args.strictJson, ops.length, [inputMode], label)
  })

/** `openclaw config unset <path>`: exits 1 and leaves the file alone when the path is not there. */
export const configUnset = (path: string, dryRun: boolean, json: boolean) =>
  Effect.gen(function*() {
    const editor = yield* ConfigEditor
    const segments = yield* parsePath(path)
    const outcome = yield* editor.apply([{ _tag: "Unset", path: segments }], { dryRun })
    yield* printOutcome(outcome, json, 1, ["unset"], `Removed ${path}`)
  })

/** `openclaw config patch --file f | --stdin`: a JSON5 merge patch. */
export const configPatch = (args: { readonly file: Option.Option<string>; readonly stdin: boolean; readonly replacePath: ReadonlyArray<string>; readonly dryRun: boolean; readonly json: boolean }) =>
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

/** `openclaw config validate [--json]`: the schema check without starting anything. */
export const configValidate = (json: boolean) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    const issues = snapshot.parseError !== undefined ? [{ path: "<root>", message: snapshot.parseError.message }] : snapshot.issues
    const valid = issues.length === 0
    const unsupported = snapshot.config === undefined ? snapshot.unsupported : notRunPaths(snapshot.config, snapshot.unsupported)
    if (json) {
      yield* Console.log(pretty({ valid, path: store.path, exists: snapshot.exists, issues, unsupported, warnings: snapshot.warnings }))
    } else {
      yield* printConfigWarnings(snapshot)
      if (valid) {
        yield* Console.log(`Config valid: ${store.path}${snapshot.exists ? "" : " (file missing; defaults apply)"}`)
        yield* Effect.forEach(unsupported, (p) => Console.log(`  ! ${unsupportedNotice(p)}`), { discard: true })
      } else {
        yield* Console.error(`OpenClaw config is invalid: ${store.path}`)
        yield* Effect.forEach(issues, (i) => Console.error(`  × ${i.path}: ${i.message}`), { discard: true })
        yield* Console.error("")
        yield* Console.error("Run `openclaw doctor --fix` to repair, or fix the keys above manually.")
      }
    }
    if (!valid) return yield* new CliExit({ code: 1 })
  })

/** `openclaw config schema`: the JSON Schema of openclaw.json (made when asked: every config command loads this module). */
export const configSchema = Effect.suspend(() => Console.log(pretty({ $schema: "http://json-schema.org/draft-07/schema#", ...JSONSchema.make(OpenClawConfig) })))

/** `openclaw config [--section <name>]...`: the guided sections (values redacted, and the commands that change them). */
export const configSections = (sections: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const unknown = unknownSections(sections)
    if (unknown.length > 0) {
      yield* Console.error(`error[CONFIG_INVALID_OPTION]: Unknown --section ${unknown.map((s) => JSON.stringify(s)).join(", ")}; use ${GUIDED_SECTIONS.join(", ")}.`)
      return yield* new CliExit({ code: 2 })
    }
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    yield* printConfigWarnings(snapshot)
    const authored = yield* requireParsed(snapshot)
    const chosen = GUIDED_SECTIONS.filter((known) => sections.includes(known))
    for (const line of guidedSectionLines(authored ?? {}, store.path, chosen)) yield* Console.log(line)
  })
