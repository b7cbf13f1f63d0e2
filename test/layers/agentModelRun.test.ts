import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { AGENT_TOKEN, type AgentGateway, startAgentGateway } from "../support/agentGateway.js"
import { call, connectRaw, type Frame, type RawClient } from "../support/rawClient.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const PNG_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString("base64")

/** The `agent` params the original CLI's `infer model run --gateway` sends. */
const modelRunParams = (id: string, extra: Record<string, unknown> = {}) => ({
  agentId: "main",
  sessionId: `model-run-${id}`,
  sessionKey: `agent:main:explicit:model-run-${id}`,
  message: "Reply with exactly: pong",
  modelRun: true,
  promptMode: "none",
  cleanupBundleMcpOnRunEnd: true,
  idempotencyKey: id,
  ...extra
})

/** Sends `agent` and answers [first response, final response] (the second only after `accepted`). */
const agentTwoPhase = async (client: RawClient, id: string, params: unknown): Promise<[Frame, Frame | undefined]> => {
  client.send({ type: "req", id, method: "agent", params })
  const first = await client.next((f) => f.type === "res" && f.id === id)
  if (first.ok !== true || first.payload?.status !== "accepted") return [first, undefined]
  return [first, await client.next((f) => f.type === "res" && f.id === id, 8000)]
}

const closedPort = async () => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe("agent with modelRun: a raw model run over a real gateway socket", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  let writer: RawClient
  let admin: RawClient
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway(scriptedModelConfig(model))
    writer = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })).client
    admin = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.admin"] })).client
  })
  afterAll(async () => {
    writer.close()
    admin.close()
    await gw.stop()
    await model.close()
  })

  it("sends the prompt alone: no system message, no tools, no earlier transcript", async () => {
    // A durable session with history first, so a leak of transcript or prompt would show.
    model.script.push({ text: "Durable answer." })
    await agentTwoPhase(writer, "durable-1", { message: "remember this", sessionKey: "agent:main:main", idempotencyKey: "durable-1" })
    model.script.push({ text: "pong" })
    const before = model.requests.length
    const [accepted, final] = await agentTwoPhase(writer, "mr-1", modelRunParams("mr-1", { sessionKey: "agent:main:main" }))
    expect(accepted.payload).toMatchObject({ runId: "mr-1", status: "accepted" })
    expect(final).toMatchObject({
      ok: true,
      payload: {
        runId: "mr-1",
        status: "ok",
        result: { payloads: [{ text: "pong", mediaUrl: null }], meta: { aborted: false, agentMeta: { sessionId: "model-run-mr-1", provider: "fake", model: "m1" } } }
      }
    })
    expect(model.requests.length - before).toBe(1)
    const body = model.requests[before]?.body
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Reply with exactly: pong" }] }])
    expect(body.messages.some((m: any) => m.role === "system")).toBe(false)
    expect(body.tools ?? []).toEqual([])
    expect(body.tool_choice).toBeUndefined()
  })

  it("leaves no durable session behind: nothing in sessions.list, the index or the transcripts", async () => {
    model.script.push({ text: "pong again" })
    const [, final] = await agentTwoPhase(writer, "mr-2", modelRunParams("mr-2"))
    expect(final?.payload.result.meta.agentMeta.sessionKey).toBe("agent:main:explicit:model-run-mr-2")
    const listed = await call(writer, "sessions.list", {})
    expect(listed.ok).toBe(true)
    expect(listed.payload.sessions.map((s: any) => s.key)).toEqual(["agent:main:main"])
    const sessionsDir = path.join(gw.dir, "agents", "main", "sessions")
    const index = JSON.parse(fs.readFileSync(path.join(sessionsDir, "sessions.json"), "utf8"))
    expect(Object.keys(index)).toEqual(["agent:main:main"])
    const transcripts = fs.readdirSync(sessionsDir).filter((f) => f.endsWith(".jsonl"))
    expect(transcripts).toEqual([`${index["agent:main:main"].sessionId}.jsonl`])
    expect(transcripts.some((f) => f.includes("model-run"))).toBe(false)
    // The durable session's transcript holds only its own turn (the model run given its key wrote nothing).
    const history = await call(writer, "chat.history", { sessionKey: "agent:main:main" })
    expect(history.payload.messages.map((m: any) => m.content[0]?.text)).toEqual(["remember this", "Durable answer."])
    const explicit = await call(writer, "chat.history", { sessionKey: "agent:main:explicit:model-run-mr-2" })
    expect(explicit.payload).toEqual({ sessionKey: "agent:main:explicit:model-run-mr-2", sessionId: null, messages: [] })
  })

  it("refuses promptMode none without modelRun, with the original's message, before any model call", async () => {
    const before = model.requests.length
    for (const params of [
      { message: "hi", idempotencyKey: "pm-1", promptMode: "none" },
      { message: "hi", idempotencyKey: "pm-2", promptMode: "none", modelRun: false }
    ]) {
      const res = await call(writer, "agent", params)
      expect(res).toMatchObject({
        ok: false,
        error: { code: "INVALID_REQUEST", message: "promptMode=\"none\" requires modelRun=true so the run cannot mutate a durable session." }
      })
    }
    const unknownMode = await call(writer, "agent", { message: "hi", idempotencyKey: "pm-3", promptMode: "bare" })
    expect(unknownMode).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
    expect(model.requests.length).toBe(before)
  })

  it("a read/write client cannot override the provider or model; an admin client can", async () => {
    const before = model.requests.length
    for (const extra of [{ model: "m1" }, { provider: "fake", model: "m1" }, { model: "fake/m1" }]) {
      const res = await call(writer, "agent", modelRunParams(`ov-${Object.keys(extra).join("-")}`, extra))
      expect(res).toMatchObject({
        ok: false,
        error: { code: "INVALID_REQUEST", message: "provider/model overrides are not authorized for this caller." }
      })
    }
    // Not only model runs: an agent turn with a model override needs admin too.
    expect(await call(writer, "agent", { message: "hi", idempotencyKey: "ov-turn", model: "fake/m1" }))
      .toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: "provider/model overrides are not authorized for this caller." } })
    expect(model.requests.length).toBe(before)
    model.script.push({ text: "admin pong" })
    const [, final] = await agentTwoPhase(admin, "ov-admin", modelRunParams("ov-admin", { provider: "fake", model: "m1" }))
    expect(final).toMatchObject({ ok: true, payload: { result: { payloads: [{ text: "admin pong" }], meta: { agentMeta: { provider: "fake", model: "m1" } } } } })
    expect(model.requests.at(-1)?.body.model).toBe("m1")
  })

  it("sends image attachments with the prompt; a non-image attachment is refused", async () => {
    model.script.push({ text: "a tiny png" })
    const attachments = [{ type: "image", fileName: "dot.png", mimeType: "image/png", content: PNG_BASE64 }]
    const [, final] = await agentTwoPhase(writer, "img-1", modelRunParams("img-1", { attachments }))
    expect(final?.payload.result.payloads[0].text).toBe("a tiny png")
    expect(model.requests.at(-1)?.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Reply with exactly: pong" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }] }
    ])
    const bad = await call(writer, "agent", modelRunParams("img-2", { attachments: [{ type: "file", mimeType: "text/plain", content: "aGk=" }] }))
    expect(bad).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringContaining("attachments[0]") } })
  })

  it("an empty answer is an empty result (no continuation retry, no incomplete-turn notice)", async () => {
    model.script.push({ text: "" }, { text: "should not be asked" })
    const before = model.requests.length
    const [, final] = await agentTwoPhase(writer, "empty-1", modelRunParams("empty-1"))
    expect(final).toMatchObject({ ok: true, payload: { status: "ok", result: { payloads: [], meta: { agentMeta: { provider: "fake", model: "m1" } } } } })
    expect(model.requests.length - before).toBe(1)
    model.script.splice(0)
  })

  it("minimal and full prompt modes keep an agent turn's system prompt (minimal without silent replies)", async () => {
    model.script.push({ text: "ok" }, { text: "ok" })
    const before = model.requests.length
    await agentTwoPhase(writer, "pm-min", { message: "hi", sessionKey: "agent:main:pm", idempotencyKey: "pm-min", promptMode: "minimal" })
    await agentTwoPhase(writer, "pm-full", { message: "hi", sessionKey: "agent:main:pm", idempotencyKey: "pm-full", promptMode: "full" })
    const [minimal, full] = [model.requests[before]?.body.messages[0], model.requests[before + 1]?.body.messages[0]]
    expect(minimal.role).toBe("system")
    expect(minimal.content).not.toContain("NO_REPLY")
    expect(full.role).toBe("system")
    expect(full.content).toContain("NO_REPLY")
  })
})

