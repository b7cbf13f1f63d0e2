import { parseDurationMs } from "./duration.js"

/** `cron run --wait` defaults, as the original's: wait up to 10 minutes, polling every 2 seconds. */
export const RUN_WAIT_TIMEOUT_DEFAULT = "10m"
export const RUN_WAIT_POLL_INTERVAL_DEFAULT = "2s"

/** Node's largest timer: a longer wait is clamped to it. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * A `--wait-timeout` / `--poll-interval` value in milliseconds: a duration (`10m`, `2s`, `500ms`) or a
 * bare number of milliseconds (as the original reads these two flags), or why not.
 */
export const parseWaitDurationMs = (flag: string, raw: string): number | { readonly error: string } => {
  const trimmed = raw.trim()
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) : parseDurationMs(trimmed)
  if (ms === undefined || !Number.isFinite(ms)) return { error: `Invalid ${flag} "${raw}": use a duration like 10m, 30s or 500ms` }
  return Math.min(Math.floor(ms), MAX_TIMER_MS)
}

/** What a finished run came to as a whole, for rows that do not say (older gateways). */
export const completionOf = (entry: { readonly status?: unknown; readonly completionStatus?: unknown; readonly delivered?: unknown; readonly deliveryStatus?: unknown }): "succeeded" | "failed" | "unknown" => {
  if (entry.completionStatus === "succeeded" || entry.completionStatus === "failed" || entry.completionStatus === "unknown") return entry.completionStatus
  if (entry.status === "error" || entry.status === "skipped") return "failed"
  if (entry.status !== "ok") return "unknown"
  return entry.delivered === true || entry.deliveryStatus === "delivered" || entry.deliveryStatus === "not-requested" ? "succeeded" : "unknown"
}

/** A run history row that is final (the run recorded `ok`, `error` or `skipped`). */
export const isTerminal = (entry: { readonly status?: unknown } | undefined): boolean =>
  entry !== undefined && (entry.status === "ok" || entry.status === "error" || entry.status === "skipped")
