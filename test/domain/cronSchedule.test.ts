import { describe, expect, it } from "vitest"
import { formatDurationMs, formatRelative, parseDurationMs } from "../../src/domain/cron/duration.js"
import { finishRun } from "../../src/domain/cron/finishRun.js"
import type { CronJob } from "../../src/domain/cron/job.js"
import { cronExprProblem, effectiveStaggerMs, errorBackoffMs, isTopOfHour, nextRunAtMs, staggerOffsetMs } from "../../src/domain/cron/schedule.js"

const T0 = Date.parse("2026-12-06T14:00:00.000Z")
const job = (over: Partial<CronJob> = {}): CronJob => ({
  id: "job-1",
  name: "probe",
  enabled: true,
  createdAtMs: T0,
  updatedAtMs: T0,
  schedule: { kind: "every", everyMs: 600_000, anchorMs: T0 },
  sessionTarget: "main",
  wakeMode: "now",
  payload: { kind: "systemEvent", text: "ping" },
  state: {},
  ...over
})

describe("durations", () => {
  it("parses and formats the CLI's durations", () => {
    expect(parseDurationMs("10m")).toBe(600_000)
    expect(parseDurationMs("1h30m")).toBe(5_400_000)
    expect(parseDurationMs("30s")).toBe(30_000)
    expect(parseDurationMs("0m")).toBe(0)
    expect(parseDurationMs("soon")).toBeUndefined()
    expect(formatDurationMs(600_000)).toBe("10m")
    expect(formatDurationMs(604_800_000)).toBe("7d")
    expect(formatDurationMs(3_600_000)).toBe("1h")
  })
  it("shows times relative to now as cron list does", () => {
    expect(formatRelative(T0 + 8 * 60_000, T0)).toBe("in 8m")
    expect(formatRelative(T0 - 20_000, T0)).toBe("<1m ago")
    expect(formatRelative(T0 + 12 * 3_600_000, T0)).toBe("in 12h")
    expect(formatRelative(T0 + 2.3 * 86_400_000, T0)).toBe("in 2d")
    expect(formatRelative(undefined, T0)).toBe("-")
    expect(formatRelative(T0 + 3_599_000, T0)).toBe("in 1h")
  })
})

describe("next run", () => {
  it("every: first run one interval after the anchor, then on the anchor's phase", () => {
    expect(nextRunAtMs({ kind: "every", everyMs: 600_000, anchorMs: T0 }, job(), T0)).toBe(T0 + 600_000)
    // Down for 35 minutes: the next slot, not one per missed tick.
    expect(nextRunAtMs({ kind: "every", everyMs: 600_000, anchorMs: T0 }, job(), T0 + 35 * 60_000)).toBe(T0 + 40 * 60_000)
  })
  it("at: once, then never", () => {
    const at = { kind: "at" as const, at: "2026-12-06T15:00:00" }
    expect(nextRunAtMs(at, job(), T0)).toBe(Date.parse("2026-12-06T15:00:00Z"))
    expect(nextRunAtMs(at, { ...job(), lastRunAtMs: T0 }, T0)).toBeUndefined()
  })
  it("cron: 5 and 6 fields, in a time zone", () => {
    expect(nextRunAtMs({ kind: "cron", expr: "0 3 * * *", tz: "UTC" }, job(), T0)).toBe(Date.parse("2026-12-07T03:00:00Z"))
    expect(nextRunAtMs({ kind: "cron", expr: "30 0 3 * * *", tz: "UTC" }, job(), T0)).toBe(Date.parse("2026-12-07T03:00:30Z"))
    // 03:00 in Berlin (UTC+1 in December) is 02:00 UTC.
    expect(nextRunAtMs({ kind: "cron", expr: "0 3 * * *", tz: "Europe/Berlin" }, job(), T0)).toBe(Date.parse("2026-12-07T02:00:00Z"))
  })
  it("cron: day of month and day of week both set match either (OR)", () => {
    // 2026-12-06 is a Sunday. "0 9 13 * 1": the 13th OR any Monday -> Monday the 7th comes first.
    expect(nextRunAtMs({ kind: "cron", expr: "0 9 13 * 1", tz: "UTC" }, job(), T0)).toBe(Date.parse("2026-12-07T09:00:00Z"))
  })
  it("top-of-hour expressions are staggered within 5 minutes unless exact", () => {
    expect(isTopOfHour("0 * * * *")).toBe(true)
    expect(isTopOfHour("0 3 * * *")).toBe(false)
    expect(effectiveStaggerMs({ expr: "0 * * * *" })).toBe(300_000)
    expect(effectiveStaggerMs({ expr: "0 * * * *", staggerMs: 0 })).toBe(0)
    const offset = staggerOffsetMs("job-1", 300_000)
    expect(offset).toBeGreaterThanOrEqual(0)
    expect(offset).toBeLessThan(300_000)
    // The 14:00 slot fires at 14:00 + offset; once that has passed, the 15:00 slot is next.
    expect(nextRunAtMs({ kind: "cron", expr: "0 * * * *", tz: "UTC" }, job(), T0 + 1)).toBe(T0 + offset)
    expect(nextRunAtMs({ kind: "cron", expr: "0 * * * *", tz: "UTC" }, job(), T0 + offset)).toBe(Date.parse("2026-12-06T15:00:00Z") + offset)
    expect(nextRunAtMs({ kind: "cron", expr: "0 * * * *", tz: "UTC", staggerMs: 0 }, job(), T0 + 1)).toBe(Date.parse("2026-12-06T15:00:00Z"))
    // Different jobs spread over the window.
    const offsets = new Set(Array.from({ length: 20 }, (_, i) => staggerOffsetMs(`job-${i}`, 300_000)))
    expect(offsets.size).toBeGreaterThan(10)
  })
  it("refuses bad expressions and zones with a reason", () => {
    expect(cronExprProblem("0 3 * *")).toContain("expected 5 fields")
    expect(cronExprProblem("61 3 * * *")).toContain("Invalid cron expression")
    expect(cronExprProblem("0 3 * * *", "Mars/Olympus")).toContain("Invalid timezone")
    expect(cronExprProblem("0 3 * * *", "Europe/Berlin")).toBeUndefined()
  })
})

