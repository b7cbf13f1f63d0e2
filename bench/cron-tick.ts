/**
 * Scheduler tick cost with 10 and 10,000 jobs: the jobs file is written, the scheduler loads it, and
 * `tick` (what the timer runs) is timed when nothing is due and when one job is due. The due queue is
 * a heap, so a tick never scans every job. Run: `npm run bench:cron`.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Exit, Layer, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { DueQueue } from "../src/domain/cron/dueQueue.js"
import { CronSchedulerLive } from "../src/layers/cron/CronSchedulerLive.js"
import { EventBusLive } from "../src/layers/EventBusLive.js"
import { StateFilesLive } from "../src/layers/StateFilesLive.js"
import { CronExecutor } from "../src/services/CronExecutor.js"
import { CronScheduler } from "../src/services/CronScheduler.js"
import { GatewayLog } from "../src/services/GatewayLog.js"

const HOUR = 3_600_000

const jobsFile = (count: number, now: number) => ({
  version: 1,
  jobs: Array.from({ length: count }, (_, i) => ({
    id: `job-${i}`,
    name: `job ${i}`,
    enabled: true,
    createdAtMs: now,
    updatedAtMs: now,
    schedule: { kind: "every", everyMs: HOUR + i * 1000, anchorMs: now },
    sessionTarget: "main",
    wakeMode: "now",
    payload: { kind: "systemEvent", text: `ping ${i}` },
    state: { nextRunAtMs: now + HOUR + i * 1000 }
  }))
})

const quietLog = Layer.succeed(GatewayLog, { write: () => Effect.void, unsafeWrite: () => undefined, flush: Effect.void, tail: () => Effect.succeed({ file: "", cursor: 0, size: 0, lines: [] }), currentFile: Effect.succeed("") })
const noopExecutor = Layer.succeed(CronExecutor, { execute: () => Effect.succeed({ status: "ok", deliveryStatus: "not-requested" }), alert: () => Effect.succeed({ status: "delivered" as const }) })

const measure = async (count: number) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-cron-bench-"))
  fs.mkdirSync(path.join(dir, "cron"), { recursive: true })
  fs.writeFileSync(path.join(dir, "cron", "jobs.json"), JSON.stringify(jobsFile(count, Date.now())))
  const layer = CronSchedulerLive({ enabled: false, stateDir: dir }).pipe(
    Layer.provide(Layer.mergeAll(StateFilesLive.pipe(Layer.provide(NodeFileSystem.layer)), EventBusLive, quietLog, noopExecutor))
  )
  const scope = Effect.runSync(Scope.make())
  const loadStart = performance.now()
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const loadMs = performance.now() - loadStart
  const scheduler = context.unsafeMap.get(CronScheduler.key) as CronScheduler["Type"]
  const rounds = 2000
  const idleStart = performance.now()
  for (let i = 0; i < rounds; i++) await Effect.runPromise(scheduler.tick)
  const idleTickMs = (performance.now() - idleStart) / rounds
  const statusStart = performance.now()
  for (let i = 0; i < rounds; i++) await Effect.runPromise(scheduler.status)
  const statusMs = (performance.now() - statusStart) / rounds
  await Effect.runPromise(Scope.close(scope, Exit.void))

  // The due queue alone: one job due per tick, rescheduled (what a busy scheduler's tick does besides I/O).
  const queue = new DueQueue()
  for (let i = 0; i < count; i++) queue.set(`job-${i}`, 1000 + i)
  const queueStart = performance.now()
  let now = 1000
  for (let i = 0; i < rounds; i++) {
    for (const id of queue.popDue(now)) queue.set(id, now + count + 1)
    now += 1
  }
  const dueTickMs = (performance.now() - queueStart) / rounds
  fs.rmSync(dir, { recursive: true, force: true })
  return { jobs: count, loadMs: loadMs.toFixed(1), idleTickMs: idleTickMs.toFixed(4), statusMs: statusMs.toFixed(4), oneDueQueueTickMs: dueTickMs.toFixed(4) }
}

const results = []
for (const count of [10, 10_000]) results.push(await measure(count))
console.table(results)
