import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Context, Effect, Exit, Layer, Ref, Scope, TestClock } from "effect"
import { EventBus } from "../../src/services/EventBus.js"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { CronSchedulerLive, type CronSchedulerOptions } from "../../src/layers/cron/CronSchedulerLive.js"
import { CronScheduler } from "../../src/services/CronScheduler.js"
import type { ExecutionOutcome } from "../../src/services/CronExecutor.js"
import type { CronJob } from "../../src/domain/cron/job.js"
import { cronBase, scriptedExecutor } from "../support/cronTestLayers.js"
import { diskFull, FaultyFileSystem } from "../support/faultyFileSystem.js"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"

const T0 = Date.parse("2026-12-06T14:00:00.000Z")
const MIN = 60_000

const tempState = () => fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-cron-"))

/** A scheduler over `dir` in its own scope, so a test can stop it and start another (a gateway restart). */
const startScheduler = (dir: string, executor: ReturnType<typeof scriptedExecutor>, options: Partial<CronSchedulerOptions> = {}, fileSystem?: Layer.Layer<FileSystem.FileSystem>) =>
  Effect.gen(function*() {
    const base = cronBase(fileSystem)
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(
      CronSchedulerLive({ enabled: true, stateDir: dir, ...options }).pipe(Layer.provideMerge(Layer.merge(base.layer, executor.layer))),
      scope
    )
    const scheduler = Context.get(context, CronScheduler)
    return { scheduler, bus: Context.get(context, EventBus), log: base.log, stop: Scope.close(scope, Exit.void) }
  })

/**
 * Lets fibers doing real file I/O get to their next sleep: waits (in real time, the test clock stands
 * still) until the set of pending test-clock sleeps is non-empty and has stayed the same for a while.
 */
const settle = Effect.gen(function*() {
  let last = -1
  let stable = 0
  for (let i = 0; i < 400 && stable < 8; i++) {
    yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    yield* Effect.yieldNow()
    const pending = Chunk.size(yield* TestClock.sleeps())
    stable = pending === last && pending > 0 ? stable + 1 : 0
    last = pending
  }
})

/** Moves the test clock and lets the timer and the runs it started finish. */
const advance = (scheduler: CronScheduler["Type"], ms: number) =>
  Effect.gen(function*() {
    // The previous step's runs and their bookkeeping first: on a loaded machine their file I/O can outlast
    // `settle`'s quiet spell, and the clock must not move while a timer is still being re-armed.
    yield* scheduler.idle
    yield* settle
    yield* TestClock.adjust(ms)
    yield* settle
    yield* scheduler.idle
    yield* settle
  })

const everyTen = { name: "probe", schedule: { kind: "every" as const, everyMs: 10 * MIN }, payload: { kind: "systemEvent" as const, text: "ping" } }

