import { Effect } from "effect"
import { monitorEventLoopDelay, performance } from "node:perf_hooks"
import type { ProcessSample } from "../../domain/gateway/healthReport.js"

// One histogram for the process, started on first use: health reports the delay since the last sample.
let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined
let last: { readonly at: number; readonly elu: ReturnType<typeof performance.eventLoopUtilization>; readonly cpu: NodeJS.CpuUsage } | undefined

const round = (n: number, digits: number) => Number(n.toFixed(digits))

/** Event-loop delay and utilization since the previous sample, and memory use, for health and status. */
export const processSample: Effect.Effect<ProcessSample> = Effect.sync(() => {
  if (histogram === undefined) {
    histogram = monitorEventLoopDelay({ resolution: 20 })
    histogram.enable()
  }
  const now = performance.now()
  const elu = performance.eventLoopUtilization()
  const since = last === undefined ? elu : performance.eventLoopUtilization(elu, last.elu)
  const intervalMs = last === undefined ? now : now - last.at
  // CPU time of the whole process per wall-clock millisecond: 1 = one core busy.
  const cpu = process.cpuUsage(last?.cpu)
  const cpuCoreRatio = intervalMs > 0 ? round((cpu.user + cpu.system) / 1000 / intervalMs, 3) : 0
  last = { at: now, elu, cpu: process.cpuUsage() }
  const delayP99Ms = histogram.count === 0 ? 0 : round(histogram.percentile(99) / 1e6, 1)
  const delayMaxMs = histogram.count === 0 ? 0 : round(histogram.max / 1e6, 1)
  histogram.reset()
  const memory = process.memoryUsage()
  return {
    eventLoop: { intervalMs, delayP99Ms, delayMaxMs, utilization: round(since.utilization, 3), cpuCoreRatio },
    memory: {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers
    }
  }
})
