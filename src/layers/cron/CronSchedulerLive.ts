import { Cause, Clock, Deferred, Effect, FiberSet, Layer, Option, Queue } from "effect"
import { ActiveWork } from "../../services/ActiveWork.js"
import { randomUUID } from "node:crypto"
import { CronJobInvalid, CronJobNotFound } from "../../domain/cron/errors.js"
import { type FailureAlertPlan, type GlobalFailureAlert, mergeFailureAlert } from "../../domain/cron/failureAlert.js"
import { finishRun } from "../../domain/cron/finishRun.js"
import { applyJobPatch } from "../../domain/cron/jobPatch.js"
import { type CronJob, type CronJobState, type RunStatus } from "../../domain/cron/job.js"
import { pacingProblem } from "../../domain/cron/pacing.js"
import { streamScheduleProblem } from "../../domain/cron/stream.js"
import { DueQueue } from "../../domain/cron/dueQueue.js"
import { scratchContentProblem, scratchState, writeScratch } from "../../domain/cron/scratch.js"
import { appendPayloadText, scriptJobProblem, TRIGGER_MIN_INTERVAL_MS, triggerFloor } from "../../domain/cron/script.js"
import { applyScriptOutcome, quietEvaluation } from "../../domain/cron/triggerRun.js"
import { cronExprProblem, nextRunAtMs, parseAtMs } from "../../domain/cron/schedule.js"
import { CronExecutor, type ExecuteOptions } from "../../services/CronExecutor.js"
import { type CronJobInput, type CronJobPatch, type CronRunsQuery, CronScheduler } from "../../services/CronScheduler.js"
import { EventBus } from "../../services/EventBus.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { StateFiles } from "../../services/StateFiles.js"
import { cronStore } from "./cronStore.js"
import { type CronSourcesOptions, makeCronSources } from "./cronSources.js"

/** The longest the timer sleeps before looking again (a clock jump or a missed wake costs at most this). */
export const MAX_TIMER_MS = 60_000

/** How long the timer waits after a tick that failed before trying again. */
export const TICK_RETRY_MS = 30_000

/** How the scheduler is set up for this gateway. */
export interface CronSchedulerOptions {
  /**
   * False with `cron.enabled: false` or `OPENCLAW_SKIP_CRON=1`: jobs are kept and run only by hand. An
   * effect is read on every tick and status, so a hot-reloaded config takes effect within the 60 s timer.
   */
  readonly enabled: boolean | Effect.Effect<boolean>
  readonly stateDir: string
  /** `cron.failureAlert`, read when a run finishes (so a hot-reloaded policy applies to the next run). */
  readonly failureAlert?: Effect.Effect<GlobalFailureAlert | undefined> | undefined
  /**
   * System jobs the config declares (an agent's heartbeat), matched by `declarationKey`; others of their
   * family are removed. An effect is read again on each timer turn and on `config.changed`, so a
   * hot-reloaded heartbeat interval reschedules its job without a restart.
   */
  readonly declared?: ReadonlyArray<DeclaredJob> | Effect.Effect<ReadonlyArray<DeclaredJob>> | undefined
  /** The `declarationKey` prefixes `declared` owns (`heartbeat:`). */
  readonly declaredFamilies?: ReadonlyArray<string> | undefined
  /** The least time between two evaluations of a condition trigger (default 30 s). */
  readonly triggerMinIntervalMs?: number | undefined
  /** False with `cron.triggers.enabled: false`: stream schedules are refused and their sources stopped (read like `enabled`). */
  readonly triggersEnabled?: boolean | Effect.Effect<boolean> | undefined
  /** Event-source tunables and the stream batch gate seam (see `cronSources`). */
  readonly sources?: CronSourcesOptions | undefined
}

/** A system job the config declares, known by its `declarationKey`. */
export type DeclaredJob = CronJobInput & { readonly declarationKey: string }

const DISABLED_WARNING = "cron: scheduler disabled; jobs will not run automatically"

const invalid = (message: string) => new CronJobInvalid({ message })