describe("CronScheduler on the test clock", () => {
  it.scoped("runs a job on time, records the run, and arms the next slot", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const executor = scriptedExecutor()
      const { scheduler } = yield* startScheduler(tempState(), executor)
      const job = yield* scheduler.add(everyTen)
      expect(job.state.nextRunAtMs).toBe(T0 + 10 * MIN)
      expect((yield* scheduler.status).nextWakeAtMs).toBe(T0 + 10 * MIN)
      yield* advance(scheduler, 10 * MIN - 1)
      expect(executor.executions).toHaveLength(0)
      yield* advance(scheduler, 1)
      expect(executor.executions.map((e) => e.atMs)).toEqual([T0 + 10 * MIN])
      const runs = yield* scheduler.runs({ id: job.id, limit: 20 })
      expect(runs).toMatchObject({ total: 1, offset: 0, limit: 20, hasMore: false, nextOffset: null })
      expect(runs.entries[0]).toMatchObject({ jobId: job.id, action: "finished", status: "ok", runAtMs: T0 + 10 * MIN, nextRunAtMs: T0 + 20 * MIN, jobName: "probe" })
      for (let i = 0; i < 3; i++) yield* advance(scheduler, 10 * MIN)
      expect(executor.executions.map((e) => (e.atMs - T0) / MIN)).toEqual([10, 20, 30, 40])
      // The clock jumping an hour ahead (a suspended laptop) gives one late run, not one per missed slot. The
      // test clock walks through the timer's sleeps (it wakes at least each minute) on its way to +100 m, so
      // whether the timer still saw +50 m depends on how long its real file I/O took: either way, the slots
      // +60 to +90 are not run one by one, and the late run happens at +100 m.
      yield* advance(scheduler, 60 * MIN)
      const afterJump = executor.executions.slice(4).map((e) => (e.atMs - T0) / MIN)
      expect(afterJump.at(-1)).toBe(100)
      expect(afterJump.filter((at) => at !== 50)).toEqual([100])
    }))

  it.scoped("jobs survive a restart; a job due while down runs once, and a finished slot is not run again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const dir = tempState()
      const executor = scriptedExecutor()
      const first = yield* startScheduler(dir, executor)
      const job = yield* first.scheduler.add(everyTen)
      yield* advance(first.scheduler, 10 * MIN)
      expect(executor.executions).toHaveLength(1)
      yield* first.stop
      // Restarted right away: the slot that ran is not run again.
      const second = yield* startScheduler(dir, executor)
      expect((yield* second.scheduler.get(job.id)).state.lastRunStatus).toBe("ok")
      yield* advance(second.scheduler, 1000)
      expect(executor.executions).toHaveLength(1)
      yield* second.stop
      // Down for 35 minutes (three slots missed): one catch-up run, then back on the anchor's phase.
      yield* TestClock.adjust(35 * MIN)
      const third = yield* startScheduler(dir, executor)
      yield* advance(third.scheduler, 1000)
      expect(executor.executions).toHaveLength(2)
      // Land exactly on the next slot (+50 m), so the run's clock reading is that slot.
      yield* advance(third.scheduler, T0 + 50 * MIN - (yield* Clock.currentTimeMillis))
      expect(executor.executions.map((e) => Math.round((e.atMs - T0) / 1000))).toEqual([600, 2701, 3000])
      const runs = yield* third.scheduler.runs({ id: job.id })
      expect(runs.total).toBe(3)
      expect(fs.existsSync(path.join(dir, "cron", "jobs.json"))).toBe(true)
    }))

  it.scoped("a failing job backs off 30 s, 1 m, 5 m, 15 m, 60 m, and a success resets it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let failing = true
      const executor = scriptedExecutor((): ExecutionOutcome => (failing ? { status: "error", error: "boom", deliveryStatus: "not-requested" } : { status: "ok", deliveryStatus: "not-requested" }))
      const { scheduler, log } = yield* startScheduler(tempState(), executor)
      // An explicit policy: a job without any route stays quiet.
      const job = yield* scheduler.add({ ...everyTen, schedule: { kind: "every", everyMs: 10_000 }, failureAlert: {} })
      yield* advance(scheduler, 10_000)
      for (const step of [30_000, 60_000, 300_000, 900_000, 3_600_000]) yield* advance(scheduler, step)
      const gaps = executor.executions.slice(1).map((e, i) => e.atMs - executor.executions[i]!.atMs)
      expect(gaps).toEqual([30_000, 60_000, 300_000, 900_000, 3_600_000])
      expect((yield* scheduler.get(job.id)).state.consecutiveErrors).toBe(6)
      expect(executor.alerts.length).toBeGreaterThanOrEqual(1)
      expect(log.records.some((r) => r.message === "cron: job run returned error status" && r.fields?.["jobId"] === job.id)).toBe(true)
      failing = false
      yield* advance(scheduler, 3_600_000)
      const after = yield* scheduler.get(job.id)
      expect(after.state).toMatchObject({ consecutiveErrors: 0, lastRunStatus: "ok" })
      const errors = yield* scheduler.runs({ id: job.id, status: "error", limit: 100 })
      expect(errors.total).toBe(6)
      expect(errors.entries[0]).toMatchObject({ status: "error", error: "boom", completionStatus: "failed" })
    }))

  it.scoped("a job is never run twice at once: a slot while running is skipped, a manual run says already-running", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const executor = scriptedExecutor(() => ({ status: "ok", deliveryStatus: "not-requested", durationMs: 15 * MIN }))
      const { scheduler } = yield* startScheduler(tempState(), executor)
      const job = yield* scheduler.add(everyTen)
      yield* settle
      yield* TestClock.adjust(10 * MIN)
      yield* settle
      expect(executor.executions).toHaveLength(1)
      expect(yield* scheduler.run(job.id, "force")).toEqual({ ok: true, ran: false, reason: "already-running" })
      expect((yield* scheduler.list({ includeDisabled: true }))[0]?.state.runningAtMs).toBe(T0 + 10 * MIN)
      yield* TestClock.adjust(10 * MIN)
      yield* settle
      expect(executor.executions).toHaveLength(1)
      // The run ends at +25 m; the next slot (+30 m) starts the second run.
      yield* TestClock.adjust(10 * MIN)
      yield* settle
      expect(executor.executions.map((e) => (e.atMs - T0) / MIN)).toEqual([10, 30])
    }))

  it.scoped("run --due when not due says not-due; a forced run keeps the natural slot", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const executor = scriptedExecutor()
      const { scheduler } = yield* startScheduler(tempState(), executor)
      const job = yield* scheduler.add(everyTen)
      expect(yield* scheduler.run(job.id, "due")).toEqual({ ok: true, ran: false, reason: "not-due" })
      const forced = yield* scheduler.run(job.id, "force")
      expect(forced).toMatchObject({ ok: true, enqueued: true })
      yield* advance(scheduler, 0)
      expect((yield* scheduler.get(job.id)).state.nextRunAtMs).toBe(T0 + 10 * MIN)
      const missing = yield* Effect.flip(scheduler.run("nope", "force"))
      expect(missing.message).toBe("Automation not found: nope. Run `openclaw cron list` to see recent automation ids.")
    }))

  it.scoped("disabled (cron.enabled false): nothing runs by itself, the warning is logged, a manual run still works", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const executor = scriptedExecutor()
      const { scheduler, log } = yield* startScheduler(tempState(), executor, { enabled: false })
      const job = yield* scheduler.add(everyTen)
      yield* advance(scheduler, 60 * MIN)
      expect(executor.executions).toHaveLength(0)
      expect(yield* scheduler.status).toMatchObject({ enabled: false, jobs: 1, nextWakeAtMs: null })
      const warnings = log.records.filter((r) => r.message === "cron: scheduler disabled; jobs will not run automatically")
      expect(warnings.map((r) => r.fields?.["action"])).toContain("add")
      expect(warnings[0]?.fields).toMatchObject({ enabled: false })
      yield* scheduler.run(job.id, "force")
      yield* advance(scheduler, 0)
      expect(executor.executions).toHaveLength(1)
    }))

  it.scoped("a hot-reloaded cron.enabled: off stops runs and status says so; on again resumes within the 60 s timer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let enabled = true
      const executor = scriptedExecutor()
      const { scheduler } = yield* startScheduler(tempState(), executor, { enabled: Effect.sync(() => enabled) })
      yield* scheduler.add(everyTen)
      enabled = false
      expect(yield* scheduler.status).toMatchObject({ enabled: false, nextWakeAtMs: null })
      for (let i = 0; i < 3; i++) yield* advance(scheduler, 10 * MIN)
      expect(executor.executions).toHaveLength(0)
      enabled = true
      yield* advance(scheduler, MIN)
      expect(executor.executions).toHaveLength(1)
    }))

  it.scoped("a tick that cannot write the jobs file logs `cron: timer tick failed`, keeps the file whole, and retries", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let full = false
      const dir = tempState()
      const disk = FaultyFileSystem([diskFull("write", (p) => full && p.includes(`${path.sep}cron${path.sep}jobs.json`))]).pipe(Layer.provide(NodeFileSystem.layer))
      const executor = scriptedExecutor()
      const { scheduler, log } = yield* startScheduler(dir, executor, {}, disk)
      yield* scheduler.add(everyTen)
      const before = fs.readFileSync(path.join(dir, "cron", "jobs.json"), "utf8")
      full = true
      yield* advance(scheduler, 10 * MIN)
      expect(executor.executions).toHaveLength(0)
      const failures = log.records.filter((r) => r.message === "cron: timer tick failed")
      // Retried after a pause, not in a tight loop.
      expect(failures).toHaveLength(1)
      const failed = failures[0]
      expect(failed?.level).toBe("error")
      expect(String(failed?.fields?.["err"])).toContain("ENOSPC")
      expect(fs.readFileSync(path.join(dir, "cron", "jobs.json"), "utf8")).toBe(before)
      expect(fs.readdirSync(path.join(dir, "cron")).filter((f) => f.includes(".tmp"))).toEqual([])
      full = false
      yield* advance(scheduler, MIN)
      expect(executor.executions).toHaveLength(1)
    }))

  it.scoped("cron expressions fire in their time zone; bad definitions are refused with a reason", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const executor = scriptedExecutor()
      const { scheduler } = yield* startScheduler(tempState(), executor)
      yield* scheduler.add({ name: "berlin", schedule: { kind: "cron", expr: "30 15 * * *", tz: "Europe/Berlin" }, payload: { kind: "systemEvent", text: "x" } })
      yield* advance(scheduler, 30 * MIN - 1)
      expect(executor.executions).toHaveLength(0)
      yield* advance(scheduler, 1)
      // 15:30 in Berlin is 14:30 UTC in December.
      expect(executor.executions.map((e) => new Date(e.atMs).toISOString())).toEqual(["2026-12-06T14:30:00.000Z"])
      const bad = yield* Effect.flip(scheduler.add({ name: "bad", schedule: { kind: "cron", expr: "0 3 * *" }, payload: { kind: "systemEvent", text: "x" } }))
      expect(bad.message).toContain("expected 5 fields")
      const wrongTarget = yield* Effect.flip(scheduler.add({ name: "bad", schedule: { kind: "every", everyMs: 1000 }, payload: { kind: "agentTurn", message: "x" }, sessionTarget: "main" }))
      expect(wrongTarget.message).toContain("systemEvent")
    }))

  it.scoped("declared heartbeat jobs are created from config and removed with it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const dir = tempState()
      const executor = scriptedExecutor()
      const declared = [{ declarationKey: "heartbeat:main", name: "heartbeat-main", displayName: "Heartbeat (main)", agentId: "main", schedule: { kind: "every" as const, everyMs: 30 * MIN, anchorMs: T0 }, payload: { kind: "heartbeat" as const } }]
      const first = yield* startScheduler(dir, executor, { declared, declaredFamilies: ["heartbeat:"] })
      const jobs: ReadonlyArray<CronJob> = yield* first.scheduler.list({ includeDisabled: true })
      expect(jobs.map((j) => [j.declarationKey, j.name, j.wakeMode, j.sessionTarget])).toEqual([["heartbeat:main", "heartbeat-main", "next-heartbeat", "main"]])
      yield* first.stop
      const second = yield* startScheduler(dir, executor, { declared, declaredFamilies: ["heartbeat:"] })
      expect((yield* second.scheduler.list({ includeDisabled: true })).map((j) => j.id)).toEqual(jobs.map((j) => j.id))
      yield* second.stop
      const third = yield* startScheduler(dir, executor, { declared: [], declaredFamilies: ["heartbeat:"] })
      expect(yield* third.scheduler.list({ includeDisabled: true })).toEqual([])
    }))

  it.scoped("a hot-reloaded heartbeat interval reschedules the declared job: at once on config.changed, else within the 60 s timer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const dir = tempState()
      const executor = scriptedExecutor()
      const heartbeatEvery = (everyMs: number) => [{ declarationKey: "heartbeat:main", name: "heartbeat-main", agentId: "main", schedule: { kind: "every" as const, everyMs, anchorMs: T0 }, payload: { kind: "heartbeat" as const } }]
      const config = yield* Ref.make(heartbeatEvery(30 * MIN))
      const { scheduler, bus } = yield* startScheduler(dir, executor, { declared: Ref.get(config), declaredFamilies: ["heartbeat:"] })
      const [before] = yield* scheduler.list({ includeDisabled: true })
      expect(before?.state.nextRunAtMs).toBe(T0 + 30 * MIN)

      // The config watcher's reload: new settings, then `config.changed` on the bus.
      yield* advance(scheduler, 1000)
      yield* Ref.set(config, heartbeatEvery(5 * MIN))
      yield* bus.publish({ event: "config.changed", payload: {} })
      yield* advance(scheduler, 0)
      const [after] = yield* scheduler.list({ includeDisabled: true })
      expect(after).toMatchObject({ id: before?.id, schedule: { everyMs: 5 * MIN }, state: { nextRunAtMs: T0 + 5 * MIN } })
      expect(JSON.parse(fs.readFileSync(path.join(dir, "cron", "jobs.json"), "utf8")).jobs[0].schedule.everyMs).toBe(5 * MIN)
      yield* advance(scheduler, 5 * MIN - 1000)
      expect(executor.executions.map((e) => e.atMs - T0)).toEqual([5 * MIN])

      // Without the event (a reload the bus did not carry), the timer's next turn picks it up: at most 60 s.
      yield* Ref.set(config, heartbeatEvery(2 * MIN))
      yield* advance(scheduler, MIN)
      const [third] = yield* scheduler.list({ includeDisabled: true })
      expect(third?.schedule).toMatchObject({ everyMs: 2 * MIN })
      expect(third?.state.nextRunAtMs).toBe(T0 + 8 * MIN)
      // Interval 0 (`every: 0m`) removes the job.
      yield* Ref.set(config, [])
      yield* advance(scheduler, MIN)
      expect(yield* scheduler.list({ includeDisabled: true })).toEqual([])
    }))
})
