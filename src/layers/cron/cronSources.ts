import { Clock, Effect, Fiber, Option, Queue, type Scope } from "effect"
import type { CronJob, CronJobState, RunStatus } from "../../domain/cron/job.js"
import type { OnExitSchedule, StreamSchedule } from "../../domain/cron/schedule.js"
import { type DispatchStep, fireDone, idleDispatch, nextDispatch, offerBatch, STREAM_TRIGGER_INTERVAL_MS, streamSettings } from "../../domain/cron/stream.js"
import { describeExit, spawnGroup } from "./processGroup.js"
import { superviseStream } from "./streamSource.js"

/**
 * Decides per closed stream batch whether it fires, and with what text. This is the seam for a
 * `trigger.script` gate (`trigger.streamBatch`): `fire: false` drops the batch (counted in
 * `streamDroppedBatches`). Without a gate every batch fires as it is.
 */
export type StreamBatchGate = (job: CronJob, batch: string) => Effect.Effect<{ readonly fire: true; readonly text: string } | { readonly fire: false }>

/** The default gate: every closed batch fires unchanged. */
export const passThroughGate: StreamBatchGate = (_job, batch) => Effect.succeed({ fire: true, text: batch })

/** What the sources need from the scheduler that owns the jobs. */
export interface CronSourcesDeps {
  readonly job: (jobId: string) => Effect.Effect<CronJob | undefined>
  /** Runs the job now with `text` appended to its payload; resolves when the run is recorded. */
  readonly fire: (jobId: string, text: string) => Effect.Effect<RunStatus | "not-running">
  readonly updateState: (jobId: string, patch: Partial<CronJobState>) => Effect.Effect<void>
  readonly count: (jobId: string, counter: "streamDroppedBatches" | "streamCoalescedBatches") => Effect.Effect<void>
  /** Records a failed run without running the payload (failure alerts as for any failed run). */
  readonly recordFailure: (jobId: string, error: string, patch: Partial<CronJobState>) => Effect.Effect<void>
  readonly log: (level: "info" | "warn" | "error", message: string, jobId: string) => Effect.Effect<void>
}

/** Tunables (tests shorten them). */
export interface CronSourcesOptions {
  /** Minimum spacing of two fires of one stream job (default 30 s). */
  readonly triggerIntervalMs?: number | undefined
  /** Delay before restarting a source after its n-th short run in a row (default: the error backoff). */
  readonly restartBackoffMs?: ((n: number) => number) | undefined
  readonly gateStreamBatch?: StreamBatchGate | undefined
}

/** The output a watched command's fire carries, at most this many characters (its end). */
const ON_EXIT_OUTPUT_CHARS = 4000

type Inbox = { readonly _tag: "Batch"; readonly text: string } | { readonly _tag: "Done" }

/**
 * One stream job's serialized owner: closed batches pass the gate, then fire at once or join the one
 * bounded pending batch (while a payload runs, or within the trigger interval of the last fire).
 */
const streamOwner = (jobId: string, inbox: Queue.Queue<Inbox>, maxBatchBytes: number, deps: CronSourcesDeps, options: CronSourcesOptions) =>
  Effect.gen(function*() {
    const intervalMs = options.triggerIntervalMs ?? STREAM_TRIGGER_INTERVAL_MS
    const gate = options.gateStreamBatch ?? passThroughGate
    let state = idleDispatch
    let waitMs: number | undefined
    for (;;) {
      const event = waitMs === undefined ? Option.some(yield* Queue.take(inbox)) : yield* Queue.take(inbox).pipe(Effect.timeout(Math.max(0, waitMs)), Effect.option)
      const now = yield* Clock.currentTimeMillis
      let step: DispatchStep
      if (Option.isNone(event)) step = nextDispatch(state, now, intervalMs)
      else if (event.value._tag === "Done") step = nextDispatch(fireDone(state), now, intervalMs)
      else {
        const job = yield* deps.job(jobId)
        const gated = job === undefined ? { fire: false as const } : yield* gate(job, event.value.text)
        if (!gated.fire) {
          yield* deps.count(jobId, "streamDroppedBatches")
          step = nextDispatch(state, now, intervalMs)
        } else {
          const offered = offerBatch(state, gated.text, now, { intervalMs, maxBatchBytes })
          if (offered.coalesced) yield* deps.count(jobId, "streamCoalescedBatches")
          step = offered
        }
      }
      state = step.state
      if (step._tag === "Fire") {
        waitMs = undefined
        // Failed payloads are not retried (they may not be idempotent): the batch counts as dropped.
        yield* Effect.forkScoped(deps.fire(jobId, step.text).pipe(
          Effect.flatMap((status) => (status === "error" || status === "not-running" ? deps.count(jobId, "streamDroppedBatches") : Effect.void)),
          Effect.ensuring(Queue.offer(inbox, { _tag: "Done" }))
        ))
      } else waitMs = step.waitMs
    }
  })

/** A stream job: its supervised source feeding its owner. Runs until interrupted or exhausted. */
const runStream = (job: CronJob, schedule: StreamSchedule, deps: CronSourcesDeps, options: CronSourcesOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const inbox = yield* Queue.unbounded<Inbox>()
    yield* Effect.forkScoped(streamOwner(job.id, inbox, streamSettings(schedule).maxBatchBytes, deps, options))
    yield* superviseStream(schedule, {
      onBatch: (text) => Queue.offer(inbox, { _tag: "Batch", text }),
      onStatus: (status, shortRuns, detail) =>
        Effect.zipRight(
          detail === undefined ? Effect.void : deps.log("warn", `cron: ${detail}; restarting`, job.id),
          deps.updateState(job.id, { streamStatus: status, streamConsecutiveFailures: shortRuns })
        ),
      onExhausted: (error, shortRuns) => deps.recordFailure(job.id, error, { streamStatus: "error", streamRestartExhausted: true, streamConsecutiveFailures: shortRuns })
    }, { shortRuns: job.state.streamConsecutiveFailures ?? 0, backoffMs: options.restartBackoffMs })
    // Exhausted: the job stays in its error state (not wanted) until it is enabled again.
  }))