describe("finishing a run", () => {
  const outcome = (status: "ok" | "error" | "skipped", runAtMs: number) => ({ runId: "r", runAtMs, status, deliveryStatus: "not-requested" as const, ...(status === "error" ? { error: "boom" } : {}) })

  it("backs off 30 s, 1 m, 5 m, 15 m, 60 m on consecutive errors and resets on success", () => {
    expect([1, 2, 3, 4, 5, 9].map(errorBackoffMs)).toEqual([30_000, 60_000, 300_000, 900_000, 3_600_000, 3_600_000])
    let current = job({ schedule: { kind: "every", everyMs: 10_000, anchorMs: T0 } })
    const delays: Array<number> = []
    let now = T0
    for (let i = 0; i < 5; i++) {
      const done = finishRun(current, outcome("error", now), now)
      current = done.job!
      delays.push(current.state.nextRunAtMs! - now)
      now = current.state.nextRunAtMs!
    }
    expect(delays).toEqual([30_000, 60_000, 300_000, 900_000, 3_600_000])
    const ok = finishRun(current, outcome("ok", now), now).job!
    expect(ok.state.consecutiveErrors).toBe(0)
    expect(ok.state.nextRunAtMs! - now).toBe(10_000)
  })
  it("skips do not count as errors", () => {
    const done = finishRun(job({ state: { consecutiveErrors: 1 } }), outcome("skipped", T0), T0)
    expect(done.job!.state.consecutiveErrors).toBe(1)
    expect(done.job!.state.consecutiveSkipped).toBe(1)
    expect(done.entry).toMatchObject({ status: "skipped", action: "finished", jobId: "job-1", jobName: "probe" })
  })
  it("alerts after 2 consecutive failures, then not again within the cooldown", () => {
    const routed = job({ delivery: { mode: "announce", channel: "telegram", to: "42" } })
    const first = finishRun(routed, outcome("error", T0), T0)
    expect(first.alert).toBeUndefined()
    const second = finishRun(first.job!, outcome("error", T0 + 1000), T0 + 1000)
    expect(second.alert).toMatchObject({ kind: "failed", count: 2 })
    expect(second.job!.state).toMatchObject({ lastFailureAlertAtMs: T0 + 1000, lastFailureNotificationDeliveryStatus: "unknown" })
    const third = finishRun(second.job!, outcome("error", T0 + 2000), T0 + 2000)
    expect(third.alert).toBeUndefined()
    const later = finishRun(third.job!, outcome("error", T0 + 3_700_000), T0 + 3_700_000)
    expect(later.alert).toMatchObject({ kind: "failed", count: 4 })
    expect(finishRun({ ...routed, failureAlert: false, state: { consecutiveErrors: 5 } }, outcome("error", T0), T0).alert).toBeUndefined()
  })
  it("a one-shot is disabled after running, and deleted after success when asked", () => {
    const at = job({ schedule: { kind: "at", at: "2026-12-06T14:00:00Z" } })
    const kept = finishRun(at, outcome("ok", T0), T0)
    expect(kept.job?.enabled).toBe(false)
    expect(kept.job?.state.nextRunAtMs).toBeUndefined()
    expect(finishRun({ ...at, deleteAfterRun: true }, outcome("ok", T0), T0).job).toBeUndefined()
    expect(finishRun({ ...at, deleteAfterRun: true }, outcome("error", T0), T0).job?.enabled).toBe(false)
  })
  it("a failed required delivery leaves status ok but completion failed", () => {
    const done = finishRun(job({ delivery: { mode: "announce", channel: "last" } }), { ...outcome("ok", T0), deliveryStatus: "not-delivered", deliveryError: "no route" }, T0 + 5)
    expect(done.entry).toMatchObject({ status: "ok", completionStatus: "failed", delivered: false, deliveryStatus: "not-delivered", deliveryError: "no route", durationMs: 5 })
    expect(done.job!.state.consecutiveErrors).toBe(0)
  })
})