describe("a model run's model choice: an explicit model never falls back", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  let admin: RawClient
  beforeAll(async () => {
    model = await startScriptedModelServer()
    const dead = `http://127.0.0.1:${await closedPort()}/v1`
    gw = await startAgentGateway(scriptedModelConfig(model, {
      models: {
        providers: {
          fake: { baseUrl: model.v1, api: "openai-completions", apiKey: "test-key", models: [{ id: "m1", name: "Scripted" }] },
          dead: { baseUrl: dead, api: "openai-completions", apiKey: "test-key", models: [{ id: "d1", name: "Down" }] }
        }
      },
      agents: { defaults: { model: { primary: "dead/d1", fallbacks: ["fake/m1"] } } }
    }))
    admin = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.admin"] })).client
  })
  afterAll(async () => {
    admin.close()
    await gw.stop()
    await model.close()
  })

  it("the configured chain falls back; the final answer names the fallback", async () => {
    model.script.push({ text: "from the fallback" })
    const [, final] = await agentTwoPhase(admin, "fb-1", modelRunParams("fb-1"))
    expect(final).toMatchObject({ ok: true, payload: { result: { payloads: [{ text: "from the fallback" }], meta: { agentMeta: { provider: "fake", model: "m1" } } } } })
    expect(final?.payload.result.meta.fallback).toMatchObject({ selected: "dead/d1", active: "fake/m1" })
  })

  it("an explicit provider/model that fails is not retried on the fallback; the failure names it", async () => {
    const before = model.requests.length
    const [, final] = await agentTwoPhase(admin, "fb-2", modelRunParams("fb-2", { provider: "dead", model: "d1" }))
    expect(final).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", details: { runId: "fb-2", code: "AGENT_RUN_FAILED", provider: "dead", model: "d1" } } })
    expect(model.requests.length).toBe(before)
  })
})