/** Why a definition cannot be scheduled, or `undefined`. */
const definitionProblem = (job: Pick<CronJob, "schedule" | "payload" | "sessionTarget" | "name" | "delivery" | "trigger" | "pacing">, triggerMinIntervalMs: number, triggersEnabled: boolean): string | undefined => {
  if (job.name.trim() === "") return "name is required"
  const scripted = scriptJobProblem(job, triggerMinIntervalMs)
  if (scripted !== undefined) return scripted
  const schedule = job.schedule
  const eventProblem = eventDefinitionProblem(job, triggersEnabled)
  if (eventProblem !== undefined) return eventProblem
  if (schedule.kind === "cron") return cronExprProblem(schedule.expr, schedule.tz)
  if (schedule.kind === "at" && parseAtMs(schedule.at) === undefined) return `Invalid --at "${schedule.at}": use an ISO time (2026-12-24T18:00:00Z) or a duration like 20m`
  if (job.payload.kind === "systemEvent" && job.sessionTarget !== "main") return "sessionTarget \"main\" is required for systemEvent payloads"
  if (job.payload.kind === "agentTurn" && job.sessionTarget === "main") return "sessionTarget \"main\" requires payload.kind \"systemEvent\"; use --session isolated for agent turns"
  if (job.delivery?.failureDestination !== undefined && job.sessionTarget !== "isolated" && job.delivery.mode !== "webhook") {
    return "delivery.failureDestination is only supported for sessionTarget \"isolated\" jobs (or with delivery.mode \"webhook\")"
  }
  return undefined
}

/** The parts of a definition the event schedules and pacing constrain. */
const eventDefinitionProblem = (job: Pick<CronJob, "schedule" | "payload" | "pacing">, triggersEnabled: boolean): string | undefined => {
  const schedule = job.schedule
  if (job.pacing !== undefined) {
    if (schedule.kind !== "every" && schedule.kind !== "cron") return "pacing needs a recurring schedule (--every or --cron)"
    const problem = pacingProblem(job.pacing)
    if (problem !== undefined) return problem
  }
  if (schedule.kind !== "stream") return undefined
  if (!triggersEnabled) return "stream schedules are disabled by cron.triggers.enabled: false (set it to true to use --stream-command)"
  // The source command and a command payload would have ambiguous process ownership.
  if (job.payload.kind === "command") return "command payloads are not allowed on stream schedules: use --message or --system-event"
  return streamScheduleProblem(schedule)
}

