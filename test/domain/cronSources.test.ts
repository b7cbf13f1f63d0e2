import { describe, expect, it } from "@effect/vitest"
import { applyStreamFlags, pacingFromFlags, scheduleFromFlags } from "../../src/domain/cron/addInput.js"
import { appendPayloadText } from "../../src/domain/cron/script.js"
import { finishRun } from "../../src/domain/cron/finishRun.js"
import type { CronJob } from "../../src/domain/cron/job.js"
import { clampNextCheckMs, pacedNextRunAtMs, pacingProblem } from "../../src/domain/cron/pacing.js"
import { nextRunAtMs } from "../../src/domain/cron/schedule.js"
import {
  acceptLine,
  addLine,
  afterSourceExit,
  emptyLineSplit,
  fireDone,
  idleDispatch,
  nextDispatch,
  offerBatch,
  splitLines,
  streamScheduleProblem,
  streamSettings,
  truncateTo,
  utf8Bytes
} from "../../src/domain/cron/stream.js"
import { scheduleLabel } from "../../src/domain/cron/view.js"
import { validateConfig } from "../../src/domain/config/validate.js"
import { Either } from "effect"

const MIN = 60_000
const T0 = Date.parse("2026-12-07T02:00:00Z")

describe("stream schedule settings", () => {
  it("clamps batchMs to 50–5000 (default 250) and maxBatchBytes to 1024–65536 (default 16384)", () => {
    expect(streamSettings({ kind: "stream", command: ["x"] })).toMatchObject({ mode: "line", batchMs: 250, maxBatchBytes: 16_384 })
    expect(streamSettings({ kind: "stream", command: ["x"], batchMs: 1, maxBatchBytes: 10 })).toMatchObject({ batchMs: 50, maxBatchBytes: 1024 })
    expect(streamSettings({ kind: "stream", command: ["x"], batchMs: 99_999, maxBatchBytes: 1 << 20 })).toMatchObject({ batchMs: 5000, maxBatchBytes: 65_536 })
  })

  it("match mode needs a regex that compiles; line mode takes none", () => {
    expect(streamScheduleProblem({ kind: "stream", command: ["x"], mode: "match" })).toBe("--stream-match is required when --stream-mode=match")
    expect(streamScheduleProblem({ kind: "stream", command: ["x"], match: "^a" })).toBe("--stream-match requires --stream-mode=match")
    expect(streamScheduleProblem({ kind: "stream", command: ["x"], mode: "match", match: "(" })).toMatch(/^Invalid --stream-match "\(": /)
    expect(streamScheduleProblem({ kind: "stream", command: ["x"], mode: "match", match: "^(failed|recovered):" })).toBeUndefined()
  })
})

describe("stream lines and batches", () => {
  it("splits chunks into lines across chunk borders, and cuts an over-long line to a flagged prefix", () => {
    const a = splitLines(emptyLineSplit, "one\ntw")
    expect(a.lines).toEqual([{ text: "one", cut: false }])
    const b = splitLines(a.state, "o\r\nthree\n")
    expect(b.lines).toEqual([{ text: "two", cut: false }, { text: "three", cut: false }])
    const long = splitLines(emptyLineSplit, `${"x".repeat(12)}\nnext\n`, 5)
    expect(long.lines).toEqual([{ text: "xxxxx", cut: true }, { text: "next", cut: false }])
    // The rest of a cut line is dropped even when it arrives in later chunks.
    const c1 = splitLines(emptyLineSplit, "abcdefgh", 4)
    const c2 = splitLines(c1.state, "ijkl\nok\n", 4)
    expect([...c1.lines, ...c2.lines]).toEqual([{ text: "abcd", cut: true }, { text: "ok", cut: false }])
  })

  it("match mode tests complete lines on their full text; a cut prefix never matches", () => {
    const settings = streamSettings({ kind: "stream", command: ["x"], mode: "match", match: "done$" })
    expect(acceptLine(settings, { text: "build done", cut: false })).toBe(true)
    expect(acceptLine(settings, { text: "build started", cut: false })).toBe(false)
    expect(acceptLine(settings, { text: "xxxx done", cut: true })).toBe(false)
    expect(acceptLine(streamSettings({ kind: "stream", command: ["x"] }), { text: "anything", cut: true })).toBe(true)
    // A global regex must not carry state from one line to the next.
    const global = { ...settings, match: /a/g }
    expect([acceptLine(global, { text: "a", cut: false }), acceptLine(global, { text: "a", cut: false })]).toEqual([true, true])
  })

  it("a batch closes at its byte cap, cut to fit and ending with [truncated]", () => {
    let open = addLine(undefined, "a".repeat(600), 1024).open
    expect(open?.bytes).toBe(600)
    const added = addLine(open, "é".repeat(400), 1024)
    expect(added.open).toBeUndefined()
    expect(added.closed?.endsWith("\n[truncated]")).toBe(true)
    expect(utf8Bytes(added.closed ?? "")).toBeLessThanOrEqual(1024)
    expect(utf8Bytes(added.closed ?? "")).toBeGreaterThan(1010)
    open = addLine(undefined, "x", 1024).open
    expect(addLine(open, "y", 1024)).toEqual({ open: { text: "x\ny", bytes: 3 }, closed: undefined })
    expect(truncateTo("short", 1024)).toBe("short")
  })
})

