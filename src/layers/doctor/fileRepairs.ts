import { Effect, Either } from "effect"
import * as fs from "node:fs/promises"
import { staleLockReason } from "../../domain/doctor/stateChecks.js"
import { gatherLocks, gatherStateFacts, toMillis } from "./stateFacts.js"
import type { DoctorDeps } from "./deps.js"

/** What the file repairs did and could not do. */
export interface FileRepairResult {
  readonly changes: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
}

const attempt = (what: string, run: () => Promise<unknown>) =>
  Effect.tryPromise({ try: run, catch: (cause) => `${what} failed: ${cause instanceof Error ? cause.message : String(cause)}` }).pipe(Effect.either)

/** Creates the state directory (0700) when it is missing; runs before config repairs need it. */
export const ensureStateDir = (deps: DoctorDeps): Effect.Effect<FileRepairResult> =>
  Effect.gen(function*() {
    const facts = yield* gatherStateFacts(deps.paths.stateDir, deps.store.path)
    if (facts.stateKind !== "missing") return { changes: [], problems: [] }
    const made = yield* attempt(`Creating ${deps.paths.stateDir}`, () => fs.mkdir(deps.paths.stateDir, { recursive: true, mode: 0o700 }))
    return Either.isRight(made)
      ? { changes: [`Created state directory ${deps.paths.stateDir} (0700).`], problems: [] }
      : { changes: [], problems: [made.left] }
  })

/** chmod 700 the state dir and chmod 600 the config when group/world bits are set; deletes stale locks. */
export const repairFiles = (deps: DoctorDeps): Effect.Effect<FileRepairResult> =>
  Effect.gen(function*() {
    const changes: Array<string> = []
    const problems: Array<string> = []
    const record = (result: Either.Either<unknown, string>, change: string) => {
      if (Either.isRight(result)) changes.push(change)
      else problems.push(result.left)
    }
    const facts = yield* gatherStateFacts(deps.paths.stateDir, deps.store.path)
    if (facts.posixModes && facts.stateKind === "directory" && facts.stateMode !== undefined && (facts.stateMode & 0o077) !== 0) {
      record(yield* attempt(`chmod 700 ${facts.stateDir}`, () => fs.chmod(facts.stateDir, 0o700)), `Tightened permissions on ${facts.stateDir} to 700.`)
    }
    if (facts.posixModes && facts.configMode !== undefined && (facts.configMode & 0o077) !== 0) {
      record(yield* attempt(`chmod 600 ${facts.configPath}`, () => fs.chmod(facts.configPath, 0o600)), `Tightened permissions on ${facts.configPath} to 600.`)
    }
    const malformedAfter = toMillis(deps.policy.malformedLockAge)
    for (const lock of yield* gatherLocks(deps.paths.stateDir, deps.store.path)) {
      const reason = staleLockReason(lock, malformedAfter)
      if (reason === undefined) continue
      record(yield* attempt(`Removing ${lock.path}`, () => fs.rm(lock.path, { force: true })), `Removed stale ${lock.kind === "gateway" ? "gateway" : "config write"} lock ${lock.path} (${reason}).`)
    }
    return { changes, problems }
  })
