/** A parsed line of the gateway's JSON-lines log. */
export type LogLine =
  | { readonly kind: "log"; readonly time: string; readonly level: string; readonly subsystem: string | undefined; readonly message: string; readonly record: Readonly<Record<string, unknown>> }
  | { readonly kind: "raw"; readonly line: string }

export const parseLogLine = (line: string): LogLine => {
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const r = value as Record<string, unknown>
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
