import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { makeNodeFeature } from "../../src/layers/nodes/NodeFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import type { Paths } from "../../src/services/Paths.js"
import type { StateFiles } from "../../src/services/StateFiles.js"
import { recordingDelivery } from "../support/cronTestLayers.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { until } from "../support/until.js"

const TOKEN = "cron-scripts-token-0123456789"

interface ScriptGateway {
  readonly gw: RunningGateway
  readonly admin: RawClient
  readonly close: () => Promise<void>
}

/**
 * A real gateway whose agent has the real `exec` tool (gateway host, its approvals policy), with short
 * trigger limits: no minimum interval, 3 s per evaluation.
 */
const startScriptGateway = async (model: ScriptedModelServer, extra: Record<string, unknown> = {}): Promise<ScriptGateway> => {
  const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
  const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }), ...extra }
  const gw = await startGateway(config, {}, (base) => [
    Layer.unwrapEffect(Effect.map(Effect.context<StateFiles | Paths>(), (context) => {
      const nodes = makeNodeFeature(context)
      const stack = AgentStackLive({ tools: nodes.tools, policy })
      return Layer.merge(
        nodes.feature,
        CronFeatureLive({ retryBusyForMs: 0, triggerMinIntervalMs: 0, triggerWallClockMs: 3000 }).pipe(Layer.provide(stack), Layer.provide(recordingDelivery({}).layer))
      )
    })).pipe(Layer.provide(base))
  ], "clawgate-cronscripts-")
  const admin = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.admin"] })).client
  return { gw, admin, close: async () => {
    admin.close()
    await gw.stop()
  } }
}

