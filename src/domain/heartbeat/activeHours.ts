/** `agents.defaults.heartbeat.activeHours`: `start` inclusive, `end` exclusive, in a time zone. */
export interface ActiveHours {
  readonly start?: string | undefined
  readonly end?: string | undefined
  readonly timezone?: string | undefined
}

const minutesOf = (hhmm: string): number | undefined => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim())
  if (m === null) return undefined
  const h = Number(m[1])
  const min = Number(m[2])
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined
  return h * 60 + min
}

/** Minutes since midnight at `nowMs` in `timeZone` (`undefined` zone = the host's). */
export const minuteOfDay = (nowMs: number, timeZone: string | undefined): number => {
  const parts = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(timeZone === undefined ? {} : { timeZone }) }).formatToParts(new Date(nowMs))
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0)
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0)
  return (hour % 24) * 60 + minute
}

/** The zone `activeHours.timezone` names: `local` (and absent) is the host's, `user` the configured user zone. */
export const activeHoursZone = (timezone: string | undefined, userTimezone: string | undefined): string | undefined =>
  timezone === undefined || timezone === "local" ? undefined : timezone === "user" ? userTimezone : timezone

/**
 * True when `nowMs` is inside the window (no window = always). A window may wrap midnight
 * (`22:00`-`06:00`); `24:00` ends at midnight; equal start and end is never inside.
 */
export const withinActiveHours = (hours: ActiveHours | undefined, nowMs: number, userTimezone?: string): boolean => {
  if (hours === undefined || (hours.start === undefined && hours.end === undefined)) return true
  const start = minutesOf(hours.start ?? "00:00")
  const end = minutesOf(hours.end ?? "24:00")
  if (start === undefined || end === undefined) return true
  if (start === end) return false
  const now = minuteOfDay(nowMs, activeHoursZone(hours.timezone, userTimezone))
  return start < end ? now >= start && now < end : now >= start || now < end
}
