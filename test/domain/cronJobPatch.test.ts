import { describe, expect, it } from "@effect/vitest"
import type { CronJob } from "../../src/domain/cron/job.js"
import { applyJobPatch } from "../../src/domain/cron/jobPatch.js"
import { editPatchFromFlags } from "../../src/domain/cron/editPatch.js"

const job: CronJob = {
  id: "j1",
  name: "brief",
  enabled: true,
  createdAtMs: 0,
  updatedAtMs: 0,
  schedule: { kind: "every", everyMs: 3_600_000 },
  sessionTarget: "isolated",
  wakeMode: "now",
  agentId: "ops",
  payload: { kind: "agentTurn", message: "Summarize", model: "a/b", fallbacks: ["c/d"], toolsAllow: ["read"] },
  delivery: { mode: "announce", channel: "telegram", to: "1", threadId: "42", bestEffort: true },
  state: {}
}

describe("cron.update patches (the original's field-by-field merge)", () => {
  it("null removes a field, absent keeps it, a value replaces it", () => {
    const patched = applyJobPatch(job, { payload: { kind: "agentTurn", model: null, toolsAllow: ["*"] }, delivery: { threadId: 7, to: null }, agentId: null })
    expect(patched).toStrictEqual({
      id: "j1", name: "brief", enabled: true, createdAtMs: 0, updatedAtMs: 0,
      schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now",
      payload: { kind: "agentTurn", message: "Summarize", fallbacks: ["c/d"], toolsAllow: ["*"] },
      // A numeric thread id (the original's wire allows one) is stored as text.
      delivery: { mode: "announce", channel: "telegram", threadId: "7", bestEffort: true },
      state: {}
    })
  })

  it("a new payload kind must be complete; the heartbeat's payload is not editable", () => {
    expect(applyJobPatch(job, { payload: { kind: "command", timeoutSeconds: 5 } })).toEqual({
      error: "payload.kind \"command\" replaces a agentTurn payload: it needs payload.argv (e.g. --command)"
    })
    expect(applyJobPatch(job, { payload: { kind: "command", argv: ["true"] } })).toMatchObject({ payload: { kind: "command", argv: ["true"] } })
    expect(applyJobPatch({ ...job, payload: { kind: "heartbeat" } }, { payload: { kind: "systemEvent", text: "x" } })).toHaveProperty("error")
  })

  it("edit flags: --timeout-seconds alone patches the stored kind; mixed kinds are refused", () => {
    expect(editPatchFromFlags({ timeoutSeconds: 30 }, 0, "command")).toEqual({ payload: { kind: "command", timeoutSeconds: 30 } })
    expect(editPatchFromFlags({ timeoutSeconds: 30 }, 0, "systemEvent")).toEqual({ error: "--timeout-seconds is not supported for systemEvent jobs" })
    expect(editPatchFromFlags({ model: "a/b", command: "true" }, 0)).toHaveProperty("error")
    expect(editPatchFromFlags({ bestEffort: true }, 0)).toEqual({ delivery: { mode: "announce", bestEffort: true } })
    expect(editPatchFromFlags({ noBestEffort: true }, 0)).toEqual({ delivery: { bestEffort: false } })
    expect(editPatchFromFlags({ webhook: "https://x.invalid/h", clearTo: true }, 0)).toEqual({ error: "--webhook cannot be combined with chat delivery options." })
  })
})
