import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Either, Layer, Option, Ref, Stream } from "effect"
import * as path from "node:path"
import { VERSION } from "../domain/BuildInfo.js"
import { substituteEnv } from "../domain/config/envSubstitution.js"
import { changedPaths } from "../domain/config/edits.js"
import { planBackupRotation, rejectedToPrune } from "../domain/config/backupRing.js"
import { parseJson5 } from "../domain/config/json5.js"
import { rebaseEdits } from "../domain/config/rebaseEdits.js"
import { validateConfig } from "../domain/config/validate.js"
import { formatConfigPath } from "../domain/ConfigPath.js"
import { ConfigInvalid, type ConfigIoError, ConfigParseError, ConfigWriteBlocked, ConfigWriteConflict, ConfigWriteRejected } from "../domain/errors.js"
import type { ConfigIssue } from "../domain/errors.js"
import { isOlderThanTouched, newerConfigWarning, touchedVersionOf } from "../domain/Version.js"
import {
  type BeforeWrite,
  type ConfigSummary,
  fileTimestamp,
  findRedactedPlaceholder,
  judgeWrite,
  observeAgainstGood,
  rejectedMessage,
  serializeConfig,
  summarizeConfig
} from "../domain/WriteGuard.js"
import { ConfigPolicy } from "../services/ConfigPolicy.js"
import { type ConfigSnapshot, ConfigStore, type LoadedConfig, type WriteRequest } from "../services/ConfigStore.js"
import { Host } from "../services/Host.js"
import { Paths } from "../services/Paths.js"
import { StateFiles } from "../services/StateFiles.js"
import { asConfigIo } from "./fs/asConfigIo.js"
import { configLockPath, configLockPolicy } from "./fs/configLock.js"
import { writeTarget } from "./fs/writeTarget.js"
import { isNotFound, stateIoError } from "./fs/platformErrors.js"
import { makeVersionedRead } from "./fs/fileVersion.js"
import { sha256 } from "./fs/sha256.js"
import { isRecord } from "../domain/isRecord.js"

const BAK_RING = 4
/** Refused payloads kept beside the config (`.rejected.<timestamp>`), newest first. */
const REJECTED_KEEP = 10

/**
 * Stamps `meta.lastTouchedVersion` with this build's version, unless a newer build wrote the file last:
 * lowering that stamp would silently switch off the newer-config guard for every later older binary.
 */
const stampVersion = (config: unknown): unknown => {
  const touched = touchedVersionOf(config)
  if (touched !== undefined && isOlderThanTouched(VERSION, touched)) return config
  const base = isRecord(config) ? config : {}
  const meta = isRecord(base["meta"]) ? base["meta"] : {}
  return { ...base, meta: { ...meta, lastTouchedVersion: VERSION } }
}

export const describeIssues = (issues: ReadonlyArray<ConfigIssue>) =>
  issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")

interface HealthRecord {
  readonly lastKnownGood?: ConfigSummary & { readonly hash: string; readonly observedAt: string }
}

