import type { HeartbeatEvent } from "../heartbeat/event.js"
import { formatRelative } from "../cron/duration.js"

/** What `openclaw status` learned from the gateway's scheduler (`cron.status`, `last-heartbeat`). */
export interface SchedulerSummary {
  readonly cron: { readonly enabled: boolean; readonly jobs: number; readonly nextWakeAtMs: number | null } | undefined
  readonly lastHeartbeat: HeartbeatEvent | null | undefined
  readonly nowMs: number
}

/**
 * The Heartbeat row: the configured interval, then (when the gateway answered) the last heartbeat with
 * its reason and the scheduler's next wake.
 */
export const heartbeatSummaryRow = (every: string | undefined, scheduler: SchedulerSummary | undefined): string => {
  const interval = every === "0m" || every === "0" ? "disabled (every 0m)" : `every ${every ?? "30m"} (main)`
  if (scheduler === undefined) return `${interval} · gateway not reachable`
  if (scheduler.cron === undefined) return `${interval} · scheduler not readable without operator.read (openclaw health pairs this CLI)`
  const last = scheduler.lastHeartbeat
  const lastText = last === null || last === undefined
    ? "last: none yet"
    : `last: ${last.status}${last.reason === undefined ? "" : ` (${last.reason})`} ${formatRelative(last.ts, scheduler.nowMs)}`
  const cron = scheduler.cron
  const wake = !cron.enabled ? "cron disabled" : cron.nextWakeAtMs === null ? "no cron wake scheduled" : `next cron wake ${formatRelative(cron.nextWakeAtMs, scheduler.nowMs)}`
  return `${interval} · ${lastText} · ${wake}`
}