describe("stream dispatch: one payload in flight, one bounded pending batch", () => {
  const options = { intervalMs: 30_000, maxBatchBytes: 1024 }
  it("fires the first batch at once, coalesces while it runs and within the 30 s interval, then fires the merge", () => {
    const first = offerBatch(idleDispatch, "b1", T0, options)
    expect(first).toMatchObject({ _tag: "Fire", text: "b1", coalesced: false })
    const second = offerBatch(first.state, "b2", T0 + 1000, options)
    expect(second).toMatchObject({ _tag: "Wait", waitMs: undefined, coalesced: false, state: { pending: "b2", inFlight: true } })
    const third = offerBatch(second.state, "b3", T0 + 2000, options)
    expect(third).toMatchObject({ _tag: "Wait", coalesced: true, state: { pending: "b2\nb3" } })
    // The payload finished 5 s in: the interval still holds the merge back for 25 s.
    const done = nextDispatch(fireDone(third.state), T0 + 5000, options.intervalMs)
    expect(done).toMatchObject({ _tag: "Wait", waitMs: 25_000 })
    expect(nextDispatch(done.state, T0 + 30_000, options.intervalMs)).toMatchObject({ _tag: "Fire", text: "b2\nb3", state: { pending: undefined, inFlight: true, lastFireAtMs: T0 + 30_000 } })
  })

  it("the pending merge stays within the byte cap", () => {
    let state = offerBatch(idleDispatch, "first", T0, options).state
    for (let i = 0; i < 50; i++) state = offerBatch(state, "z".repeat(100), T0 + i, options).state
    expect(utf8Bytes(state.pending ?? "")).toBeLessThanOrEqual(1024)
    expect(state.pending?.endsWith("[truncated]")).toBe(true)
  })
})

describe("stream source restarts", () => {
  it("short runs back off with the scheduler's error backoff; the fifth in a row exhausts; a long run resets", () => {
    expect(afterSourceExit(0, 1000)).toEqual({ _tag: "Restart", delayMs: 30_000, shortRuns: 1 })
    expect(afterSourceExit(1, 1000)).toEqual({ _tag: "Restart", delayMs: 60_000, shortRuns: 2 })
    expect(afterSourceExit(3, 59_999)).toEqual({ _tag: "Restart", delayMs: 900_000, shortRuns: 4 })
    expect(afterSourceExit(4, 10)).toEqual({ _tag: "Exhausted", shortRuns: 5 })
    expect(afterSourceExit(4, 60_000)).toEqual({ _tag: "Restart", delayMs: 0, shortRuns: 0 })
  })
})

