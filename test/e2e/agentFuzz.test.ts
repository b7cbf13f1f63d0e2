import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { AGENT_TOKEN, type AgentGateway, startAgentGateway } from "../support/agentGateway.js"
import { call, connectRaw, type Frame } from "../support/rawClient.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

const METHODS = ["agent", "chat.send", "chat.history", "chat.abort", "sessions.list"] as const

/** Values of every awkward kind a hostile client might put in a field. */
const junk = (random: () => number): unknown => {
  const pick = [
    () => "",
    () => "../".repeat(1 + Math.floor(random() * 6)) + "etc/passwd",
    () => "x".repeat(Math.floor(random() * 100_000)),
    () => -1,
    () => 1e308,
    () => null,
    () => true,
    () => [],
    () => ({ __proto__: { admin: true } }),
    () => ({ source: "env", provider: "default", id: "HOME" }),
    () => "\u0000\ud800",
    () => "agent:../../x:main",
    () => "/reset",
    () => "NO_REPLY"
  ]
  return (pick[Math.floor(random() * pick.length)] ?? pick[0]!)()
}

const FIELDS = ["message", "idempotencyKey", "sessionKey", "sessionId", "agentId", "model", "provider", "thinking", "timeout", "timeoutMs", "attachments", "modelRun", "promptMode", "limit", "maxChars", "runId", "label"]

const hostileParams = (random: () => number): Record<string, unknown> => {
  const params: Record<string, unknown> = {}
  const count = Math.floor(random() * 5)
  for (let i = 0; i < count; i++) params[FIELDS[Math.floor(random() * FIELDS.length)] ?? "message"] = junk(random)
  return params
}

describe("agent and chat methods under hostile params", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway(scriptedModelConfig(model))
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("answers 3,000 malformed agent/chat calls with request errors, writes nothing outside its folders, and keeps serving", async () => {
    const random = rng(20261130)
    const unexpected: Array<string> = []
    let sent = 0
    await Promise.all(Array.from({ length: 10 }, async () => {
      const { client, response } = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })
      if (response.ok !== true) return unexpected.push(`connect ${JSON.stringify(response.error)}`)
      const answers: Array<Frame> = []
      client.ws.on("message", (data) => {
        const frame = JSON.parse(String(data)) as Frame
        if (frame.type === "res") answers.push(frame)
      })
      for (let i = 0; i < 300; i++) {
        const method = METHODS[Math.floor(random() * METHODS.length)] ?? "agent"
        client.send({ type: "req", id: `f${i}`, method, params: hostileParams(random) })
        sent += 1
      }
      const done = await call(client, "sessions.list", {})
      if (done.ok !== true) unexpected.push(`sessions.list after flood: ${JSON.stringify(done.error)}`)
      for (const answer of answers) {
        // Well-formed calls may be accepted (a run then fails or answers); nothing may be an internal error.
        if (answer.ok === false && !["INVALID_REQUEST", "FORBIDDEN", "UNAVAILABLE"].includes(answer.error?.code ?? "")) {
          unexpected.push(`${answer.error?.code} ${answer.error?.message}`)
        }
      }
      client.close()
    }))
    expect(sent).toBe(3000)
    expect(unexpected).toEqual([])
    // Every file the gateway wrote is inside its own state dir.
    const outside = fs.readdirSync(path.dirname(gw.dir)).filter((name) => /passwd|escape|\.jsonl$/.test(name))
    expect(outside).toEqual([])
    const after = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })
    expect(after.response.ok).toBe(true)
    const res = await call(after.client, "chat.history", { sessionKey: "agent:main:main" })
    expect(res.ok).toBe(true)
    after.client.close()
  }, 120_000)
})
