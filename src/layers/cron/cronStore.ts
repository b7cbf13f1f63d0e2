import { Effect, Either, Schema } from "effect"
import { CronJob, CronRunEntry, CronStoreFile, RUN_HISTORY_MS } from "../../domain/cron/job.js"
import { CronScratchRow } from "../../domain/cron/scratch.js"
import type { StateFiles } from "../../services/StateFiles.js"

const decodeStore = Schema.decodeUnknownEither(Schema.parseJson(CronStoreFile), { errors: "all" })
const decodeEntry = Schema.decodeUnknownEither(Schema.parseJson(CronRunEntry))
const encodeJob = Schema.encodeSync(CronJob)
const decodeScratch = Schema.decodeUnknownEither(Schema.parseJson(CronScratchRow))

/** A job id that can name its run-history file. */
export const isSafeJobId = (id: string) => /^[A-Za-z0-9._:-]{1,128}$/.test(id) && id !== "." && id !== ".."

/**
 * Where cron keeps its files: `<state dir>/cron/jobs.json`, `cron/runs/<jobId>.jsonl`, the heartbeat's task
 * state and its last event (so `system heartbeat last` survives a restart).
 */
export const cronPaths = (stateDir: string) => ({
  dir: `${stateDir}/cron`,
  jobs: `${stateDir}/cron/jobs.json`,
  runsDir: `${stateDir}/cron/runs`,
  heartbeat: `${stateDir}/cron/heartbeat-state.json`,
  lastHeartbeat: `${stateDir}/cron/last-heartbeat.json`,
  scratchDir: `${stateDir}/cron/scratch`
})

/**
 * The jobs file and run history over StateFiles: every jobs write replaces the file atomically; run
 * entries are fsynced appends, pruned to 7 days. A jobs file that does not decode is copied aside
 * (`jobs.json.bad.<ts>`) and reported, never overwritten unseen.
 */
export const cronStore = (files: StateFiles["Type"], stateDir: string) => {
  const paths = cronPaths(stateDir)
  const load = (nowMs: number) =>
    Effect.gen(function*() {
      yield* files.ensurePrivateDir(paths.runsDir)
      const text = yield* files.readIfExists(paths.jobs)
      if (text === undefined) return { jobs: [] as ReadonlyArray<CronJob>, problem: undefined }
      return yield* Either.match(decodeStore(text), {
        onRight: (file) => Effect.succeed({ jobs: file.jobs, problem: undefined as string | undefined }),
        onLeft: (error) => {
          const aside = `${paths.jobs}.bad.${nowMs}`
          return Effect.as(files.atomicWrite(aside, text), { jobs: [] as ReadonlyArray<CronJob>, problem: `cron: jobs file ${paths.jobs} does not decode (kept as ${aside}): ${error.message.split("\n")[0] ?? ""}` })
        }
      })
    })

  const save = (jobs: Iterable<CronJob>) =>
    files.atomicWrite(paths.jobs, `${JSON.stringify({ version: 1, jobs: [...jobs].map((job) => encodeJob(job)) }, null, 2)}\n`)

  const runFile = (jobId: string) => `${paths.runsDir}/${jobId}.jsonl`

  const readFile = (file: string) =>
    Effect.map(files.readIfExists(file), (text) =>
      (text ?? "").split("\n").flatMap((line) => {
        if (line.trim() === "") return []
        const decoded = decodeEntry(line)
        return Either.isRight(decoded) ? [decoded.right] : []
      }))

  const appendRun = (entry: CronRunEntry, nowMs: number) =>
    Effect.gen(function*() {
      if (!isSafeJobId(entry.jobId)) return
      const file = runFile(entry.jobId)
      const existing = yield* readFile(file)
      const kept = existing.filter((e) => e.ts >= nowMs - RUN_HISTORY_MS)
      if (kept.length === existing.length) return yield* files.appendSynced(file, `${JSON.stringify(entry)}\n`)
      yield* files.atomicWrite(file, [...kept, entry].map((e) => `${JSON.stringify(e)}\n`).join(""))
    })

  const readRuns = (jobIds: ReadonlyArray<string>, nowMs: number) =>
    Effect.map(
      Effect.forEach(jobIds.filter(isSafeJobId), (id) => readFile(runFile(id))),
      (lists) => lists.flat().filter((e) => e.ts >= nowMs - RUN_HISTORY_MS)
    )

  // A job's private scratch: one small file per job (0600), replaced whole on each write.
  const scratchFile = (jobId: string) => `${paths.scratchDir}/${jobId}.json`
  const readScratch = (jobId: string) =>
    Effect.map(isSafeJobId(jobId) ? files.readIfExists(scratchFile(jobId)) : Effect.succeed(undefined), (text) =>
      text === undefined ? undefined : Either.getOrUndefined(decodeScratch(text)))
  const saveScratch = (jobId: string, row: CronScratchRow) =>
    Effect.zipRight(files.ensurePrivateDir(paths.scratchDir), files.atomicWrite(scratchFile(jobId), `${JSON.stringify(row)}\n`))

  // A removed job takes its scratch with it: a later job never inherits it, and nothing is left behind.
  const removeScratch = (jobId: string) => (isSafeJobId(jobId) ? files.removeIfExists(scratchFile(jobId)) : Effect.void)

  return { paths, load, save, appendRun, readRuns, readScratch, saveScratch, removeScratch }
}