const omitUndefined = <T>(value: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

/** A run fired by an event source: the text it appends, and where its recorded status goes. */
interface RunEvent {
  /** A watched command's exit, appended to the payload (a stream batch goes as `streamBatch` instead). */
  readonly text?: string | undefined
  readonly done: Deferred.Deferred<RunStatus>
}

/** Event-source state an edit resets: a watch, a source's short-run count and its restart cap. */
const resetSourceState = (state: CronJobState, patch: CronJobPatch, wasEnabled: boolean): CronJobState => {
  const { onExitStartedAtMs: _watch, streamRestartExhausted: _cap, streamConsecutiveFailures: _short, streamStatus: _status, ...rest } = state
  // Enabling a disabled job, or a stream stopped at its restart cap, starts its source afresh.
  if (patch.enabled === true && (!wasEnabled || state.streamRestartExhausted === true)) return rest
  // Disabling or a new schedule stops the source (a watched command is killed, not awaited).
  if (patch.enabled === false || patch.schedule !== undefined) return rest
  return state
}

/**
 * The scheduler: jobs in memory (persisted on every change), a due queue ordered by next run, and one
 * timer fiber that sleeps until the earliest job (at most 60 s), then runs what is due. Runs happen in
 * background fibers of the gateway's scope; a job already running is never started again.
 */
export const CronSchedulerLive = (options: CronSchedulerOptions) =>
  Layer.scoped(
    CronScheduler,
    Effect.gen(function*() {
      const files = yield* StateFiles
      const executor = yield* CronExecutor
      const bus = yield* EventBus
      const log = yield* GatewayLog
      const store = cronStore(files, options.stateDir)
      const minIntervalMs = options.triggerMinIntervalMs ?? TRIGGER_MIN_INTERVAL_MS
      const storePath = store.paths.jobs
      const fields = { module: "cron", storeKey: storePath }

      const jobs = new Map<string, CronJob>()
      const queue = new DueQueue()
      const running = new Set<string>()
      const lock = yield* Effect.makeSemaphore(1)
      const fibers = yield* FiberSet.make<void, never>()
      // A running job holds off a safe restart (`gateway restart --safe`) until it finishes.
      const work = yield* Effect.serviceOption(ActiveWork)
      const wake = yield* Queue.sliding<void>(1)
      let manualCount = 0

      const schedule = (job: CronJob) => queue.set(job.id, job.enabled && !running.has(job.id) ? job.state.nextRunAtMs : undefined)
      const persist = Effect.suspend(() => store.save(jobs.values()))
      const publish = (payload: Record<string, unknown>) => bus.publish({ event: "cron", payload, scope: "operator.read" })
      const isEnabled = typeof options.enabled === "boolean" ? Effect.succeed(options.enabled) : options.enabled
      const triggersOn = options.triggersEnabled === undefined ? Effect.succeed(true) : typeof options.triggersEnabled === "boolean" ? Effect.succeed(options.triggersEnabled) : options.triggersEnabled
      const warnDisabled = (action: string) =>
        Effect.flatMap(isEnabled, (enabled) => enabled ? Effect.void : log.write({ level: "warn", message: DISABLED_WARNING, fields: { ...fields, enabled: false, action, storePath } }))

      // Load: stale running marks are from a process that is gone; a job due while we were down runs once.
      const startedAt = yield* Clock.currentTimeMillis
      const loaded = yield* Effect.orDie(store.load(startedAt))
      if (loaded.problem !== undefined) yield* log.write({ level: "error", message: loaded.problem, fields })
      for (const stored of loaded.jobs) {
        const { runningAtMs: _stale, ...state } = stored.state
        const next = state.nextRunAtMs ?? (stored.enabled ? nextRunAtMs(stored.schedule, { ...stored, lastRunAtMs: state.lastRunAtMs }, startedAt) : undefined)
        jobs.set(stored.id, { ...stored, state: omitUndefined({ ...state, nextRunAtMs: next }) })
      }
      // Declared system jobs (heartbeats): created, updated in place, or removed with the config.
      const applyDeclared = (declared: ReadonlyArray<DeclaredJob>, now: number) => {
        const declaredKeys = new Set(declared.map((d) => d.declarationKey))
        for (const job of [...jobs.values()]) {
          const family = options.declaredFamilies?.some((prefix) => job.declarationKey?.startsWith(prefix) === true) ?? false
          if (family && !declaredKeys.has(job.declarationKey ?? "")) {
            jobs.delete(job.id)
            queue.set(job.id, undefined)
          }
        }
        for (const d of declared) {
          const existing = [...jobs.values()].find((job) => job.declarationKey === d.declarationKey)
          const sameSchedule = existing !== undefined && JSON.stringify(existing.schedule) === JSON.stringify(d.schedule)
          const base: CronJob = existing ?? {
            id: randomUUID(),
            name: d.name,
            enabled: true,
            createdAtMs: now,
            updatedAtMs: now,
            schedule: d.schedule,
            sessionTarget: d.sessionTarget ?? "main",
            wakeMode: d.wakeMode ?? "next-heartbeat",
            payload: d.payload,
            state: {}
          }
          const job: CronJob = omitUndefined({
            ...base,
            declarationKey: d.declarationKey,
            displayName: d.displayName,
            agentId: d.agentId,
            name: d.name,
            schedule: d.schedule,
            payload: d.payload,
            enabled: d.enabled ?? true,
            ...(existing === undefined || sameSchedule ? {} : { updatedAtMs: now }),
            state: sameSchedule ? base.state : omitUndefined({ ...base.state, nextRunAtMs: nextRunAtMs(d.schedule, base, now) })
          })
          jobs.set(job.id, job)
          schedule(job)
        }
      }
      const readDeclared = options.declared === undefined ? Effect.succeed([]) : Effect.isEffect(options.declared) ? options.declared : Effect.succeed(options.declared)
      let appliedDeclared = yield* readDeclared
      applyDeclared(appliedDeclared, startedAt)
      for (const job of jobs.values()) schedule(job)
      yield* persist.pipe(Effect.orDie)
      yield* warnDisabled("start")

      const recordFinish = (job: CronJob, runId: string, runAtMs: number, execution: ExecuteOptions, event?: RunEvent) =>
        Effect.gen(function*() {
          // A watched command's exit goes with this run only (a stream batch rides in `execution.streamBatch`).
          const outcome = yield* executor.execute(event?.text === undefined ? job : { ...job, payload: appendPayloadText(job.payload, event.text) }, runId, execution)
          if (outcome.status === "ok" && outcome.triggerEval?.fired === false) {
            // The condition did not fire: its state and counters are kept, no run is recorded.
            yield* lock.withPermits(1)(Effect.gen(function*() {
              const now = yield* Clock.currentTimeMillis
              running.delete(job.id)
              const current = jobs.get(job.id)
              if (current === undefined || outcome.triggerEval === undefined) return
              const evaluated = quietEvaluation(current, outcome.triggerEval, now, minIntervalMs)
              jobs.set(job.id, evaluated)
              schedule(evaluated)
              yield* persist
            }))
            yield* publish({ action: "evaluated", jobId: job.id, runId, fired: false })
            if (event !== undefined) yield* Deferred.succeed(event.done, "skipped")
            return yield* Queue.offer(wake, undefined)
          }
          const failureAlert = options.failureAlert === undefined ? undefined : yield* options.failureAlert
          const finished = yield* lock.withPermits(1)(Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const current = jobs.get(job.id)
            // A forced run is out of band: it keeps the pending (natural or paced) slot, so its proposal is dropped.
            const { nextCheckMs, ...rest } = outcome
            const result = finishRun(current ?? job, { ...rest, ...(runId.startsWith("manual:") ? {} : { nextCheckMs }), runId, runAtMs }, now, failureAlert)
            running.delete(job.id)
            if (current !== undefined) {
              if (result.job === undefined) jobs.delete(job.id)
              else {
                const updated = applyScriptOutcome(result.job, outcome, now, minIntervalMs)
                jobs.set(job.id, updated)
                schedule(updated)
              }
              yield* persist
              if (result.job === undefined) yield* store.removeScratch(job.id)
            }
            yield* store.appendRun(result.entry, now)
            return result
          }))
          if (finished.entry.status === "error") {
            yield* log.write({ level: "warn", message: "cron: job run returned error status", fields: { ...fields, jobId: job.id, jobName: job.name, error: finished.entry.error } })
          }
          yield* publish({ ...finished.entry })
          if (event !== undefined) yield* Deferred.succeed(event.done, finished.entry.status)
          if (finished.alert !== undefined && finished.job !== undefined) yield* sendAlert(finished.job, finished.alert)
          yield* Queue.offer(wake, undefined)
          yield* reconcileSources
        }).pipe(
          Effect.catchAllCause((cause) => log.write({ level: "error", message: "cron: job run failed to record", fields: { ...fields, jobId: job.id, err: Cause.pretty(cause) } })),
          Effect.ensuring(Effect.sync(() => running.delete(job.id))),
          Effect.ensuring(event === undefined ? Effect.void : Deferred.succeed(event.done, "error"))
        )

      // The alert time is already stored with the run's state; this records how the send went.
      const sendAlert = (job: CronJob, plan: FailureAlertPlan) =>
        Effect.gen(function*() {
          const sent = yield* executor.alert(job, plan)
          if (sent.error !== undefined) yield* log.write({ level: "warn", message: "cron: failure alert not delivered", fields: { ...fields, jobId: job.id, mode: plan.route.mode, error: sent.error } })
          yield* lock.withPermits(1)(Effect.gen(function*() {
            const current = jobs.get(job.id)
            if (current === undefined) return
            const { lastFailureNotificationDeliveryError: _previous, ...state } = current.state
            jobs.set(job.id, { ...current, state: { ...state, lastFailureNotificationDeliveryStatus: sent.status, ...(sent.error === undefined ? {} : { lastFailureNotificationDeliveryError: sent.error }) } })
            yield* persist
          }))
        })

      /** Marks the job running (its next slot already taken, so a crash mid-run does not run it again) and starts it. Call under the lock. */
      const start = (job: CronJob, runId: string, manual: boolean, execution: ExecuteOptions, event?: RunEvent) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          running.add(job.id)
          const natural = manual || job.schedule.kind === "at" ? job.state.nextRunAtMs : nextRunAtMs(job.schedule, job, now)
          // A trigger evaluated now is not evaluated again before the minimum interval.
          const next = execution.evaluateTrigger === true ? triggerFloor(job, natural, now, minIntervalMs) : natural
          const marked: CronJob = { ...job, state: omitUndefined({ ...job.state, runningAtMs: now, nextRunAtMs: job.schedule.kind === "at" && !manual ? undefined : next }) }
          jobs.set(job.id, marked)
          queue.set(job.id, undefined)
          // Not recorded as started (disk full, ...): put the job back as it was, so the next tick retries it.
          yield* persist.pipe(Effect.tapError(() =>
            Effect.sync(() => {
              running.delete(job.id)
              jobs.set(job.id, job)
              schedule(job)
            })
          ))
          yield* publish({ action: "started", jobId: job.id, runId, runAtMs: now })
          yield* FiberSet.run(fibers, Option.isSome(work) ? work.value.track("cronRuns", recordFinish(marked, runId, now, execution, event)) : recordFinish(marked, runId, now, execution, event))
        })

      // Event sources (stream, on-exit): started and stopped to match the jobs after every change.
      const withJob = (id: string, change: (job: CronJob) => CronJob | undefined) =>
        lock.withPermits(1)(Effect.gen(function*() {
          const current = jobs.get(id)
          const next = current === undefined ? undefined : change(current)
          if (current === undefined || next === undefined) return
          jobs.set(id, next)
          yield* persist
        })).pipe(Effect.catchAllCause((cause) => log.write({ level: "error", message: "cron: could not record event-source state", fields: { ...fields, jobId: id, err: Cause.pretty(cause) } })))
      const sources = yield* makeCronSources({
        job: (id) => Effect.sync(() => jobs.get(id)),
        fire: (id, text) =>
          Effect.gen(function*() {
            const done = yield* Deferred.make<RunStatus>()
            const started = yield* lock.withPermits(1)(Effect.gen(function*() {
              const job = jobs.get(id)
              if (job === undefined || !job.enabled || running.has(id) || !(yield* isEnabled)) return false
              const now = yield* Clock.currentTimeMillis
              // A stream batch fires as a scheduled slot with its batch: the job's trigger gate sees it as `trigger.streamBatch`.
              const stream = job.schedule.kind === "stream"
              yield* start(job, `cron:${id}:${now}`, false, { evaluateTrigger: true, ...(stream ? { streamBatch: text } : {}) }, { ...(stream ? {} : { text }), done })
              return true
            }))
            return started ? yield* Deferred.await(done) : "not-running" as const
          }).pipe(Effect.catchAllCause((cause) => Effect.as(log.write({ level: "error", message: "cron: event run failed to start", fields: { ...fields, jobId: id, err: Cause.pretty(cause) } }), "not-running" as const))),
        // Source status only while the job is enabled, so a late report cannot undo a stop.
        updateState: (id, patch) => withJob(id, (job) => (job.enabled || patch.streamStatus === "stopped" ? { ...job, state: { ...job.state, ...patch } } : undefined)),
        count: (id, counter) => withJob(id, (job) => ({ ...job, state: { ...job.state, [counter]: (job.state[counter] ?? 0) + 1 } })),
        recordFailure: (id, error, patch) =>
          Effect.gen(function*() {
            const finished = yield* lock.withPermits(1)(Effect.gen(function*() {
              const current = jobs.get(id)
              if (current === undefined) return undefined
              const now = yield* Clock.currentTimeMillis
              const result = finishRun({ ...current, state: { ...current.state, ...patch } }, { runId: `cron:${id}:${now}`, runAtMs: now, status: "error", error, deliveryStatus: "not-requested" }, now, options.failureAlert === undefined ? undefined : yield* options.failureAlert)
              if (result.job === undefined) jobs.delete(id)
              else {
                jobs.set(id, result.job)
                schedule(result.job)
              }
              yield* persist
              yield* store.appendRun(result.entry, now)
              return result
            }))
            if (finished === undefined) return
            yield* log.write({ level: "warn", message: "cron: job run returned error status", fields: { ...fields, jobId: id, error } })
            yield* publish({ ...finished.entry })
            if (finished.alert !== undefined && finished.job !== undefined) yield* sendAlert(finished.job, finished.alert)
          }).pipe(Effect.catchAllCause((cause) => log.write({ level: "error", message: "cron: could not record an event-source failure", fields: { ...fields, jobId: id, err: Cause.pretty(cause) } }))),
        log: (level, message, jobId) => log.write({ level, message, fields: { ...fields, jobId } })
      }, options.sources)
      const reconcileSources: Effect.Effect<void> = Effect.gen(function*() {
        yield* sources.reconcile([...jobs.values()], { enabled: yield* isEnabled, triggersEnabled: yield* triggersOn })
      })

      const tick = lock.withPermits(1)(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        for (const id of queue.popDue(now)) {
          const job = jobs.get(id)
          if (job === undefined || !job.enabled || running.has(id)) continue
          yield* start(job, `cron:${id}:${now}`, false, { evaluateTrigger: true })
        }
      }))

      // The timer: while disabled it only looks again every 60 s (or on a change), so enabling takes effect.
      // A changed declaration (the heartbeat interval after a config reload) is applied under the lock.
      const syncDeclared = Effect.gen(function*() {
        const declared = yield* readDeclared
        if (JSON.stringify(declared) === JSON.stringify(appliedDeclared)) return
        yield* lock.withPermits(1)(Effect.gen(function*() {
          applyDeclared(declared, yield* Clock.currentTimeMillis)
          appliedDeclared = declared
          yield* persist
        }))
        yield* publish({ action: "updated", reason: "config" })
      })

      const loop = Effect.gen(function*() {
        yield* syncDeclared.pipe(Effect.catchAllCause((cause) => log.write({ level: "error", message: "cron: could not apply the declared jobs", fields: { ...fields, err: Cause.pretty(cause) } })))
        const now = yield* Clock.currentTimeMillis
        const enabled = yield* isEnabled
        const at = enabled ? queue.peekAt() : undefined
        const delay = at === undefined ? MAX_TIMER_MS : Math.min(Math.max(at - now, 0), MAX_TIMER_MS)
        yield* Effect.raceFirst(Effect.sleep(delay), Queue.take(wake))
        // `cron.enabled` / `cron.triggers.enabled` may have changed (hot reload).
        yield* reconcileSources
        if (!(yield* isEnabled)) return
        // A failed tick (disk full, ...) is retried after a pause, not in a tight loop over the still-due job.
        yield* tick.pipe(Effect.catchAllCause((cause) =>
          Effect.zipRight(
            log.write({ level: "error", message: "cron: timer tick failed", fields: { ...fields, err: Cause.pretty(cause) } }),
            Effect.sleep(TICK_RETRY_MS)
          )
        ))
      }).pipe(Effect.forever)
      yield* reconcileSources
      yield* Effect.forkScoped(loop)
      // A hot reload wakes the timer at once, so a new heartbeat interval is armed without waiting out the old one.
      const busEvents = yield* bus.subscribe
      yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(busEvents), (event) => (event.event === "config.changed" ? Queue.offer(wake, undefined) : Effect.void))))

      const mutate = <A, E>(action: string, body: Effect.Effect<A, E>) =>
        Effect.zipLeft(lock.withPermits(1)(body), Effect.all([warnDisabled(action), Queue.offer(wake, undefined), reconcileSources]))

      const find = (id: string) => {
        const job = jobs.get(id)
        return job === undefined ? Effect.fail(CronJobNotFound.of(id)) : Effect.succeed(job)
      }
      const orderOf = (job: CronJob) => (job.enabled ? job.state.nextRunAtMs ?? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER + 1)

      return CronScheduler.of({
        status: Effect.map(Effect.all([isEnabled, triggersOn]), ([enabled, triggersEnabled]) => ({ enabled, triggersEnabled, storePath, jobs: jobs.size, nextWakeAtMs: enabled ? queue.peekAt() ?? null : null })),
        list: ({ includeDisabled, agentId }) =>
          Effect.sync(() =>
            [...jobs.values()]
              .filter((job) => (includeDisabled || job.enabled) && (agentId === undefined || (job.agentId ?? "main") === agentId))
              .sort((a, b) => orderOf(a) - orderOf(b))
          ),
        get: find,
        add: (input) =>
          mutate("add", Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const sessionTarget = input.sessionTarget ?? (input.payload.kind === "systemEvent" ? "main" : "isolated")
            const scheduleWithAnchor = input.schedule.kind === "every" && input.schedule.anchorMs === undefined ? { ...input.schedule, anchorMs: now } : input.schedule
            const draft: CronJob = omitUndefined({
              id: randomUUID(),
              declarationKey: input.declarationKey,
              displayName: input.displayName,
              agentId: input.agentId,
              sessionKey: input.sessionKey,
              name: input.name,
              description: input.description,
              enabled: input.enabled ?? true,
              deleteAfterRun: input.deleteAfterRun,
              createdAtMs: now,
              updatedAtMs: now,
              schedule: scheduleWithAnchor,
              sessionTarget,
              wakeMode: input.wakeMode ?? "now",
              payload: input.payload,
              trigger: input.trigger,
              delivery: input.delivery,
              failureAlert: input.failureAlert,
              pacing: input.pacing,
              state: {}
            })
            const problem = definitionProblem(draft, minIntervalMs, yield* triggersOn)
            if (problem !== undefined) return yield* invalid(problem)
            const next = nextRunAtMs(draft.schedule, draft, now)
            const job: CronJob = { ...draft, state: omitUndefined({ nextRunAtMs: next }) }
            jobs.set(job.id, job)
            schedule(job)
            yield* Effect.orDie(persist)
            yield* publish({ action: "added", jobId: job.id })
            return job
          })),
        update: (id, patch: CronJobPatch) =>
          mutate("update", Effect.gen(function*() {
            const current = yield* find(id)
            const now = yield* Clock.currentTimeMillis
            // Payload and delivery merge field by field; `null` removes a field (`trigger: null` the trigger, `pacing: null` the bounds).
            const patched = applyJobPatch(current, patch)
            if ("error" in patched) return yield* invalid(patched.error)
            const merged: CronJob = omitUndefined({
              ...patched,
              failureAlert: mergeFailureAlert(current.failureAlert, patch.failureAlert),
              updatedAtMs: now,
              state: resetSourceState(current.state, patch, current.enabled)
            })
            // With triggers off a stream job can still be renamed, disabled or moved to a time schedule.
            const problem = definitionProblem(merged, minIntervalMs, patch.schedule === undefined || (yield* triggersOn))
            if (problem !== undefined) return yield* invalid(problem)
            const rescheduled = patch.schedule !== undefined || (patch.enabled === true && !current.enabled)
            const next = merged.enabled && rescheduled ? nextRunAtMs(merged.schedule, merged, now) : merged.state.nextRunAtMs
            const job: CronJob = { ...merged, state: omitUndefined({ ...merged.state, nextRunAtMs: merged.enabled ? next : undefined }) }
            jobs.set(id, job)
            schedule(job)
            yield* Effect.orDie(persist)
            yield* publish({ action: "updated", jobId: id })
            return job
          })),
        remove: (id) =>
          mutate("remove", Effect.gen(function*() {
            if (!jobs.delete(id)) return { removed: false }
            queue.set(id, undefined)
            yield* Effect.orDie(persist)
            yield* Effect.orDie(store.removeScratch(id))
            yield* publish({ action: "removed", jobId: id })
            return { removed: true }
          })),
        run: (id, mode, runOptions) =>
          mutate("run", Effect.gen(function*() {
            const job = yield* find(id)
            const now = yield* Clock.currentTimeMillis
            if (running.has(id)) return { ok: true as const, ran: false as const, reason: "already-running" as const }
            if (mode === "due" && (!job.enabled || job.state.nextRunAtMs === undefined || job.state.nextRunAtMs > now)) {
              return { ok: true as const, ran: false as const, reason: "not-due" as const }
            }
            manualCount += 1
            const runId = `manual:${id}:${now}:${manualCount}`
            // Only scheduled slots (and `--due`) evaluate the condition; forcing a job runs its payload out of band.
            const evaluateTrigger = mode === "due" || runOptions?.evaluateTrigger === true
            yield* Effect.orDie(start(job, runId, mode === "force", { evaluateTrigger, ...(runOptions?.streamBatch === undefined ? {} : { streamBatch: runOptions.streamBatch }) }))
            return { ok: true as const, enqueued: true as const, runId }
          })),
        runs: (query: CronRunsQuery) =>
          Effect.gen(function*() {
            if (query.id !== undefined && !jobs.has(query.id)) return yield* CronJobNotFound.of(query.id)
            const now = yield* Clock.currentTimeMillis
            const all = yield* Effect.orDie(store.readRuns(query.id === undefined ? [...jobs.keys()] : [query.id], now))
            const needle = query.query?.toLowerCase()
            const matching = all
              .filter((e) => query.status === undefined || query.status === "all" || e.status === query.status)
              .filter((e) => query.deliveryStatus === undefined || e.deliveryStatus === query.deliveryStatus)
              .filter((e) => query.runId === undefined || e.runId === query.runId)
              .filter((e) => needle === undefined || `${e.summary ?? ""} ${e.error ?? ""}`.toLowerCase().includes(needle))
              .sort((a, b) => (query.sortDir === "asc" ? a.ts - b.ts : b.ts - a.ts))
            const offset = Math.max(0, query.offset ?? 0)
            const limit = Math.max(1, Math.min(query.limit ?? 50, 500))
            const entries = matching.slice(offset, offset + limit)
            const hasMore = offset + entries.length < matching.length
            return { entries, total: matching.length, offset, limit, hasMore, nextOffset: hasMore ? offset + entries.length : null }
          }),
        readScratch: (id) =>
          Effect.gen(function*() {
            yield* find(id)
            return scratchState(yield* Effect.orDie(store.readScratch(id)))
          }),
        writeScratch: (id, input) =>
          lock.withPermits(1)(Effect.gen(function*() {
            yield* find(id)
            const problem = input.content === null ? undefined : scratchContentProblem(input.content)
            if (problem !== undefined) return yield* invalid(problem)
            const written = writeScratch(yield* Effect.orDie(store.readScratch(id)), input, yield* Clock.currentTimeMillis)
            if (!written.ok) return written
            if (written.row !== undefined) yield* Effect.orDie(store.saveScratch(id, written.row))
            return { ok: true as const, state: written.state }
          })),
        busy: Effect.sync(() => [...running].some((id) => jobs.get(id)?.payload.kind !== "heartbeat")),
        tick: tick.pipe(Effect.orDie),
        idle: FiberSet.awaitEmpty(fibers)
      })
    })
  )
