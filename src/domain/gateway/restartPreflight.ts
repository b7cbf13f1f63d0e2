import type { RestartPreflight } from "../protocol/restartMethods.js"

/** Work the gateway tracks, by kind: RPCs in flight, agent runs, cron runs. */
export interface ActiveWorkCounts {
  readonly requests: number
  readonly agentRuns: number
  readonly cronRuns: number
}

export const NO_ACTIVE_WORK: ActiveWorkCounts = { requests: 0, agentRuns: 0, cronRuns: 0 }

/** Total tracked work. */
export const totalActive = (counts: ActiveWorkCounts) => counts.requests + counts.agentRuns + counts.cronRuns

/** What a restart would wait for now, in the original's shape (`restart deferred: 1 queued or active operation(s)`). */
export const restartPreflight = (counts: ActiveWorkCounts): RestartPreflight => {
  const blockers = [
    { kind: "queue", count: counts.requests, message: `${counts.requests} queued or active operation(s)` },
    { kind: "embedded-run", count: counts.agentRuns, message: `${counts.agentRuns} active agent run(s)` },
    { kind: "task", count: counts.cronRuns, message: `${counts.cronRuns} running cron job(s)` }
  ].filter((blocker) => blocker.count > 0)
  const total = totalActive(counts)
  return {
    safe: total === 0,
    counts: { queueSize: counts.requests, pendingReplies: 0, embeddedRuns: counts.agentRuns, activeTasks: counts.cronRuns, totalActive: total },
    blockers,
    summary: total === 0 ? "no active work; restarting now" : `restart deferred: ${blockers.map((b) => b.message).join(", ")}`
  }
}
