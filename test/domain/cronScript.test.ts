import { describe, expect, it } from "vitest"
import type { CronJob } from "../../src/domain/cron/job.js"
import { appendPayloadText, parseScriptPayloadResult, parseTriggerResult, scriptJobProblem } from "../../src/domain/cron/script.js"
import { applyScriptOutcome, quietEvaluation } from "../../src/domain/cron/triggerRun.js"

const job = (overrides: Partial<CronJob> = {}): CronJob => ({
  id: "j1",
  name: "watch",
  enabled: true,
  createdAtMs: 0,
  updatedAtMs: 0,
  schedule: { kind: "every", everyMs: 60_000 },
  sessionTarget: "main",
  wakeMode: "now",
  payload: { kind: "systemEvent", text: "check" },
  trigger: { script: "json({ fire: true })" },
  state: { nextRunAtMs: 120_000 },
  ...overrides
})

describe("what a trigger script returns", () => {
  it("takes the return value when it is an object with a boolean fire, else the last json(...) object", () => {
    expect(parseTriggerResult({ value: { fire: true, message: "m" }, output: [{ fire: false }] })).toEqual({ kind: "evaluated", fire: true, message: "m", stateChanged: false })
    expect(parseTriggerResult({ value: undefined, output: [{ fire: true }, { fire: false, state: { a: 1 } }] })).toEqual({ kind: "evaluated", fire: false, stateChanged: true, state: { a: 1 } })
    // `state: null` is a state (it replaces the old one); no `state` leaves the old one.
    expect(parseTriggerResult({ value: { fire: false, state: null }, output: [] })).toMatchObject({ stateChanged: true, state: null })
  })

  it("refuses a result without a boolean fire, a non-string message, state over 16 KB", () => {
    expect(parseTriggerResult({ value: { fire: "yes" }, output: [] })).toEqual({ kind: "error", code: "invalid_result", error: "cron trigger script must return an object with boolean fire" })
    expect(parseTriggerResult({ value: { fire: true, message: 3 }, output: [] })).toMatchObject({ kind: "error", error: "cron trigger script message must be a string" })
    expect(parseTriggerResult({ value: { fire: true, state: "x".repeat(16 * 1024) }, output: [] })).toEqual({ kind: "error", code: "output_limit_exceeded", error: "cron trigger state exceeds the 16KB limit" })
    expect(parseTriggerResult({ value: { fire: true, state: "x".repeat(16 * 1024 - 2) }, output: [] })).toMatchObject({ kind: "evaluated", stateChanged: true })
  })
})

describe("what a script payload returns", () => {
  it("notify, wake, state and nextCheck, each checked", () => {
    expect(parseScriptPayloadResult({ value: { notify: "n", wake: "now", state: [1], nextCheck: "15m" }, output: [] })).toEqual({ kind: "completed", notify: "n", wake: "now", stateChanged: true, state: [1], nextCheckMs: 900_000 })
    expect(parseScriptPayloadResult({ value: undefined, output: [] })).toMatchObject({ kind: "error", error: "cron script payload must return an object" })
    expect(parseScriptPayloadResult({ value: { wake: "later" }, output: [] })).toMatchObject({ kind: "error", error: "cron script payload wake must be \"now\" or \"next-heartbeat\"" })
    expect(parseScriptPayloadResult({ value: { nextCheck: "soon" }, output: [] })).toMatchObject({ kind: "error", error: "cron script payload nextCheck must be a positive duration string" })
    expect(parseScriptPayloadResult({ value: { notify: 1 }, output: [] })).toMatchObject({ kind: "error", error: "cron script payload notify must be a string" })
  })
})

describe("job rules and the run's effect on trigger state", () => {
  it("refuses a script payload with a trigger, script jobs outside main/isolated, triggers on one-shots and under 30 s", () => {
    expect(scriptJobProblem(job({ payload: { kind: "script", script: "return {}" } }))).toBe("cron script payloads cannot be combined with a condition trigger")
    expect(scriptJobProblem({ ...job({ payload: { kind: "script", script: "return {}" }, sessionTarget: "current" }), trigger: undefined })).toBe("script cron jobs require sessionTarget=\"main\" or \"isolated\"")
    expect(scriptJobProblem(job({ schedule: { kind: "at", at: "2099-01-01T00:00:00Z" } }))).toBe("cron triggers require an every, cron, or stream schedule")
    expect(scriptJobProblem(job({ schedule: { kind: "every", everyMs: 10_000 } }))).toBe("cron trigger every interval must be at least 30000ms")
    expect(scriptJobProblem(job())).toBeUndefined()
  })

  it("appends a firing message to system-event text and agent-turn messages only", () => {
    expect(appendPayloadText({ kind: "systemEvent", text: "a" }, "b")).toEqual({ kind: "systemEvent", text: "a\n\nb" })
    expect(appendPayloadText({ kind: "agentTurn", message: "a" }, "b")).toEqual({ kind: "agentTurn", message: "a\n\nb" })
    expect(appendPayloadText({ kind: "command", argv: ["true"] }, "b")).toEqual({ kind: "command", argv: ["true"] })
  })

  it("a quiet evaluation counts, keeps its state and waits at least the minimum interval", () => {
    const quiet = quietEvaluation(job({ state: { nextRunAtMs: 61_000, runningAtMs: 60_000, triggerState: { old: 1 } } }), { fired: false, stateChanged: true, state: { n: 1 } }, 60_500, 30_000)
    expect(quiet.state).toEqual({ nextRunAtMs: 90_500, triggerState: { n: 1 }, triggerEvalCount: 1, lastTriggerEvalAtMs: 60_500 })
  })

  it("a failed fired run keeps the old state; a successful once run disables the job", () => {
    const fired = { fired: true, stateChanged: true, state: { n: 2 } }
    const failed = applyScriptOutcome(job({ state: { nextRunAtMs: 120_000, triggerState: { n: 1 } } }), { status: "error", triggerEval: fired }, 60_000, 30_000)
    expect(failed.state).toMatchObject({ triggerState: { n: 1 }, triggerEvalCount: 1, lastTriggerFireAtMs: 60_000 })
    expect(failed.enabled).toBe(true)
    const once = applyScriptOutcome(job({ trigger: { script: "x", once: true } }), { status: "ok", triggerEval: fired }, 60_000, 30_000)
    expect(once.enabled).toBe(false)
    expect(once.state.nextRunAtMs).toBeUndefined()
    expect(once.state.triggerState).toEqual({ n: 2 })
    // A script payload's state is kept only after a successful run.
    const { trigger: _trigger, ...script } = job({ payload: { kind: "script", script: "x" } })
    expect(applyScriptOutcome(script, { status: "ok", scriptState: { state: 5 } }, 1, 30_000).state.triggerState).toBe(5)
    expect(applyScriptOutcome(script, { status: "error", scriptState: { state: 5 } }, 1, 30_000).state.triggerState).toBeUndefined()
  })
})