/**
 * An on-exit job: runs the watched shell command once and fires when it exits, with how it ended and
 * the end of its output. A watch found already started (the gateway stopped mid-watch) is not run again:
 * it is recorded as a failed run.
 */
const runOnExit = (job: CronJob, schedule: OnExitSchedule, deps: CronSourcesDeps) =>
  Effect.scoped(Effect.gen(function*() {
    if (job.state.onExitStartedAtMs !== undefined) {
      return yield* deps.recordFailure(job.id, `watched command was interrupted before it exited (the gateway stopped while watching): ${schedule.command}`, {})
    }
    const startedAt = yield* Clock.currentTimeMillis
    yield* deps.updateState(job.id, { onExitStartedAtMs: startedAt })
    let output = ""
    const proc = yield* spawnGroup({
      argv: ["sh", "-lc", schedule.command],
      cwd: schedule.cwd,
      onOutput: (_stream, chunk) => {
        output = (output + chunk).slice(-ON_EXIT_OUTPUT_CHARS)
      }
    })
    const exit = yield* proc.exit
    const seconds = Math.round(((yield* Clock.currentTimeMillis) - startedAt) / 1000)
    const tail = output.trim()
    const text = `Watched command ${describeExit(exit)} after ${seconds}s: ${schedule.command}${tail === "" ? "" : `\n\nOutput (end):\n${tail}`}`
    const status = yield* deps.fire(job.id, text)
    if (status === "not-running") yield* deps.recordFailure(job.id, `watched command ${describeExit(exit)} but the job could not run (already running or automations disabled)`, {})
  }))

/** Which event sources should run now, keyed so that an edited source is restarted. */
const sourceKey = (job: CronJob) => JSON.stringify(job.schedule)

/**
 * The event sources of the scheduler's jobs (stream sources, on-exit watchers), each a fiber owning its
 * process tree. `reconcile` starts what should run and stops (tearing down, awaited) what should not;
 * closing the scope stops them all. A source's identity is its fiber: a stopped source's late output
 * and queued batches die with it, so an A-to-B-to-A edit never fires a batch of the retired A.
 */
export const makeCronSources = (deps: CronSourcesDeps, options: CronSourcesOptions = {}): Effect.Effect<{
  readonly reconcile: (jobs: ReadonlyArray<CronJob>, gates: { readonly enabled: boolean; readonly triggersEnabled: boolean }) => Effect.Effect<void>
}, never, Scope.Scope> =>
  Effect.gen(function*() {
    const running = new Map<string, { readonly key: string; readonly fiber: Fiber.RuntimeFiber<void> }>()
    const lock = yield* Effect.makeSemaphore(1)
    const stop = (jobId: string) =>
      Effect.suspend(() => {
        const handle = running.get(jobId)
        running.delete(jobId)
        return handle === undefined ? Effect.void : Fiber.interrupt(handle.fiber)
      })
    // Gateway shutdown waits for every process tree to be gone.
    yield* Effect.addFinalizer(() => lock.withPermits(1)(Effect.forEach([...running.keys()], stop, { discard: true, concurrency: "unbounded" })))

    const wanted = (job: CronJob, gates: { readonly enabled: boolean; readonly triggersEnabled: boolean }) => {
      if (!job.enabled || !gates.enabled) return false
      if (job.schedule.kind === "stream") return gates.triggersEnabled && job.state.streamRestartExhausted !== true
      return job.schedule.kind === "on-exit"
    }
    const program = (job: CronJob): Effect.Effect<void> => {
      const schedule = job.schedule
      const body = schedule.kind === "stream" ? runStream(job, schedule, deps, options) : schedule.kind === "on-exit" ? runOnExit(job, schedule, deps) : Effect.void
      return body.pipe(Effect.catchAllDefect((defect) => deps.log("error", `cron: event source failed: ${String(defect)}`, job.id)))
    }

    const reconcile = (jobs: ReadonlyArray<CronJob>, gates: { readonly enabled: boolean; readonly triggersEnabled: boolean }) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const byId = new Map(jobs.map((job) => [job.id, job]))
        const stale = [...running.entries()].filter(([id, handle]) => {
          const job = byId.get(id)
          // A finished source (exhausted stream, fired watch) is started again only if still wanted.
          return job === undefined || !wanted(job, gates) || sourceKey(job) !== handle.key || handle.fiber.unsafePoll() !== null
        })
        yield* Effect.forEach(stale, ([id]) => stop(id), { discard: true, concurrency: "unbounded" })
        for (const stopped of stale) {
          const job = byId.get(stopped[0])
          if (job?.schedule.kind === "stream") yield* deps.updateState(job.id, { streamStatus: "stopped" })
        }
        for (const job of jobs) {
          if (running.has(job.id) || !wanted(job, gates)) continue
          running.set(job.id, { key: sourceKey(job), fiber: yield* Effect.forkDaemon(program(job)) })
        }
      }))
    return { reconcile }
  })
