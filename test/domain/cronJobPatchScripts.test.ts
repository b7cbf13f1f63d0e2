import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import type { CronJob } from "../../src/domain/cron/job.js"
import { applyJobPatch } from "../../src/domain/cron/jobPatch.js"
import { CronJobPatchParams } from "../../src/domain/protocol/cronMethods.js"

const job: CronJob = {
  id: "s1",
  name: "watch",
  enabled: true,
  createdAtMs: 0,
  updatedAtMs: 0,
  schedule: { kind: "every", everyMs: 60_000 },
  sessionTarget: "isolated",
  wakeMode: "now",
  payload: { kind: "script", script: "return {}", timeoutSeconds: 60, toolBudget: 7 },
  trigger: { script: "return { fire: true }", once: true },
  state: {}
}

// The field-by-field patch (cron-cli) and the script/trigger/failure-alert fields (cron-scripts, failure-alert) in one schema.
describe("cron.update patches of script jobs", () => {
  it("the patch schema carries failureAlert, trigger (null clears), script limits and field patches together", () => {
    const decoded = Schema.decodeUnknownSync(CronJobPatchParams)({
      failureAlert: { after: 2 },
      trigger: null,
      payload: { kind: "script", toolBudget: null },
      displayName: null
    })
    expect(decoded).toStrictEqual({ failureAlert: { after: 2 }, trigger: null, payload: { kind: "script", toolBudget: null }, displayName: null })
    expect(() => Schema.decodeUnknownSync(CronJobPatchParams)({ payload: { kind: "script", timeoutSeconds: 901 } })).toThrow()
  })

  it("a new script keeps the stored limits; null drops a limit; trigger null removes the trigger", () => {
    const patched = applyJobPatch(job, { payload: { kind: "script", script: "return { notify: 'x' }", toolBudget: null }, trigger: null })
    expect(patched).toMatchObject({ payload: { kind: "script", script: "return { notify: 'x' }", timeoutSeconds: 60 } })
    expect("error" in patched ? undefined : patched.payload).not.toHaveProperty("toolBudget")
    expect(patched).not.toHaveProperty("trigger")
  })

  it("turning an agent job into a script job needs the script", () => {
    const agent: CronJob = { ...job, payload: { kind: "agentTurn", message: "hi" } }
    expect(applyJobPatch(agent, { payload: { kind: "script", timeoutSeconds: 30 } })).toStrictEqual({
      error: "payload.kind \"script\" replaces a agentTurn payload: it needs payload.script (e.g. --script)"
    })
  })
})
