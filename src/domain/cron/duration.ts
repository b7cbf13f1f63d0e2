/** Milliseconds per duration unit, as `--every 10m`, `--stagger 30s` and `heartbeat.every` spell them. */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * A duration such as `10m`, `1h`, `1h30m`, `90s` or `500ms` in milliseconds; a bare number is minutes
 * (as the original reads `heartbeat.every`). `undefined` when the text is not a duration.
 */
export const parseDurationMs = (text: string): number | undefined => {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === "") return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * UNIT_MS["m"]!)
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed.replace(/\s+/g, "")) return undefined
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ""] ?? 0), 0))
}

/** The largest whole unit: `600000` -> `10m`, `3600000` -> `1h`, `604800000` -> `7d`, `90000` -> `90s`. */
export const formatDurationMs = (ms: number): string => {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

/** `in 8m`, `<1m ago`, `3h ago`, `in 2d`: how `cron list` shows a time relative to now. */
export const formatRelative = (atMs: number | undefined, nowMs: number): string => {
  if (atMs === undefined) return "-"
  const diff = atMs - nowMs
  const abs = Math.abs(diff)
  const minutes = Math.round(abs / 60_000)
  const hours = Math.round(abs / 3_600_000)
  const text = abs < 60_000 ? "<1m" : minutes < 60 ? `${minutes}m` : hours < 24 ? `${hours}h` : `${Math.round(abs / 86_400_000)}d`
  return diff >= 0 ? `in ${text}` : `${text} ago`
}
