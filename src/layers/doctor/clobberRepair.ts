import { Clock, Effect, Either } from "effect"
import * as path from "node:path"
import { substituteEnv } from "../../domain/config/envSubstitution.js"
import { parseJson5 } from "../../domain/config/json5.js"
import { validateConfig } from "../../domain/config/validate.js"
import { clobberedPath, clobberedPrefix, clobberRotation } from "../../domain/doctor/clobber.js"
import { findJsonRootSuffix } from "../../domain/doctor/jsonPrefix.js"
import { planLegacyMigration } from "../../domain/doctor/legacyKeys.js"
import { clobberCapReached, LAST_GOOD_RESTORED, PREFIX_REMOVED } from "../../domain/doctor/messages.js"
import { judgeRestoreCandidate, type RestoreCandidate } from "../../domain/doctor/restoreCandidate.js"
import type { ConfigIoError, StateIoError } from "../../domain/errors.js"
import { fileTimestamp } from "../../domain/WriteGuard.js"
import type { ConfigSnapshot } from "../../services/ConfigStore.js"
import { isRecord } from "../../domain/isRecord.js"
import { asConfigIo } from "../fs/asConfigIo.js"
import { configLockPath, configLockPolicy } from "../fs/configLock.js"
import { writeTarget } from "../fs/writeTarget.js"
import { stateIoError } from "../fs/platformErrors.js"
import { sha256 } from "../fs/sha256.js"
import type { DoctorDeps } from "./deps.js"

/** How recovering a broken `openclaw.json` went. */
export type RecoveryResult =
  | { readonly _tag: "Recovered"; readonly change: string; readonly clobberedPath: string; readonly notes: ReadonlyArray<string> }
  | { readonly _tag: "NotRecovered"; readonly reasons: ReadonlyArray<string> }
  | { readonly _tag: "Conflict"; readonly message: string }

/** Valid as it is, or valid once the legacy rewrite (which runs right after) has applied. */
const validEnough = (config: unknown, env: DoctorDeps["env"]) =>
  Either.isRight(validateConfig(substituteEnv(config, env).value)) ||
  Either.isRight(validateConfig(substituteEnv(planLegacyMigration(config).next, env).value))

/** The sha256 recorded for this config's last-known-good copy (written by `promoteLastGood`). */
const recordedLastGoodHash = (deps: DoctorDeps) =>
  deps.stateFiles.readIfExists(path.join(deps.paths.stateDir, "state", "config-health.json")).pipe(
    Effect.map((text) => {
      if (text === undefined) return undefined
      const parsed = parseJson5(text)
      const entry = Either.isRight(parsed) && isRecord(parsed.right) ? parsed.right[deps.store.path] : undefined
      const good = isRecord(entry) ? entry["lastKnownGood"] : undefined
      const hash = isRecord(good) ? good["hash"] : undefined
      return typeof hash === "string" ? hash : undefined
    })
  )

/** `.last-good` (when it matches the recorded hash), then the newest `.bak`. */
export const restoreCandidates = (deps: DoctorDeps) =>
  Effect.gen(function*() {
    const file = deps.store.path
    const candidates: Array<RestoreCandidate> = []
    const lastGood = yield* deps.stateFiles.readIfExists(`${file}.last-good`)
    if (lastGood !== undefined) {
      const recorded = yield* recordedLastGoodHash(deps)
      candidates.push({ source: "last-good", path: `${file}.last-good`, text: lastGood, hashMatches: recorded !== undefined && recorded === sha256(lastGood) })
    }
    const bak = yield* deps.stateFiles.readIfExists(`${file}.bak`)
    if (bak !== undefined) candidates.push({ source: "bak", path: `${file}.bak`, text: bak, hashMatches: true })
    return candidates
  })

