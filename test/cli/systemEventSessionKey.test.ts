import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import { sessionIndexPath } from "../../src/domain/agent/sessionPaths.js"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { recordingDelivery } from "../support/cronTestLayers.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "system-event-token-0123456789"
const until = async <A>(probe: () => A | undefined, timeoutMs = 8000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error("condition not met in time")
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe("openclaw system event --session-key, against a real gateway", { timeout: 30_000 }, () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  // The task's conversation came from a Telegram group; the owner's main session from a DM.
  const delivery = recordingDelivery({ telegram: ["default"] }, {
    "agent:main:task-7": { channel: "telegram", to: "-100777" },
    "agent:main:main": { channel: "telegram", to: "555" }
  })
  const home = inProcessHome()
  const system = async (...args: ReadonlyArray<string>) => {
    const result = await home.run(["system", "event", ...args, "--url", gw.url, "--token", TOKEN])
    return { ...result, body: JSON.parse(result.stdout) }
  }
  const posts = () => model.requests.filter((r) => r.method === "POST")

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
    const config = {
      gateway: { mode: "local", auth: { mode: "token", token: TOKEN } },
      channels: { telegram: { botToken: "123:abc", allowFrom: ["555"] } },
      ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "1h", target: "last" } } } })
    }
    gw = await startGateway(config, {}, (base) => [
      CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(AgentStackLive({ tools: [], policy })), Layer.provide(delivery.layer), Layer.provide(base))
    ], "clawgate-sysevent-")
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("the event reaches that session at once (next-heartbeat collapses), and its reply goes where that session came from", async () => {
    model.script.push({ text: "Task 7 finished: the build passed." })
    const before = posts().length
    const queued = await system("--text", "build 42 finished", "--session-key", "task-7")
    expect(queued.code, queued.stderr).toBe(0)
    expect(queued.body).toEqual({ ok: true })
    const sent = await until(() => delivery.sent[0])
    expect(sent).toEqual({ target: { channel: "telegram", to: "-100777" }, text: "Task 7 finished: the build passed." })
    const turn = JSON.stringify(posts()[before]?.body)
    expect(turn).toContain("System: build 42 finished")
    // The turn ran in the task's own session, not the main one.
    const index = JSON.parse(fs.readFileSync(sessionIndexPath(gw.dir, "main"), "utf8"))
    expect(JSON.stringify(index)).toContain("agent:main:task-7")
  })

  it("without --session-key the event waits for the main session's heartbeat, and the targeted one is not repeated there", async () => {
    const before = posts().length
    expect((await system("--text", "nightly backup done")).body).toEqual({ ok: true })
    await new Promise((r) => setTimeout(r, 600))
    expect(posts().length).toBe(before)
    expect((await system("--text", "disk at 80%", "--mode", "now")).code).toBe(0)
    await until(() => (posts().length > before ? true : undefined))
    const turn = JSON.stringify(posts()[before]?.body)
    expect(turn).toContain("System: nightly backup done")
    expect(turn).toContain("System: disk at 80%")
    expect(turn).not.toContain("build 42 finished")
  })

  it("a blank --session-key is refused before anything is queued", async () => {
    const before = posts().length
    const blank = await system("--text", "x", "--session-key", "  ")
    expect(blank.code).toBe(1)
    expect(blank.body.error.message).toBe("--session-key must not be blank")
    await new Promise((r) => setTimeout(r, 300))
    expect(posts().length).toBe(before)
  })
})
