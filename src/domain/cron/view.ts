import { formatDurationMs, formatRelative } from "./duration.js"
import type { DeliveryPreview } from "./deliveryPreview.js"
import { type CronJob, effectiveAgentId, jobStatus } from "./job.js"
import { effectiveStaggerMs } from "./schedule.js"

/** A job as `cron.list`/`cron.add` answer it: the stored job, then the original's derived top-level fields. */
export const jobView = (job: CronJob): Record<string, unknown> => {
  const s = job.state
  const derived: Record<string, unknown> = {
    nextRunAtMs: s.nextRunAtMs,
    lastRunAtMs: s.lastRunAtMs,
    lastRunStatus: s.lastRunStatus,
    lastRunError: s.lastError,
    lastDelivered: s.lastDelivered,
    lastDeliveryStatus: s.lastDeliveryStatus,
    lastDeliveryError: s.lastDeliveryError,
    lastFailureNotificationDeliveryStatus: s.lastFailureNotificationDeliveryStatus,
    effectiveAgentId: effectiveAgentId(job),
    status: jobStatus(job)
  }
  return { ...job, ...Object.fromEntries(Object.entries(derived).filter(([, v]) => v !== undefined)) }
}

/** `every 10m`, `at <iso>`, `cron <expr>[ @ <tz>] (exact|stagger <d>)`. */
export const scheduleLabel = (schedule: CronJob["schedule"]): string => {
  switch (schedule.kind) {
    case "at":
      return `at ${schedule.at}`
    case "every":
      return `every ${formatDurationMs(schedule.everyMs)}`
    case "cron": {
      const stagger = effectiveStaggerMs(schedule)
      return `cron ${schedule.expr}${schedule.tz === undefined || schedule.tz === "" ? "" : ` @ ${schedule.tz}`} (${stagger === 0 ? "exact" : `stagger ${formatDurationMs(stagger)}`})`
    }
    case "on-exit":
      return `on-exit ${schedule.command}${schedule.cwd === undefined ? "" : ` @ ${schedule.cwd}`}`
    case "stream":
      return `stream ${schedule.command.join(" ")}${schedule.mode === "match" ? ` /${schedule.match ?? ""}/` : ""}`
  }
}

/** The loose shape `cron list` reads from any gateway's `cron.list` (ours or the original's). */
export interface ListedJob {
  readonly id?: unknown
  readonly declarationKey?: unknown
  readonly displayName?: unknown
  readonly name?: unknown
  readonly enabled?: unknown
  readonly schedule?: unknown
  readonly sessionTarget?: unknown
  readonly agentId?: unknown
  readonly payload?: unknown
  readonly state?: unknown
  readonly status?: unknown
  readonly effectiveAgentId?: unknown
}

const COLUMNS = [
  ["ID", 36],
  ["Declaration", 24],
  ["Name", 24],
  ["Schedule", 32],
  ["Next", 10],
  ["Last", 10],
  ["Status", 19],
  ["Target", 9],
  ["Delivery", 64],
  ["Agent ID", 10],
  ["Owner", 24],
  ["Model", 20]
] as const

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 3)}...` : text.padEnd(width))
const str = (v: unknown) => (typeof v === "string" ? v : undefined)
const num = (v: unknown) => (typeof v === "number" ? v : undefined)
const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? v as Record<string, unknown> : {})

const looseScheduleLabel = (schedule: Record<string, unknown>): string => {
  const kind = str(schedule["kind"])
  if (kind === "every" && num(schedule["everyMs"]) !== undefined) return scheduleLabel({ kind: "every", everyMs: num(schedule["everyMs"]) ?? 0 })
  if (kind === "at") return `at ${str(schedule["at"]) ?? "?"}`
  if (kind === "cron") {
    const tz = str(schedule["tz"])
    const stagger = num(schedule["staggerMs"])
    return scheduleLabel({ kind: "cron", expr: str(schedule["expr"]) ?? "?", ...(tz === undefined ? {} : { tz }), ...(stagger === undefined ? {} : { staggerMs: stagger }) })
  }
  if (kind === "on-exit") {
    const cwd = str(schedule["cwd"])
    return `on-exit ${str(schedule["command"]) ?? "?"}${cwd === undefined ? "" : ` @ ${cwd}`}`
  }
  if (kind === "stream") {
    const argv = Array.isArray(schedule["command"]) ? schedule["command"].filter((a): a is string => typeof a === "string") : []
    return `stream ${argv.join(" ")}${schedule["mode"] === "match" ? ` /${str(schedule["match"]) ?? ""}/` : ""}`
  }
  return kind ?? "-"
}

/**
 * The `cron list` table, column for column as the original prints it: fixed widths, long cells cut
 * with `...`, relative times, `ok (not delivered)` when a result did not reach its channel.
 */
export const renderJobTable = (jobs: ReadonlyArray<ListedJob>, previews: Readonly<Record<string, DeliveryPreview>>, nowMs: number): string => {
  const header = COLUMNS.map(([name, width]) => name.padEnd(width)).join(" ")
  const rows = jobs.map((job) => {
    const id = str(job.id) ?? "-"
    const state = rec(job.state)
    const status = str(job.status) ?? (job.enabled === false ? "disabled" : str(state["lastRunStatus"]) ?? "idle")
    const statusCell = status === "ok" && state["lastDeliveryStatus"] === "not-delivered" ? "ok (not delivered)" : status
    const preview = previews[id] ?? { label: "not requested", detail: "not requested" }
    const payload = rec(job.payload)
    const cells = [
      id,
      str(job.declarationKey) ?? "-",
      str(job.displayName) ?? str(job.name) ?? "-",
      looseScheduleLabel(rec(job.schedule)),
      job.enabled === false ? "-" : formatRelative(num(state["nextRunAtMs"]), nowMs),
      formatRelative(num(state["lastRunAtMs"]), nowMs),
      statusCell,
      str(job.sessionTarget) ?? "-",
      `${preview.label} (${preview.detail})`,
      str(job.effectiveAgentId) ?? str(job.agentId) ?? "main",
      "-",
      str(payload["model"]) ?? "-"
    ]
    return cells.map((cell, i) => fit(cell, COLUMNS[i]?.[1] ?? 10)).join(" ").trimEnd()
  })
  return [header, ...rows].join("\n")
}
