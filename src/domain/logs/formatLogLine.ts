/** A parsed line of the gateway's JSON-lines log. */
export type LogLine =
  | { readonly kind: "log"; readonly time: string; readonly level: string; readonly subsystem: string | undefined; readonly message: string; readonly record: Readonly<Record<string, unknown>> }
  | { readonly kind: "raw"; readonly line: string }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

// The original's logger names itself with a JSON object (`{"subsystem":"gateway/ws"}`, `{"module":"cron"}`) or a plain name.
const subsystemOfName = (name: unknown): string | undefined => {
  if (typeof name !== "string" || !name.startsWith("{")) return undefined
  try {
    const parsed: unknown = JSON.parse(name)
    if (!isRecord(parsed)) return undefined
    const found = parsed["subsystem"] ?? parsed["module"]
    return typeof found === "string" ? found : undefined
  } catch {
    return undefined
  }
}

/**
 * A line in the original's format (tslog): arguments under `"0"`, `"1"`, ... (the first is the logger's
 * name when it has one), level and name under `_meta`, usually `time` and `message` too.
 */
const parseOriginalLine = (r: Record<string, unknown>, meta: Record<string, unknown>): LogLine | undefined => {
  const level = meta["logLevelName"]
  if (typeof level !== "string") return undefined
  const name = meta["name"]
  const args = Object.keys(r).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)).map((k) => r[k])
  const texts = (args[0] === name ? args.slice(1) : args).filter((a): a is string => typeof a === "string")
  const message = typeof r["message"] === "string" ? r["message"] : texts.join(" ")
  const time = typeof r["time"] === "string" ? r["time"] : typeof meta["date"] === "string" ? meta["date"] : ""
  return { kind: "log", time, level: level.toLowerCase(), subsystem: subsystemOfName(name), message, record: r }
}

export const parseLogLine = (line: string): LogLine => {
  try {
    const value: unknown = JSON.parse(line)
    if (isRecord(value)) {
      const r = value
      if (typeof r["message"] === "string" && typeof r["level"] === "string") {
        return {
          kind: "log",
          time: typeof r["time"] === "string" ? r["time"] : "",
          level: r["level"],
          subsystem: typeof r["subsystem"] === "string" ? r["subsystem"] : undefined,
          message: r["message"],
          record: r
        }
      }
      const meta = r["_meta"]
      const original = isRecord(meta) ? parseOriginalLine(r, meta) : undefined
      if (original !== undefined) return original
    }
  } catch {
    // Not JSON: shown as it is.
  }
  return { kind: "raw", line }
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0")

/** ISO time in a fixed UTC offset (minutes east of UTC), e.g. `2026-11-25T12:04:15.669+01:00`. */
export const formatTimeAt = (iso: string, offsetMinutes: number): string => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  const d = new Date(ms + offsetMinutes * 60_000)
  const sign = offsetMinutes < 0 ? "-" : "+"
  const off = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${off}`
}

/** `<time> <level> <subsystem> <message>`, the original's human `logs` line. */
export const formatLogLine = (line: LogLine, options: { readonly utc: boolean; readonly offsetMinutesOf: (iso: string) => number }): string => {
  if (line.kind === "raw") return line.line
  const time = line.time === "" ? "" : options.utc ? line.time : formatTimeAt(line.time, options.offsetMinutesOf(line.time))
  return [time, line.level, line.subsystem, line.message].filter((p) => p !== undefined && p !== "").join(" ")
}
