import type { PlatformError } from "@effect/platform/Error"
import { Effect, Either } from "effect"
import { lockLabel, staleLockReason } from "../../domain/doctor/stateChecks.js"
import { describePlatformError } from "../fs/platformErrors.js"
import type { DoctorDeps } from "./deps.js"
import { gatherLocks, gatherStateFacts, toMillis } from "./stateFacts.js"

/** What the file repairs did and could not do. */
export interface FileRepairResult {
  readonly changes: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
}

/** Runs one repair; a failure becomes a problem line in the OS's words, not an error. */
const attempt = (what: string, run: Effect.Effect<void, PlatformError>) =>
  run.pipe(Effect.mapError((error) => `${what} failed: ${describePlatformError(error)}`), Effect.either)

/** Creates the state directory (0700) when it is missing; runs before config repairs need it. */
export const ensureStateDir = (deps: DoctorDeps): Effect.Effect<FileRepairResult> =>
  Effect.gen(function*() {
    const facts = yield* gatherStateFacts(deps.fs, deps.paths.stateDir, deps.store.path)
    if (facts.stateKind !== "missing") return { changes: [], problems: [] }
    const made = yield* attempt(`Creating ${deps.paths.stateDir}`, deps.fs.makeDirectory(deps.paths.stateDir, { recursive: true, mode: 0o700 }))
    return Either.isRight(made)
      ? { changes: [`Created state directory ${deps.paths.stateDir} (0700).`], problems: [] }
      : { changes: [], problems: [made.left] }
  })

/** chmod 700 the state dir and chmod 600 the config when group/world bits are set; deletes stale locks. */
export const repairFiles = (deps: DoctorDeps): Effect.Effect<FileRepairResult> =>
  Effect.gen(function*() {
    const { fs } = deps
    const changes: Array<string> = []
    const problems: Array<string> = []
    const record = (result: Either.Either<unknown, string>, change: string) => {
      if (Either.isRight(result)) changes.push(change)
      else problems.push(result.left)
    }
    const facts = yield* gatherStateFacts(fs, deps.paths.stateDir, deps.store.path)
    if (facts.posixModes && facts.stateKind === "directory" && facts.stateMode !== undefined && (facts.stateMode & 0o077) !== 0) {
      record(yield* attempt(`chmod 700 ${facts.stateDir}`, fs.chmod(facts.stateDir, 0o700)), `Tightened permissions on ${facts.stateDir} to 700.`)
    }
    if (facts.posixModes && facts.configMode !== undefined && (facts.configMode & 0o077) !== 0) {
      record(yield* attempt(`chmod 600 ${facts.configPath}`, fs.chmod(facts.configPath, 0o600)), `Tightened permissions on ${facts.configPath} to 600.`)
    }
    const malformedAfter = toMillis(deps.policy.malformedLockAge)
    for (const lock of yield* gatherLocks(fs, deps.paths.stateDir, deps.store.path)) {
      const reason = staleLockReason(lock, malformedAfter)
      if (reason === undefined) continue
      if (lock.kind === "gateway") {
        record(yield* attempt(`Removing ${lock.path}`, fs.remove(lock.path, { force: true })), `Removed stale ${lockLabel(lock.kind)} lock ${lock.path} (${reason}).`)
        continue
      }
      // A state lock is cleared the way writers reclaim it, so one a writer has just taken is never deleted.
      const cleared = yield* deps.stateFiles.clearStaleLock(lock.path).pipe(Effect.either)
      if (Either.isLeft(cleared)) problems.push(cleared.left.message)
      else if (cleared.right) changes.push(`Removed stale ${lockLabel(lock.kind)} lock ${lock.path} (${reason}).`)
    }
    return { changes, problems }
  })
