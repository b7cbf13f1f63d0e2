import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { nestedDeeperThan } from "../../src/domain/protocol/nesting.js"
import { AGENT_TOKEN, type AgentGateway, startAgentGateway } from "../support/agentGateway.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const deepArray = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth))

describe("nestedDeeperThan", () => {
  it("counts the value itself as level 1 and stops at the limit, without recursion", () => {
    expect(nestedDeeperThan({ a: [1] }, 2)).toBe(false)
    expect(nestedDeeperThan({ a: [[1]] }, 2)).toBe(true)
    expect(nestedDeeperThan("x", 0)).toBe(false)
    expect(nestedDeeperThan(deepArray(64), 64)).toBe(false)
    expect(nestedDeeperThan(deepArray(65), 64)).toBe(true)
    expect(nestedDeeperThan(deepArray(200_000), 64)).toBe(true)
    expect(nestedDeeperThan({ wide: Array.from({ length: 10_000 }, (_, i) => ({ i })) }, 64)).toBe(false)
  })
})

describe("limits on what a client can make the gateway store (issue 18 item 9)", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  let client: RawClient
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway(scriptedModelConfig(model))
    client = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })).client
  })
  afterAll(async () => {
    client.close()
    await gw.stop()
    await model.close()
  })

  const sessionsIndex = () => path.join(gw.dir, "agents", "main", "sessions", "sessions.json")
  const indexSize = () => (fs.existsSync(sessionsIndex()) ? fs.statSync(sessionsIndex()).size : 0)

  it("a 2 MB session key is refused with INVALID_REQUEST naming the limit, and nothing is stored", async () => {
    const before = indexSize()
    const key = "k".repeat(2 * 1024 * 1024)
    for (const [method, params] of [
      ["chat.send", { sessionKey: key, message: "hi", idempotencyKey: "long-key-1" }],
      ["agent", { sessionKey: key, message: "hi", idempotencyKey: "long-key-2" }],
      ["chat.history", { sessionKey: key }]
    ] as const) {
      const reply = await call(client, method, params)
      expect(reply.ok).toBe(false)
      expect(reply.error).toMatchObject({ code: "INVALID_REQUEST" })
      expect(reply.error?.message).toMatch(/^sessionKey is too long \(\d+ bytes; the limit is 512\)$/)
    }
    expect(indexSize()).toBe(before)
  })

  it("a 2 MB idempotency key is refused too; a key at the limit is accepted", async () => {
    const tooLong = await call(client, "chat.send", { sessionKey: "limits", message: "hi", idempotencyKey: "i".repeat(2 * 1024 * 1024) })
    expect(tooLong.error?.message).toMatch(/^idempotencyKey is too long \(2097152 bytes; the limit is 512\)$/)
    const fits = await call(client, "chat.send", { sessionKey: "s".repeat(400), message: "hi", idempotencyKey: "i".repeat(512) })
    expect(fits).toMatchObject({ ok: true, payload: { status: "started" } })
  })

  it("params nested 50,000 deep are refused before decoding, cheaply, and the gateway keeps answering", async () => {
    const rssBefore = process.memoryUsage().rss
    // Written by hand: JSON.stringify itself overflows on such a value.
    client.sendRaw(`{"type":"req","id":"deep-1","method":"agent","params":{"message":"hi","idempotencyKey":"deep-1","attachments":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`)
    const reply = await client.next((f) => f.type === "res" && f.id === "deep-1")
    expect(reply.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid agent params: nested deeper than 64 levels" })
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024)
    const atLimit = await call(client, "health", { probe: true })
    expect(atLimit.ok).toBe(true)
    const health = await call(client, "chat.send", { sessionKey: "deep", message: "hi", idempotencyKey: "deep-2", attachments: [deepArray(60)] })
    expect(health.ok).toBe(true)
  })

  it("a connect nested too deep is refused with the same rule", async () => {
    const { response } = await connectRaw(gw.url, { token: AGENT_TOKEN, extra: { permissions: deepArray(100) } })
    expect(response.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid connect params: nested deeper than 64 levels" })
  })
})