describe("pacing", () => {
  it("needs a bound, durations, and min <= max", () => {
    expect(pacingProblem({})).toBe("pacing needs at least one bound: --pacing-min or --pacing-max")
    expect(pacingProblem({ min: "soon" })).toBe("Invalid --pacing-min \"soon\": use a duration like 15m or 4h")
    expect(pacingProblem({ min: "4h", max: "15m" })).toBe("--pacing-min (4h) is longer than --pacing-max (15m)")
    expect(pacingProblem({ min: "15m", max: "4h" })).toBeUndefined()
  })

  it("clamps a proposal silently and applies it only after a successful run", () => {
    const pacing = { min: "15m", max: "4h" }
    expect(clampNextCheckMs(MIN, pacing)).toBe(15 * MIN)
    expect(clampNextCheckMs(30 * MIN, pacing)).toBe(30 * MIN)
    expect(clampNextCheckMs(24 * 60 * MIN, pacing)).toBe(240 * MIN)
    expect(clampNextCheckMs(1, { max: "1h" })).toBe(1)
    expect(pacedNextRunAtMs(pacing, { status: "ok", nextCheckMs: 30 * MIN }, T0)).toBe(T0 + 30 * MIN)
    expect(pacedNextRunAtMs(pacing, { status: "error", nextCheckMs: 30 * MIN }, T0)).toBeUndefined()
    expect(pacedNextRunAtMs(pacing, { status: "skipped", nextCheckMs: 30 * MIN }, T0)).toBeUndefined()
    expect(pacedNextRunAtMs(pacing, { status: "ok" }, T0)).toBeUndefined()
    expect(pacedNextRunAtMs(undefined, { status: "ok", nextCheckMs: 30 * MIN }, T0)).toBeUndefined()
  })

  const paced: CronJob = {
    id: "j1", name: "paced", enabled: true, createdAtMs: T0, updatedAtMs: T0, sessionTarget: "isolated", wakeMode: "now",
    schedule: { kind: "every", everyMs: 60 * MIN, anchorMs: T0 }, payload: { kind: "agentTurn", message: "check" },
    pacing: { min: "15m", max: "4h" }, state: {}
  }
  const outcome = { runId: "r", runAtMs: T0 + 60 * MIN, deliveryStatus: "not-requested" as const }

  it("finishRun: a proposal moves the next run (from completion); without one, or after a failure, the schedule and backoff hold", () => {
    const done = T0 + 61 * MIN
    expect(finishRun(paced, { ...outcome, status: "ok", nextCheckMs: 5 * MIN }, done).job?.state.nextRunAtMs).toBe(done + 15 * MIN)
    expect(finishRun(paced, { ...outcome, status: "ok", nextCheckMs: 90 * MIN }, done).job?.state.nextRunAtMs).toBe(done + 90 * MIN)
    expect(finishRun(paced, { ...outcome, status: "ok" }, done).job?.state.nextRunAtMs).toBe(T0 + 120 * MIN)
    expect(finishRun(paced, { ...outcome, status: "error", nextCheckMs: 5 * MIN }, done).job?.state.nextRunAtMs).toBe(T0 + 120 * MIN)
    expect(finishRun(paced, { ...outcome, status: "skipped", nextCheckMs: 5 * MIN }, done).job?.state.nextRunAtMs).toBe(T0 + 120 * MIN)
  })

  it("finishRun: an on-exit job is spent after its one fire", () => {
    const { pacing: _pacing, ...unpaced } = paced
    const watch: CronJob = { ...unpaced, schedule: { kind: "on-exit", command: "make" }, state: { onExitStartedAtMs: T0 } }
    const result = finishRun(watch, { ...outcome, status: "ok" }, T0 + 61 * MIN)
    expect(result.job).toMatchObject({ enabled: false })
    expect(result.job?.state.onExitStartedAtMs).toBeUndefined()
    expect(result.job?.state.nextRunAtMs).toBeUndefined()
    expect(finishRun({ ...watch, deleteAfterRun: true }, { ...outcome, status: "ok" }, T0).job).toBeUndefined()
  })
})