/** The `openclaw.json` store on the real filesystem. */
export const ConfigStoreLive = Layer.effect(
  ConfigStore,
  Effect.gen(function*() {
    const paths = yield* Paths
    const host = yield* Host
    const policy = yield* ConfigPolicy
    const file = paths.configPath
    const healthPath = path.join(paths.stateDir, "state", "config-health.json")
    const writeLock = yield* Effect.makeSemaphore(1)
    const fs = yield* FileSystem.FileSystem
    const files = yield* StateFiles
    const readIfExists = (target: string) => asConfigIo(files.readIfExists(target))
    const atomicWrite = <E = never>(target: string, text: string, beforeRename?: Effect.Effect<void, E>) => asConfigIo(files.atomicWrite(target, text, beforeRename))

    const readHealth = readIfExists(healthPath).pipe(
      Effect.map((text): Record<string, HealthRecord> => {
        if (text === undefined) return {}
        const parsed = parseJson5(text)
        return Either.isRight(parsed) && isRecord(parsed.right) ? (parsed.right as Record<string, HealthRecord>) : {}
      })
    )

    /** The last-known-good summary for this path, else the `.bak` copy's. */
    const goodSummary = Effect.gen(function*() {
      const health = yield* readHealth
      const known = health[file]?.lastKnownGood
      if (known !== undefined) return Option.some<ConfigSummary>(known)
      const bak = yield* readIfExists(`${file}.bak`)
      if (bak === undefined) return Option.none<ConfigSummary>()
      const parsed = parseJson5(bak)
      return Either.isRight(parsed) ? Option.some(summarizeConfig(parsed.right, bak)) : Option.none<ConfigSummary>()
    })

    const snapshotOf = (text: string | undefined): Effect.Effect<ConfigSnapshot, ConfigIoError> =>
      Effect.gen(function*() {
        const base = { path: file, text, hash: text === undefined ? undefined : sha256(text) }
        if (text === undefined) {
          return { ...base, exists: false, authored: {}, parseError: undefined, issues: [], config: {}, unsupported: [], warnings: [] } satisfies ConfigSnapshot
        }
        const parsed = parseJson5(text)
        if (Either.isLeft(parsed)) {
          const failure = parsed.left
          const where = failure.line === undefined ? "" : ` at ${failure.line}:${failure.column ?? 0}`
          const parseError = new ConfigParseError({
            message: `JSON5 parse failed${where}: ${failure.message.replace(/^JSON5: /, "")}`,
            path: file,
            ...(failure.line === undefined ? {} : { line: failure.line }),
            ...(failure.column === undefined ? {} : { column: failure.column })
          })
          return { ...base, exists: true, authored: undefined, parseError, issues: [], config: undefined, unsupported: [], warnings: [] } satisfies ConfigSnapshot
        }
        const authored = parsed.right
        const warnings: Array<string> = []
        const substituted = substituteEnv(authored, host.env)
        if (substituted.missing.length > 0) {
          warnings.push(`Config references unset environment variable(s) ${substituted.missing.join(", ")}; left as literal text.`)
        }
        const touched = touchedVersionOf(authored)
        if (touched !== undefined && isOlderThanTouched(VERSION, touched)) warnings.push(newerConfigWarning(touched, VERSION))
        const good = yield* goodSummary
        if (Option.isSome(good)) {
          const reasons = observeAgainstGood(summarizeConfig(authored, text), good.value)
          if (reasons.length > 0) warnings.push(`Config observe anomaly: ${file} (${reasons.join(", ")})`)
        }
        const validated = validateConfig(substituted.value)
        return {
          ...base,
          exists: true,
          authored,
          parseError: undefined,
          issues: Either.isLeft(validated) ? validated.left : [],
          config: Either.isRight(validated) ? validated.right.config : undefined,
          unsupported: Either.isRight(validated) ? validated.right.unsupported : [],
          warnings
        } satisfies ConfigSnapshot
      })

    // The snapshot is judged from the config and config-health.json (its last-known-good): a gateway answering
    // sessions.list or agent runs in a loop reads, parses and validates the config once per change, not per call.
    // The span marks a real read; an answer from the kept snapshot is a stat and no span (a span is ~25 effect steps).
    const read = makeVersionedRead(
      [file, healthPath],
      Effect.flatMap(readIfExists(file), snapshotOf).pipe(Effect.provideService(FileSystem.FileSystem, fs), Effect.withSpan("ConfigStore.read"))
    )

    const requireValid = (snapshot: ConfigSnapshot): Effect.Effect<LoadedConfig, ConfigParseError | ConfigInvalid> => {
      if (snapshot.parseError !== undefined) return Effect.fail(snapshot.parseError)
      if (snapshot.config === undefined) {
        return Effect.fail(new ConfigInvalid({ message: `Invalid config at ${file}`, stage: "load", path: file, issues: snapshot.issues }))
      }
      return Effect.succeed<LoadedConfig>({ snapshot, config: snapshot.config })
    }

    const load = Effect.flatMap(read, requireValid)

    const backupName = (target: string, index: number) => (index === 0 ? `${target}.bak` : `${target}.bak.${index}`)

    /** Names in the target's directory that start with the target's name, as suffixes (`.bak.1`). */
    const siblingSuffixes = (target: string) => Effect.map(fs.readDirectory(path.dirname(target)), (entries) => {
      const base = path.basename(target)
      return entries.filter((entry) => entry.startsWith(base)).map((entry) => entry.slice(base.length))
    })

    const rotateBackups = (target: string, current: string) =>
      Effect.gen(function*() {
        const suffixes = yield* siblingSuffixes(target).pipe(Effect.mapError(stateIoError(target, "rotating backups of")))
        const present = suffixes.flatMap((suffix) => {
          if (suffix === ".bak") return [0]
          const match = /^\.bak\.(\d+)$/.exec(suffix)
          return match === null ? [] : [Number(match[1])]
        })
        for (const step of planBackupRotation(present, BAK_RING)) {
          yield* (step._tag === "Remove" ? fs.remove(backupName(target, step.index), { force: true }) : fs.rename(backupName(target, step.from), backupName(target, step.to))).pipe(
            Effect.catchIf(isNotFound, () => Effect.void),
            Effect.mapError(stateIoError(target, "rotating backups of"))
          )
        }
        yield* files.atomicWrite(`${target}.bak`, current)
        yield* pruneStrayBackups(target, suffixes)
      })

    const pruneStrayBackups = (target: string, suffixes: ReadonlyArray<string>) =>
      Effect.forEach(suffixes, (suffix) => {
        const match = /^\.bak\.(.+)$/.exec(suffix)
        if (match === null) return Effect.void
        const n = Number(match[1])
        return !(Number.isInteger(n) && n >= 1 && n <= BAK_RING) && !/\.tmp$/.test(suffix) ? fs.remove(`${target}${suffix}`, { force: true }) : Effect.void
      }, { discard: true }).pipe(Effect.mapError(stateIoError(target, "pruning backups of")))

    /** Keeps the newest `REJECTED_KEEP` refused payloads: one is saved per refused write, and refusals repeat. */
    const pruneRejected = (target: string) => Effect.gen(function*() {
      const rejected = (yield* siblingSuffixes(target)).filter((suffix) => suffix.startsWith(".rejected.") && !suffix.endsWith(".tmp"))
      for (const suffix of rejectedToPrune(rejected, REJECTED_KEEP)) yield* fs.remove(`${target}${suffix}`, { force: true })
    }).pipe(Effect.mapError(stateIoError(target, "pruning rejected payloads of")))

    const saveRejected = (target: string, text: string) =>
      Effect.gen(function*() {
        const stamp = fileTimestamp(new Date(yield* Clock.currentTimeMillis))
        for (let attempt = 0; attempt < 100; attempt++) {
          const name = attempt === 0 ? `${target}.rejected.${stamp}` : `${target}.rejected.${stamp}-${String(attempt).padStart(2, "0")}`
          const saved = yield* files.writeExclusive(name, text).pipe(Effect.as(true), Effect.catchTag("StateIoError", () => Effect.succeed(false)))
          if (saved) return name
        }
        const last = `${target}.rejected.${stamp}-${process.pid}`
        return yield* files.writeExclusive(last, text).pipe(Effect.as(last))
      }).pipe(Effect.tap(() => pruneRejected(target).pipe(Effect.catchTag("StateIoError", (error) => Effect.logWarning(error.message)))))

    /**
     * The edit re-applied to the file another writer left (read under the lock). Left: the path that
     * changed underneath, or undefined when the edit cannot be re-applied at all (no edit, file gone or unparseable).
     */
    const rebaseOnto = (request: WriteRequest, currentText: string | undefined): Either.Either<unknown, string | undefined> => {
      // A file deleted or broken underneath is not rebased onto: that would drop everything else in it.
      if (request.rebase === undefined || currentText === undefined) return Either.left(undefined)
      const { base, ops } = request.rebase
      const current = parseJson5(currentText)
      if (Either.isLeft(current)) return Either.left(undefined)
      return Either.mapLeft(rebaseEdits(base, current.right, ops), (conflict): string | undefined => conflict.path)
    }

    /** The guarded write into `target`: the config file, or the file it links to (its lock and backups beside it). */
    const writeAt = Effect.fn("ConfigStore.write")(
      function*(target: string, request: WriteRequest) {
        if (host.env["OPENCLAW_NIX_MODE"] === "1") {
          return yield* new ConfigWriteBlocked({
            message: `Config is immutable in Nix mode (OPENCLAW_NIX_MODE=1); edit the Nix source for this install instead of ${file}.`,
            path: file
          })
        }
        const currentText = yield* readIfExists(target)
        const currentHash = currentText === undefined ? undefined : sha256(currentText)
        const next = currentHash === request.baseHash ? Either.right(request.next) : rebaseOnto(request, currentText)
        if (Either.isLeft(next)) {
          const what = next.left === undefined ? "" : `: ${next.left} was changed by another writer`
          return yield* new ConfigWriteConflict({
            message: `Config file ${file} changed while this command was writing${what}; nothing was changed. Re-run the command to apply it to the new file.`,
            path: file
          })
        }
        const candidate = stampVersion(next.right)
        const keptStamp = touchedVersionOf(candidate)
        if (keptStamp !== undefined && keptStamp !== VERSION) {
          yield* Effect.logWarning(`Config was last written by OpenClaw ${keptStamp}; this ${VERSION} keeps that meta.lastTouchedVersion so the newer-config guard stays on.`)
        }
        const validated = validateConfig(substituteEnv(candidate, host.env).value)
        if (Either.isLeft(validated)) {
          return yield* new ConfigInvalid({
            message: `Config validation failed: ${describeIssues(validated.left)}`,
            stage: "write",
            path: file,
            issues: validated.left
          })
        }
        const text = serializeConfig(candidate)
        const before: BeforeWrite = currentText === undefined
          ? { _tag: "Missing" }
          : Either.match(parseJson5(currentText), {
            onLeft: (): BeforeWrite => ({ _tag: "Unreadable" }),
            onRight: (config): BeforeWrite => ({ _tag: "Parsed", config })
          })
        const verdict = judgeWrite(before, candidate)
        if (verdict.blocking.length > 0 && request.allowDestructive !== true) {
          const savedTo = yield* saveRejected(target, text)
          return yield* new ConfigWriteRejected({
            message: rejectedMessage(file, verdict.blocking, savedTo),
            path: file,
            reasons: verdict.blocking,
            rejectedPath: savedTo
          })
        }
        yield* atomicWrite(target, text, currentText === undefined ? Effect.void : rotateBackups(target, currentText))
        return { path: file, hash: sha256(text), bytes: Buffer.byteLength(text), anomalies: verdict.anomalies }
      },
      (effect, target) => files.withLock(configLockPath(target), configLockPolicy(policy), effect),
      // Temp files of dead writers are swept before waiting for the lock (only dead pids' are touched), so
      // a writer killed while waiting never adds to what an earlier one left.
      (locked, target) =>
        Effect.zipRight(Effect.all([files.ensurePrivateDir(path.dirname(target)), files.sweepStaleTemps(target), files.sweepStaleTemps(`${target}.bak`)]), locked),
      asConfigIo,
      writeLock.withPermits(1)
    )

    const write: ConfigStore["Type"]["write"] = (request) =>
      Effect.flatMap(asConfigIo(writeTarget(fs, file)), (target) => writeAt(target, request))

    const promoteLastGood: ConfigStore["Type"]["promoteLastGood"] = Effect.fn("ConfigStore.promoteLastGood")(function*(snapshot) {
      if (snapshot.text === undefined || snapshot.hash === undefined || snapshot.config === undefined) {
        return { _tag: "Skipped", reason: "config is missing or invalid" } as const
      }
      const placeholder = findRedactedPlaceholder(snapshot.authored)
      if (placeholder !== undefined) {
        const reason = `Config last-known-good promotion skipped: redacted secret placeholder at ${placeholder}`
        yield* Effect.logWarning(reason)
        return { _tag: "Skipped", reason } as const
      }
      yield* atomicWrite(`${file}.last-good`, snapshot.text)
      const health = yield* readHealth
      const summary = summarizeConfig(snapshot.authored, snapshot.text)
      const observedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
      const record: HealthRecord = { lastKnownGood: { ...summary, hash: snapshot.hash, observedAt } }
      yield* asConfigIo(files.ensurePrivateDir(path.dirname(healthPath)))
      yield* atomicWrite(healthPath, `${JSON.stringify({ ...health, [file]: record }, null, 2)}\n`)
      return { _tag: "Promoted", hash: snapshot.hash } as const
    })

    const evaluateReload = (last: Ref.Ref<ConfigSnapshot>) =>
      Effect.gen(function*() {
        let snapshot = yield* read
        for (let attempt = 1; !snapshot.exists && attempt <= policy.watchMissingRetries; attempt++) {
          yield* Effect.logWarning(`config reload retry (${attempt}/${policy.watchMissingRetries}): config file not found`)
          yield* Effect.sleep(policy.watchDebounce)
          snapshot = yield* read
        }
        const previous = yield* Ref.get(last)
        if (!snapshot.exists) {
          yield* Effect.logWarning("config reload skipped (config file not found)")
          return Option.none<LoadedConfig>()
        }
        if (snapshot.hash === previous.hash) return Option.none<LoadedConfig>()
        if (snapshot.parseError !== undefined || snapshot.config === undefined) {
          const detail = snapshot.parseError !== undefined
            ? `${file}: ${snapshot.parseError.message}`
            : snapshot.issues.map((issue) => `${issue.path}: ${issue.message}`).join(", ")
          yield* Effect.logWarning(`config reload skipped (invalid config): ${detail}`)
          return Option.none<LoadedConfig>()
        }
        yield* Ref.set(last, snapshot)
        if (snapshot.config.gateway?.reload?.mode === "off") {
          yield* Effect.logInfo("config reload disabled (gateway.reload.mode=off)")
          return Option.none<LoadedConfig>()
        }
        const changed = changedPaths(previous.authored, snapshot.authored).map(formatConfigPath)
        yield* Effect.logInfo(`config change detected; evaluating reload (${changed.join(", ")})`)
        return Option.some<LoadedConfig>({ snapshot, config: snapshot.config })
      }).pipe(Effect.withSpan("ConfigStore.reload"))

    // Editors replace files by rename, so watch the directory and filter by name; a symlinked config is
    // written at its target (see writeTarget), so the target's directory is watched too.
    const watchFile = (watched: string) =>
      fs.watch(path.dirname(watched)).pipe(
        Stream.filter((event) => path.basename(event.path) === path.basename(watched)),
        Stream.catchAll(() => Stream.empty)
      )
    const changes = Stream.unwrap(Effect.map(writeTarget(fs, file).pipe(Effect.orElseSucceed(() => file)), (target) =>
      target === file ? watchFile(file) : Stream.merge(watchFile(file), watchFile(target))))

    const watch = Stream.unwrap(
      Effect.gen(function*() {
        const last = yield* Ref.make(yield* read.pipe(Effect.orDie))
        return changes.pipe(
          Stream.debounce(policy.watchDebounce),
          Stream.mapEffect(() => evaluateReload(last).pipe(Effect.catchTag("ConfigIoError", (e) =>
            Effect.logWarning(`config reload skipped (${e.message})`).pipe(Effect.as(Option.none<LoadedConfig>()))
          ))),
          Stream.filterMap((option) => option)
        )
      })
    )

    return { path: file, read, load, write, promoteLastGood, watch }
  })
)
