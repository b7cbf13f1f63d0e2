import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { CronJob } from "../../src/domain/cron/job.js"
import { CronSchedulerLive, type CronSchedulerOptions } from "../../src/layers/cron/CronSchedulerLive.js"
import type { ExecutionOutcome } from "../../src/services/CronExecutor.js"
import { CronScheduler } from "../../src/services/CronScheduler.js"
import { cronBase, scriptedExecutor } from "../support/cronTestLayers.js"

// Real child processes (node -e, sh) under the real scheduler on real files; only the payload
// executor is scripted, so each fire's text can be read back.

const tempState = () => fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-cron-src-"))

const startScheduler = (dir: string, executor: ReturnType<typeof scriptedExecutor>, options: Partial<CronSchedulerOptions> = {}) =>
  Effect.gen(function*() {
    const base = cronBase()
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(
      CronSchedulerLive({ enabled: true, stateDir: dir, sources: { triggerIntervalMs: 400, restartBackoffMs: () => 30 }, ...options }).pipe(Layer.provideMerge(Layer.merge(base.layer, executor.layer))),
      scope
    )
    return { scheduler: Context.get(context, CronScheduler), log: base.log, stop: Scope.close(scope, Exit.void) }
  })

/** Polls `probe` (in real time) until it yields a value. */
const until = <A>(what: string, probe: () => Effect.Effect<A | undefined, unknown> | A | undefined, timeoutMs = 8000): Effect.Effect<A> =>
  Effect.gen(function*() {
    const end = Date.now() + timeoutMs
    for (;;) {
      const raw = probe()
      const value = Effect.isEffect(raw) ? yield* Effect.orDie(raw as Effect.Effect<A | undefined, unknown>) : raw
      if (value !== undefined) return value
      if (Date.now() > end) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep(25)
    }
  })

const textOf = (payload: CronJob["payload"]) => (payload.kind === "systemEvent" ? payload.text : payload.kind === "agentTurn" ? payload.message : "")

/** A node one-liner as argv. */
const node = (script: string) => [process.execPath, "-e", script]