const ok = async (client: RawClient, method: string, params?: unknown) => {
  const res = await call(client, method, params)
  if (res.ok !== true) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`)
  return res.payload
}

const jobOf = async (c: ScriptGateway, id: string) => (await ok(c.admin, "cron.list", { includeDisabled: true })).jobs.find((j: { id: string }) => j.id === id)

/** A script payload job (isolated, no delivery) that only runs by hand. */
const addScriptJob = async (c: ScriptGateway, name: string, script: string, limits: Record<string, number> = {}) =>
  (await ok(c.admin, "cron.add", { name, schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "script", script, ...limits }, delivery: { mode: "none" } })).id as string

/** Forces a run and waits for its history line. */
const runOnce = async (c: ScriptGateway, id: string, timeoutMs = 15_000) => {
  const before = (await ok(c.admin, "cron.runs", { id, limit: 200 })).total
  expect(await ok(c.admin, "cron.run", { id })).toMatchObject({ ok: true, enqueued: true })
  return until(`a run of ${id}`, async () => {
    const page = await ok(c.admin, "cron.runs", { id, limit: 200 })
    return page.total > before ? page.entries[0] : undefined
  }, timeoutMs)
}

/** Script host processes still alive (their program names the script file `cron-script.js`). */
const scriptProcesses = () => {
  try {
    return execFileSync("pgrep", ["-f", "cron-script\\.js"], { encoding: "utf8" }).trim().split("\n").filter((l) => l !== "").length
  } catch {
    return 0
  }
}

describe("script payloads and condition triggers over a real gateway", () => {
  let model: ScriptedModelServer
  let c: ScriptGateway
  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
    c = await startScriptGateway(model)
  }, 30_000)
  afterAll(async () => {
    await c?.close()
    await model?.close()
  })

  it("a script payload calls the agent's exec (a real echo), returns notify and state; the next run sees that state, frozen", async () => {
    const id = await addScriptJob(c, "echo-script", [
      "const res = await exec({ command: 'echo hi-from-script' })",
      "const n = (trigger.state?.n ?? 0) + 1",
      "json({ notify: `${res.aggregated.trim()} #${n} frozen=${Object.isFrozen(trigger) && (trigger.state === undefined || Object.isFrozen(trigger.state))}`, state: { n } })"
    ].join("\n"))
    const first = await runOnce(c, id)
    expect(first).toMatchObject({ status: "ok", summary: "hi-from-script #1 frozen=true" })
    expect((await jobOf(c, id)).state.triggerState).toEqual({ n: 1 })
    const second = await runOnce(c, id)
    expect(second).toMatchObject({ status: "ok", summary: "hi-from-script #2 frozen=true" })
    expect((await jobOf(c, id)).state.triggerState).toEqual({ n: 2 })
  }, 40_000)

  it("a throwing script is a run error and its state is not kept", async () => {
    const id = await addScriptJob(c, "throwing-script", "json({ state: { kept: true } })\nthrow new Error('boom-42')")
    const entry = await runOnce(c, id)
    expect(entry.status).toBe("error")
    expect(entry.error).toBe("cron script payload failed (script_error): Error: boom-42")
    const job = await jobOf(c, id)
    expect(job.state.triggerState).toBeUndefined()
    expect(job.state.consecutiveErrors).toBe(1)
  }, 30_000)

  it("an infinite loop is killed at its timeout: a run error, and no script process is left", async () => {
    const id = await addScriptJob(c, "looping-script", "while (true) {}", { timeoutSeconds: 1 })
    const started = Date.now()
    const entry = await runOnce(c, id)
    expect(entry.status).toBe("error")
    expect(entry.error).toBe("cron script payload failed (timeout): cron script payload timed out after 1s")
    expect(Date.now() - started).toBeLessThan(8000)
    await until("the looping process to be gone", () => (scriptProcesses() === 0 ? true : undefined), 5000)
  }, 30_000)

  it("the tool budget is a hard limit: one call too many fails the run even when the script catches it", async () => {
    const id = await addScriptJob(c, "greedy-script", [
      "let done = 0",
      "for (let i = 0; i < 3; i++) { try { await exec({ command: 'echo call' }); done++ } catch {} }",
      "json({ notify: `done ${done}` })"
    ].join("\n"), { toolBudget: 2 })
    const entry = await runOnce(c, id)
    expect(entry.status).toBe("error")
    expect(entry.error).toBe("cron script payload failed (tool_budget): cron script payload tool budget exceeded (2 calls)")
  }, 30_000)

  it("state over 16 KB and a result without an object are run errors", async () => {
    const big = await addScriptJob(c, "big-state", "return { state: { blob: 'x'.repeat(17000) } }")
    expect((await runOnce(c, big)).error).toBe("cron script payload failed (output_limit_exceeded): cron script payload state exceeds the 16KB limit")
    const nothing = await addScriptJob(c, "no-result", "await exec({ command: 'true' })")
    expect((await runOnce(c, nothing)).error).toBe("cron script payload failed (invalid_result): cron script payload must return an object")
  }, 30_000)

  it("a condition trigger: fire:false keeps state without history; the fired run carries its message; once disables the job", async () => {
    const trigger = {
      once: true,
      script: "const n = (trigger.state?.n ?? 0) + 1\njson({ fire: n === 3, message: `fired at ${n}`, state: { n } })"
    }
    const added = await ok(c.admin, "cron.add", {
      name: "watcher",
      schedule: { kind: "every", everyMs: 500 },
      sessionTarget: "main",
      wakeMode: "next-heartbeat",
      payload: { kind: "systemEvent", text: "watch" },
      trigger
    })
    const job = await until("the once trigger to fire and disable its job", async () => {
      const current = await jobOf(c, added.id)
      return current.enabled === false ? current : undefined
    }, 20_000)
    expect(job.state).toMatchObject({ triggerEvalCount: 3, triggerState: { n: 3 } })
    expect(job.state.lastTriggerFireAtMs).toBe(job.state.lastTriggerEvalAtMs)
    // The job is updated in memory just before its run line is written.
    const runs = await until("the fired run's history line", async () => {
      const page = await ok(c.admin, "cron.runs", { id: added.id, limit: 50 })
      return page.total > 0 ? page : undefined
    })
    // Two quiet evaluations left no history; the one fired run did, with the trigger's message appended.
    expect(runs.total).toBe(1)
    expect(runs.entries[0]).toMatchObject({ status: "ok", summary: "watch\n\nfired at 3" })
  }, 30_000)

  it("a fired payload that fails does not keep the trigger's returned state", async () => {
    const added = await ok(c.admin, "cron.add", {
      name: "failing-fire",
      schedule: { kind: "every", everyMs: 500 },
      payload: { kind: "command", argv: ["sh", "-c", "exit 3"] },
      delivery: { mode: "none" },
      trigger: { script: "json({ fire: true, state: { seen: (trigger.state?.seen ?? 0) + 1 } })" }
    })
    const job = await until("the fired run to fail", async () => {
      const current = await jobOf(c, added.id)
      return current.state.lastRunStatus === "error" ? current : undefined
    }, 15_000)
    expect(job.state.triggerEvalCount).toBe(1)
    expect(job.state.triggerState).toBeUndefined()
    await ok(c.admin, "cron.update", { id: added.id, patch: { enabled: false } })
  }, 30_000)

  it("trigger evaluations have their own small limits: a loop times out, a sixth tool call is over budget", async () => {
    const looping = await ok(c.admin, "cron.add", {
      name: "looping-trigger",
      schedule: { kind: "every", everyMs: 500 },
      payload: { kind: "command", argv: ["true"] },
      delivery: { mode: "none" },
      trigger: { script: "while (true) {}" }
    })
    const greedy = await ok(c.admin, "cron.add", {
      name: "greedy-trigger",
      schedule: { kind: "every", everyMs: 500 },
      payload: { kind: "command", argv: ["true"] },
      delivery: { mode: "none" },
      // Six calls at once: the sixth is refused however slow the machine is.
      trigger: { script: "await Promise.all(Array.from({ length: 6 }, () => exec({ command: 'true' })))\njson({ fire: true })" }
    })
    const firstRun = (id: string) => until(`a run of ${id}`, async () => (await ok(c.admin, "cron.runs", { id, limit: 5 })).entries[0], 15_000)
    expect((await firstRun(looping.id)).error).toBe("cron trigger evaluation failed (timeout): cron trigger evaluation timed out after 3s")
    expect((await firstRun(greedy.id)).error).toBe("cron trigger evaluation failed (tool_budget): cron trigger evaluation tool budget exceeded (5 calls)")
    for (const id of [looping.id, greedy.id]) await ok(c.admin, "cron.update", { id, patch: { enabled: false } })
  }, 30_000)

  it("scripts are checked when saved: syntax errors, a script payload with a trigger, a trigger on a one-shot", async () => {
    const bad = await call(c.admin, "cron.add", { name: "bad", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "script", script: "const = 1" } })
    expect(bad.ok).toBe(false)
    expect(bad.error?.message).toMatch(/^cron script payload has a syntax error: .*\(line 1\)$/)
    const both = await call(c.admin, "cron.add", { name: "both", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "script", script: "return {}" }, trigger: { script: "json({ fire: true })" } })
    expect(both.error?.message).toBe("cron script payloads cannot be combined with a condition trigger")
    const oneShot = await call(c.admin, "cron.add", { name: "at", schedule: { kind: "at", at: "2099-01-01T00:00:00Z" }, payload: { kind: "systemEvent", text: "x" }, trigger: { script: "json({ fire: true })" } })
    expect(oneShot.error?.message).toBe("cron triggers require an every, cron, or stream schedule")
  })
})