describe("event schedules from flags", () => {
  it("--on-exit and --stream-command build their schedules; conflicts and bad values are named", () => {
    expect(scheduleFromFlags({ onExit: "make build", onExitCwd: "/repo" }, T0)).toEqual({ kind: "on-exit", command: "make build", cwd: "/repo" })
    expect(scheduleFromFlags({ onExitCwd: "/repo" }, T0)).toEqual({ error: "--on-exit-cwd requires --on-exit" })
    expect(scheduleFromFlags({ onExit: "make", every: "5m" }, T0)).toEqual({ error: "Choose exactly one schedule: --at, --every, --cron, --on-exit, or --stream-command" })
    expect(scheduleFromFlags({ onExit: "make", tz: "Europe/Berlin" }, T0)).toEqual({ error: "--tz/--stagger/--exact are not valid with --on-exit" })
    expect(scheduleFromFlags({ streamCommand: "[\"node\",\"e.mjs\"]", streamMode: "match", streamMatch: "^fail", streamBatchMs: 100, streamCwd: "/srv" }, T0)).toEqual({
      kind: "stream", command: ["node", "e.mjs"], cwd: "/srv", mode: "match", match: "^fail", batchMs: 100
    })
    expect(scheduleFromFlags({ streamCommand: "node e.mjs" }, T0)).toMatchObject({ error: expect.stringMatching(/^--stream-command must be a JSON array of strings/) })
    expect(scheduleFromFlags({ streamCommand: "[\"x\"]", streamMode: "words" }, T0)).toEqual({ error: "--stream-mode must be line or match" })
    expect(scheduleFromFlags({ streamCommand: "[\"x\"]", streamBatchMs: 0 }, T0)).toEqual({ error: "--stream-batch-ms must be a positive integer" })
    expect(scheduleFromFlags({ onExit: "make", streamMode: "line" }, T0)).toEqual({ error: "Stream options require --stream-command" })
  })

  it("stream metadata edits keep the stored argv; switching to line mode drops the regex", () => {
    const stored = { kind: "stream" as const, command: ["tail", "-F", "log"], mode: "match" as const, match: "ERR", batchMs: 500 }
    expect(applyStreamFlags(stored, { streamMaxBatchBytes: 2048 })).toEqual({ ...stored, maxBatchBytes: 2048 })
    expect(applyStreamFlags(stored, { streamMode: "line" })).toEqual({ kind: "stream", command: ["tail", "-F", "log"], mode: "line", batchMs: 500 })
  })

  it("pacing flags merge into the stored bounds; --clear-pacing removes them", () => {
    expect(pacingFromFlags({ pacingMax: "2h" }, { min: "10m", max: "1h" })).toEqual({ min: "10m", max: "2h" })
    expect(pacingFromFlags({ clearPacing: true })).toBeNull()
    expect(pacingFromFlags({ clearPacing: true, pacingMin: "1m" })).toEqual({ error: "--clear-pacing cannot be combined with --pacing-min or --pacing-max" })
    expect(pacingFromFlags({})).toBeUndefined()
  })

  it("event schedules are never time-due, and list as the original labels them", () => {
    expect(nextRunAtMs({ kind: "on-exit", command: "make" }, { id: "j", createdAtMs: T0 }, T0)).toBeUndefined()
    expect(nextRunAtMs({ kind: "stream", command: ["x"] }, { id: "j", createdAtMs: T0 }, T0)).toBeUndefined()
    expect(scheduleLabel({ kind: "on-exit", command: "pnpm build", cwd: "/repo" })).toBe("on-exit pnpm build @ /repo")
  })

  it("an event's text is appended to a system event or an agent message", () => {
    expect(appendPayloadText({ kind: "systemEvent", text: "Build events:" }, "failed: x")).toEqual({ kind: "systemEvent", text: "Build events:\n\nfailed: x" })
    expect(appendPayloadText({ kind: "agentTurn", message: "Investigate.", model: "m" }, "b")).toEqual({ kind: "agentTurn", message: "Investigate.\n\nb", model: "m" })
  })
})

describe("cron.triggers config", () => {
  it("cron.triggers.enabled is a boolean; anything else is refused with its path", () => {
    expect(Either.isRight(validateConfig({ cron: { triggers: { enabled: false } } }))).toBe(true)
    const bad = validateConfig({ cron: { triggers: { enabled: "no" } } })
    expect(Either.isLeft(bad) ? JSON.stringify(bad.left) : "").toContain("cron.triggers.enabled")
    const unknown = validateConfig({ cron: { triggers: { enabeld: true } } })
    expect(Either.isLeft(unknown)).toBe(true)
  })
})