/** A live process (a zombie left to an init that does not reap counts as gone). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : ""
  return !/^\d+ \(.*\) Z/.test(stat)
}

const streamJob = (command: ReadonlyArray<string>, extra: Record<string, unknown> = {}) => ({
  name: "events",
  schedule: { kind: "stream" as const, command, batchMs: 100, ...extra },
  payload: { kind: "systemEvent" as const, text: "Build events:" }
})

describe("stream schedules over real child processes", () => {
  it.live("lines are batched after a quiet window and appended to the payload; match mode keeps only matching lines", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const { scheduler, stop } = yield* startScheduler(tempState(), executor)
      const lines = node("console.log('started: a'); console.log('failed: b'); console.error('recovered: c'); setTimeout(() => {}, 60000)")
      const all = yield* scheduler.add(streamJob(lines))
      const matched = yield* scheduler.add({ ...streamJob(lines, { mode: "match", match: "^(failed|recovered):" }), name: "matched" })
      const fired = yield* until("both jobs fired", () => {
        const a = executor.executions.find((e) => e.jobId === all.id)
        const m = executor.executions.find((e) => e.jobId === matched.id)
        return a !== undefined && m !== undefined ? { a, m } : undefined
      })
      expect(textOf(fired.a.payload).split("\n").slice(0, 2)).toEqual(["Build events:", ""])
      expect(textOf(fired.a.payload)).toContain("started: a")
      expect(textOf(fired.a.payload)).toContain("failed: b")
      expect(textOf(fired.a.payload)).toContain("recovered: c")
      expect(textOf(fired.m.payload)).not.toContain("started: a")
      expect(textOf(fired.m.payload)).toContain("failed: b")
      // A batch fires as a trigger-evaluating slot, so a stream job's trigger gate sees it as `trigger.streamBatch`.
      expect(fired.m).toMatchObject({ evaluateTrigger: true })
      expect(fired.m.streamBatch).toContain("failed: b")
      expect(fired.m.streamBatch).not.toContain("started: a")
      // The stored job keeps its own payload; only the run carried the batch.
      expect((yield* scheduler.get(all.id)).payload).toEqual({ kind: "systemEvent", text: "Build events:" })
      expect((yield* scheduler.get(all.id)).state.streamStatus).toBe("running")
      const runs = yield* scheduler.runs({ id: all.id })
      expect(runs.entries[0]).toMatchObject({ status: "ok" })
      yield* stop
    }), 20_000)

  it.live("batches arriving while a payload runs coalesce into one pending batch; failed payloads count as dropped", () =>
    Effect.gen(function*() {
      // Each run takes 600 ms; the source prints a line every 150 ms.
      const executor = scriptedExecutor((_job, n): ExecutionOutcome & { durationMs: number } =>
        n === 2 ? { status: "error", error: "boom", deliveryStatus: "not-requested", durationMs: 600 } : { status: "ok", deliveryStatus: "not-requested", durationMs: 600 }
      )
      const { scheduler, stop } = yield* startScheduler(tempState(), executor)
      const job = yield* scheduler.add(streamJob(node("let i = 0; setInterval(() => console.log('tick ' + i++), 150)"), { batchMs: 50 }))
      yield* until("three fires", () => (executor.executions.length >= 3 ? true : undefined))
      const state = (yield* scheduler.get(job.id)).state
      // Several batches closed during each 600 ms run: merged, not queued one by one.
      expect(state.streamCoalescedBatches ?? 0).toBeGreaterThan(0)
      expect(state.streamDroppedBatches).toBe(1)
      const second = textOf(executor.executions[1]!.payload)
      expect(second.split("\n").filter((l) => l.startsWith("tick ")).length).toBeGreaterThan(1)
      yield* stop
    }), 20_000)

  it.live("a source that keeps exiting fast restarts, then after five short runs stops in the error state and records a failed run", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const { scheduler, stop } = yield* startScheduler(tempState(), executor)
      const marker = path.join(tempState(), "starts")
      const job = yield* scheduler.add(streamJob(["sh", "-c", `echo x >> ${marker}; exit 2`]))
      const failed = yield* until("the error state", () => Effect.map(scheduler.get(job.id), (j) => (j.state.streamStatus === "error" ? j : undefined)))
      expect(failed.state).toMatchObject({ streamRestartExhausted: true, streamConsecutiveFailures: 5, lastRunStatus: "error", consecutiveErrors: 1 })
      expect(failed.state.lastError).toMatch(/stream source exited with code 2 after \d+ ms; 5 short runs in a row/)
      expect(fs.readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(5)
      // Not restarted while in the error state...
      yield* Effect.sleep(300)
      expect(fs.readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(5)
      // ...until the job is enabled again.
      yield* scheduler.update(job.id, { enabled: true })
      yield* until("a restart after enable", () => (fs.readFileSync(marker, "utf8").trim().split("\n").length > 5 ? true : undefined))
      yield* stop
    }), 20_000)

  it.live("disabling or removing the job, and shutdown, tear the whole process tree down", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const dir = tempState()
      const { scheduler, stop } = yield* startScheduler(dir, executor)
      // The source starts a grandchild (a sleep) and reports its pid.
      const tree = (name: string) => ["sh", "-c", `sleep 300 & echo $! > ${path.join(dir, name)}; wait`]
      const a = yield* scheduler.add({ ...streamJob(tree("a.pid")), name: "a" })
      const b = yield* scheduler.add({ ...streamJob(tree("b.pid")), name: "b" })
      const c = yield* scheduler.add({ ...streamJob(tree("c.pid")), name: "c" })
      const pid = (name: string) => until(`${name} started`, () => (fs.existsSync(path.join(dir, name)) && fs.readFileSync(path.join(dir, name), "utf8").trim() !== "" ? Number(fs.readFileSync(path.join(dir, name), "utf8")) : undefined))
      const [pa, pb, pc] = [yield* pid("a.pid"), yield* pid("b.pid"), yield* pid("c.pid")]
      expect([alive(pa), alive(pb), alive(pc)]).toEqual([true, true, true])
      yield* scheduler.update(a.id, { enabled: false })
      expect(alive(pa)).toBe(false)
      expect((yield* scheduler.get(a.id)).state.streamStatus).toBe("stopped")
      yield* scheduler.remove(b.id)
      expect(alive(pb)).toBe(false)
      expect(alive(pc)).toBe(true)
      yield* stop
      expect(alive(pc)).toBe(false)
      expect(c.id).toBeDefined()
    }), 20_000)

  it.live("an edit that replaces the source restarts it; command payloads and disabled triggers are refused", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const dir = tempState()
      let triggers = true
      const { scheduler, stop } = yield* startScheduler(dir, executor, { triggersEnabled: Effect.sync(() => triggers) })
      const job = yield* scheduler.add(streamJob(node("console.log('from A'); require('fs').writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 60000)").concat(path.join(dir, "src.pid"))))
      yield* until("A fired", () => executor.executions.find((e) => textOf(e.payload).includes("from A")))
      const pidA = Number(fs.readFileSync(path.join(dir, "src.pid"), "utf8"))
      yield* scheduler.update(job.id, { schedule: { kind: "stream", command: node("console.log('from B'); require('fs').writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 60000)").concat(path.join(dir, "src.pid")), batchMs: 100 } })
      yield* until("B fired", () => executor.executions.find((e) => textOf(e.payload).includes("from B")))
      expect(alive(pidA)).toBe(false)
      const pidB = Number(fs.readFileSync(path.join(dir, "src.pid"), "utf8"))
      expect(alive(pidB)).toBe(true)
      const refused = yield* Effect.flip(scheduler.add({ ...streamJob(["x"]), payload: { kind: "command", argv: ["echo"] } }))
      expect(refused.message).toBe("command payloads are not allowed on stream schedules: use --message or --system-event")
      triggers = false
      const off = yield* Effect.flip(scheduler.add(streamJob(["x"])))
      expect(off.message).toBe("stream schedules are disabled by cron.triggers.enabled: false (set it to true to use --stream-command)")
      expect((yield* scheduler.status).triggersEnabled).toBe(false)
      // Turned off (a config reload): the running source stops at the next change; the job can still be edited.
      yield* scheduler.update(job.id, { name: "renamed" })
      expect(alive(pidB)).toBe(false)
      expect((yield* scheduler.get(job.id)).state.streamStatus).toBe("stopped")
      yield* stop
    }), 20_000)
})

describe("on-exit schedules over real child processes", () => {
  it.live("fires once when the watched command exits, with its exit and output, then is spent", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const dir = tempState()
      const { scheduler, stop } = yield* startScheduler(dir, executor)
      const job = yield* scheduler.add({
        name: "watch build",
        schedule: { kind: "on-exit", command: "pwd; echo built-ok; sleep 0.3; exit 3", cwd: dir },
        payload: { kind: "agentTurn", message: "The build finished." }
      })
      expect(job.state.nextRunAtMs).toBeUndefined()
      const run = yield* until("the fire", () => executor.executions[0])
      const text = textOf(run.payload)
      expect(text).toMatch(/^The build finished\.\n\nWatched command exited with code 3 after \d+s: pwd; echo built-ok/)
      expect(text).toContain(dir)
      expect(text).toContain("built-ok")
      const spent = yield* until("the job is spent", () => Effect.map(scheduler.get(job.id), (j) => (j.enabled ? undefined : j)))
      expect(spent.state).toMatchObject({ lastRunStatus: "ok" })
      expect(spent.state.onExitStartedAtMs).toBeUndefined()
      yield* Effect.sleep(300)
      expect(executor.executions).toHaveLength(1)
      yield* stop
    }), 20_000)

  it.live("a watch cut short by a gateway stop is not run again on start: it is recorded as a failed run", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const dir = tempState()
      const first = yield* startScheduler(dir, executor)
      const pidFile = path.join(dir, "watched.pid")
      const job = yield* first.scheduler.add({ name: "watch", schedule: { kind: "on-exit", command: `echo $$ > ${pidFile}; exec sleep 300` }, payload: { kind: "systemEvent", text: "done" } })
      const pid = yield* until("the watched command", () => (fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim() !== "" ? Number(fs.readFileSync(pidFile, "utf8")) : undefined))
      yield* first.stop
      expect(alive(pid)).toBe(false)
      expect(executor.executions).toHaveLength(0)
      fs.rmSync(pidFile)
      const second = yield* startScheduler(dir, executor)
      const after = yield* until("the interrupted run", () => Effect.map(second.scheduler.get(job.id), (j) => (j.state.lastRunStatus === "error" ? j : undefined)))
      expect(after.enabled).toBe(false)
      expect(after.state.lastError).toMatch(/^watched command was interrupted before it exited/)
      expect(fs.existsSync(pidFile)).toBe(false)
      expect(executor.executions).toHaveLength(0)
      yield* second.stop
    }), 20_000)

  it.live("disabling the job stops the watched command without firing; enabling starts the watch afresh", () =>
    Effect.gen(function*() {
      const executor = scriptedExecutor()
      const dir = tempState()
      const { scheduler, stop } = yield* startScheduler(dir, executor)
      const pidFile = path.join(dir, "w.pid")
      const job = yield* scheduler.add({ name: "watch", schedule: { kind: "on-exit", command: `echo $$ >> ${pidFile}; exec sleep 300` }, payload: { kind: "systemEvent", text: "done" } })
      const pids = () => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, "utf8").trim().split("\n").filter((l) => l !== "").map(Number) : [])
      const [firstPid] = yield* until("the watch", () => (pids().length === 1 ? pids() : undefined))
      yield* scheduler.update(job.id, { enabled: false })
      expect(alive(firstPid ?? 0)).toBe(false)
      yield* scheduler.update(job.id, { enabled: true })
      const both = yield* until("a fresh watch", () => (pids().length === 2 ? pids() : undefined))
      expect(alive(both[1] ?? 0)).toBe(true)
      expect(executor.executions).toHaveLength(0)
      yield* stop
    }), 20_000)
})
