import { Effect, type Scope } from "effect"
import * as os from "node:os"
import { monitorEventLoopDelay, performance } from "node:perf_hooks"
import type { ProcessSample } from "../../domain/gateway/healthReport.js"

const round = (n: number, digits: number) => Number(n.toFixed(digits))

// Busy and total CPU time of the whole host, summed over its cores (ms).
const hostTimes = () => {
  let busy = 0
  let total = 0
  for (const cpu of os.cpus()) {
    const t = cpu.times
    busy += t.user + t.nice + t.sys + t.irq
    total += t.user + t.nice + t.sys + t.irq + t.idle
  }
  return { busy, total }
}

/**
 * A sampler of event-loop delay and utilization since its previous sample, and of memory use, for health
 * and status. Its delay histogram runs while the scope is open (one per gateway, stopped with it).
 */
export const makeProcessSampler: Effect.Effect<Effect.Effect<ProcessSample>, never, Scope.Scope> = Effect.gen(function*() {
  const histogram = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const h = monitorEventLoopDelay({ resolution: 20 })
      h.enable()
      return h
    }),
    (h) => Effect.sync(() => h.disable())
  )
  let last: {
    readonly at: number
    readonly elu: ReturnType<typeof performance.eventLoopUtilization>
    readonly cpu: NodeJS.CpuUsage
    readonly host: ReturnType<typeof hostTimes>
  } | undefined
  return Effect.sync((): ProcessSample => {
    const now = performance.now()
    const elu = performance.eventLoopUtilization()
    const since = last === undefined ? elu : performance.eventLoopUtilization(elu, last.elu)
    const intervalMs = last === undefined ? now : now - last.at
    // CPU time of the whole process per wall-clock millisecond: 1 = one core busy.
    const cpu = process.cpuUsage(last?.cpu)
    const cpuCoreRatio = intervalMs > 0 ? round((cpu.user + cpu.system) / 1000 / intervalMs, 3) : 0
    const host = hostTimes()
    const hostTotal = host.total - (last?.host.total ?? 0)
    const hostUtilization = hostTotal > 0 ? round((host.busy - (last?.host.busy ?? 0)) / hostTotal, 3) : 0
    last = { at: now, elu, cpu: process.cpuUsage(), host }
    const delayP99Ms = histogram.count === 0 ? 0 : round(histogram.percentile(99) / 1e6, 1)
    const delayMaxMs = histogram.count === 0 ? 0 : round(histogram.max / 1e6, 1)
    histogram.reset()
    const memory = process.memoryUsage()
    return {
      eventLoop: {
        intervalMs,
        delayP99Ms,
        delayMaxMs,
        utilization: round(since.utilization, 3),
        cpuCoreRatio,
        // The original's split of that CPU time; Clawgate runs no worker threads, so it is all the main thread's.
        cpuBreakdown: { mainThreadCoreRatio: cpuCoreRatio, hostUtilization, hostCpuCount: os.availableParallelism(), workerCoreRatio: 0, otherThreadsCoreRatio: 0 }
      },
      memory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
        arrayBuffersBytes: memory.arrayBuffers
      }
    }
  })
})