describe("the exec approvals policy and cron.triggers.enabled", () => {
  let model: ScriptedModelServer
  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
  })
  afterAll(async () => {
    await model?.close()
  })

  it("a script's exec goes through the gateway's exec policy: security=deny rejects the call inside the script", async () => {
    const c = await startScriptGateway(model, { tools: { exec: { security: "deny" } } })
    try {
      const id = await addScriptJob(c, "denied-exec", "try { await exec({ command: 'echo nope' }); return { notify: 'ran' } } catch (e) { return { notify: `denied: ${e.message}` } }")
      expect(await runOnce(c, id)).toMatchObject({ status: "ok", summary: "denied: exec denied: host=gateway security=deny" })
    } finally {
      await c.close()
    }
  }, 30_000)

  it("cron.triggers.enabled: false refuses new triggers and script payloads, and cron.status says so", async () => {
    const c = await startScriptGateway(model, { cron: { triggers: { enabled: false } } })
    try {
      expect(await ok(c.admin, "cron.status", {})).toMatchObject({ triggersEnabled: false })
      const trigger = await call(c.admin, "cron.add", { name: "t", schedule: { kind: "every", everyMs: 60_000 }, payload: { kind: "systemEvent", text: "x" }, trigger: { script: "json({ fire: true })" } })
      expect(trigger.error?.message).toBe("cron triggers are disabled because the operator set cron.triggers.enabled: false; remove it or set it to true")
      const script = await call(c.admin, "cron.add", { name: "s", schedule: { kind: "every", everyMs: 60_000 }, payload: { kind: "script", script: "return {}" } })
      expect(script.error?.message).toBe("cron script payloads are disabled because the operator set cron.triggers.enabled: false; remove it or set it to true to allow unattended scripts")
    } finally {
      await c.close()
    }
  }, 30_000)
})