/** Saves the broken bytes as `<path>.clobbered.<ts>[-NN]` (exclusive, 0600), rotating the oldest beyond the cap. */
export const saveClobbered = (deps: DoctorDeps, file: string, text: string) =>
  Effect.gen(function*() {
    const { fs, stateFiles } = deps
    const dir = path.dirname(file)
    const prefix = clobberedPrefix(path.basename(file))
    const existing = yield* fs.readDirectory(dir).pipe(
      Effect.mapError(stateIoError(dir, "listing")),
      Effect.map((entries) => entries.filter((entry) => entry.startsWith(prefix) && !entry.endsWith(".tmp")))
    )
    const rotate = clobberRotation(existing)
    for (const name of rotate) yield* fs.remove(path.join(dir, name), { force: true }).pipe(Effect.mapError(stateIoError(path.join(dir, name), "removing")))
    const notes = rotate.length > 0 ? [clobberCapReached(file, existing.length)] : []
    const stamp = fileTimestamp(new Date(yield* Clock.currentTimeMillis))
    for (let attempt = 0; attempt < 100; attempt++) {
      const target = clobberedPath(file, stamp, attempt)
      const saved = yield* stateFiles.writeExclusive(target, text).pipe(Effect.as(true), Effect.catchTag("StateIoError", () => Effect.succeed(false)))
      if (saved) return { path: target, notes }
    }
    const last = clobberedPath(file, `${stamp}-${process.pid}`, 0)
    yield* stateFiles.writeExclusive(last, text)
    return { path: last, notes }
  })

/**
 * Replaces the config with `replacement` under the config write lock, but only if the file is still
 * the broken one doctor read; the broken bytes are kept first, and if that copy fails nothing changes.
 */
const replaceKeepingClobbered = (deps: DoctorDeps, snapshot: ConfigSnapshot, replacement: string, change: string) => {
  const file = deps.store.path
  // Same lock and same file as ConfigStore's writes: a symlinked config is replaced at its target.
  return Effect.flatMap(writeTarget(deps.fs, file), (target) =>
    deps.stateFiles.withLock(
      configLockPath(target),
      configLockPolicy(deps.configPolicy),
      Effect.gen(function*() {
        const current = yield* deps.stateFiles.readIfExists(target)
        if (current === undefined || sha256(current) !== snapshot.hash) {
          return { _tag: "Conflict", message: `Config file ${file} changed while doctor was repairing it; nothing was changed. Re-run \`openclaw doctor --fix\`.` } as const
        }
        const saved = yield* saveClobbered(deps, file, current)
        yield* deps.stateFiles.atomicWrite(target, replacement)
        return { _tag: "Recovered", change, clobberedPath: saved.path, notes: saved.notes } as const
      })
    ))
}

/**
 * Recovers an unparseable or invalid config: strip a non-JSON prefix when the rest is a valid config,
 * else restore last-known-good (`.last-good`, then `.bak`). Never writes a partial replacement.
 */
export const recoverBrokenConfig = (deps: DoctorDeps, snapshot: ConfigSnapshot): Effect.Effect<RecoveryResult, ConfigIoError> =>
  Effect.gen(function*(): Effect.fn.Return<RecoveryResult, ConfigIoError | StateIoError> {
    if (snapshot.text === undefined) return { _tag: "NotRecovered", reasons: ["config file is missing"] }
    const reasons: Array<string> = []
    if (snapshot.parseError !== undefined) {
      const suffix = findJsonRootSuffix(snapshot.text)
      if (suffix !== undefined && validEnough(suffix.parsed, deps.env)) {
        return yield* replaceKeepingClobbered(deps, snapshot, suffix.text, PREFIX_REMOVED)
      }
      reasons.push(suffix === undefined ? "no JSON document after a non-JSON prefix" : "the JSON after the prefix is not a valid config")
    }
    const candidates = yield* restoreCandidates(deps)
    if (candidates.length === 0) reasons.push("no last-known-good or backup copy")
    for (const candidate of candidates) {
      const judged = judgeRestoreCandidate(candidate, deps.env)
      if (Either.isRight(judged)) return yield* replaceKeepingClobbered(deps, snapshot, candidate.text, LAST_GOOD_RESTORED)
      reasons.push(judged.left)
    }
    return { _tag: "NotRecovered", reasons }
  }).pipe(asConfigIo)
