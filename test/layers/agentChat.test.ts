import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { defineTool, ToolFailed } from "../../src/domain/agent/tools.js"
import { AgentEventPayload, ChatEventPayload } from "../../src/domain/protocol/agentMethods.js"
import { AGENT_TOKEN, type AgentGateway, startAgentGateway } from "../support/agentGateway.js"
import { call, connectRaw, type Frame, type RawClient } from "../support/rawClient.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const MAIN = "agent:main:main"

/** A mutating test tool: appends to a list the test can read. */
const appended: Array<string> = []
const appendTool = defineTool({
  name: "append_note",
  description: "Append a note to the list.",
  parameters: Schema.Struct({ note: Schema.String }),
  mutating: true,
  execute: ({ note }) => Effect.sync(() => {
    appended.push(note)
    return `appended ${note} (${appended.length} notes)`
  })
})
const failingTool = defineTool({
  name: "always_fails",
  description: "Fails.",
  parameters: Schema.Struct({}),
  mutating: false,
  execute: () => Effect.fail(new ToolFailed({ message: "disk on fire" }))
})

const isAgentEvent = Schema.is(AgentEventPayload)
const isChatEvent = Schema.is(ChatEventPayload)

/** Collects every `agent`/`chat` event of `runId` until its terminal chat event. */
const collectRun = async (client: RawClient, runId: string, timeoutMs = 8000) => {
  const events: Array<Frame> = []
  while (true) {
    const frame = await client.next((f) => f.type === "event" && (f.event === "agent" || f.event === "chat") && f.payload?.runId === runId, timeoutMs)
    events.push(frame)
    if (frame.event === "chat" && ["final", "aborted", "error"].includes(frame.payload.state)) return events
  }
}

const chatFinal = (events: ReadonlyArray<Frame>) => events.find((e) => e.event === "chat" && e.payload.state !== "delta")

describe("agent and chat methods over a real gateway socket", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  let client: RawClient
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway(scriptedModelConfig(model), { tools: [appendTool, failingTool] })
    client = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })).client
  })
  afterAll(async () => {
    client.close()
    await gw.stop()
    await model.close()
  })

  it("chat.send starts a run, streams agent and chat events in order, and persists the transcript", async () => {
    model.script.push({ text: "Hello there, friend", chunks: 3 })
    const res = await call(client, "chat.send", { sessionKey: "main", message: "hi", idempotencyKey: "run-hello" })
    expect(res).toMatchObject({ ok: true, payload: { runId: "run-hello", status: "started" } })
    const events = await collectRun(client, "run-hello")
    for (const e of events) expect(e.event === "agent" ? isAgentEvent(e.payload) : isChatEvent(e.payload)).toBe(true)
    // Socket seq is strictly increasing by one (no gaps between these frames and others is not required).
    const seqs = events.map((e) => e.seq ?? 0)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    const agent = events.filter((e) => e.event === "agent").map((e) => e.payload)
    expect(agent.map((p) => p.seq)).toEqual(agent.map((_, i) => i + 1))
    expect(agent[0]).toMatchObject({ runId: "run-hello", stream: "lifecycle", data: { phase: "start" } })
    expect(agent.at(-1)).toMatchObject({ stream: "lifecycle", data: { phase: "end" } })
    const assistant = agent.filter((p) => p.stream === "assistant")
    expect(assistant.map((p) => p.data.delta).join("")).toBe("Hello there, friend")
    expect(assistant.at(-1)?.data.text).toBe("Hello there, friend")
    const deltas = events.filter((e) => e.event === "chat" && e.payload.state === "delta").map((e) => e.payload)
    expect(deltas.map((d) => d.deltaText).join("")).toBe("Hello there, friend")
    expect(deltas.at(-1)).toMatchObject({ sessionKey: MAIN, message: { role: "assistant", content: [{ type: "text", text: "Hello there, friend" }] } })
    expect(chatFinal(events)?.payload).toMatchObject({
      runId: "run-hello",
      sessionKey: MAIN,
      state: "final",
      message: { role: "assistant", content: [{ type: "text", text: "Hello there, friend" }] },
      stopReason: "stop"
    })
    // The user turn and the answer are lines of a JSON-lines transcript under the state dir.
    const sessionsDir = path.join(gw.dir, "agents", "main", "sessions")
    const index = JSON.parse(fs.readFileSync(path.join(sessionsDir, "sessions.json"), "utf8"))
    const sessionId = index[MAIN].sessionId
    const lines = fs.readFileSync(path.join(sessionsDir, `${sessionId}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ type: "session", id: sessionId })
    expect(lines.slice(1).map((l) => [l.type, l.message.role])).toEqual([["message", "user"], ["message", "assistant"]])
    expect(lines[2].parentId).toBe(lines[1].id)
  })

  it("chat.history returns the conversation after a run; the next run sends it to the model", async () => {
    const history = await call(client, "chat.history", { sessionKey: MAIN })
    expect(history.ok).toBe(true)
    expect(history.payload.sessionKey).toBe(MAIN)
    expect(history.payload.messages.map((m: any) => [m.role, m.content[0]?.text])).toEqual([["user", "hi"], ["assistant", "Hello there, friend"]])
    model.script.push({ text: "Second answer" })
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: MAIN, message: "again", idempotencyKey: "run-second" })
    await collectRun(client, "run-second")
    const sent = model.requests[before]?.body.messages.map((m: any) => m.role)
    expect(sent).toEqual(["system", "user", "assistant", "user"])
    const after = await call(client, "chat.history", { sessionKey: MAIN, limit: 2 })
    expect(after.payload.messages.map((m: any) => m.content[0]?.text)).toEqual(["again", "Second answer"])
  })

  it("a repeated idempotency key does not start a second run", async () => {
    const before = model.requests.length
    const repeat = await call(client, "chat.send", { sessionKey: MAIN, message: "again", idempotencyKey: "run-second" })
    expect(repeat.payload).toEqual({ runId: "run-second", status: "ok" })
    expect(model.requests.length).toBe(before)
  })

  it("sessions.list shows the session with its model, tokens and no active run", async () => {
    const res = await call(client, "sessions.list", {})
    expect(res.ok).toBe(true)
    expect(res.payload).toMatchObject({ count: 1, defaults: { modelProvider: "fake", model: "m1" } })
    expect(res.payload.path).toBe(path.join(gw.dir, "agents", "main", "sessions", "sessions.json"))
    expect(res.payload.sessions[0]).toMatchObject({ key: MAIN, kind: "direct", model: "m1", modelProvider: "fake", hasActiveRun: false, activeRunIds: [] })
    expect(res.payload.sessions[0].totalTokens).toBeGreaterThan(0)
  })

  it("runs the tool loop: tool call, tool result back to the model, then the answer", async () => {
    model.script.push({ toolCalls: [{ name: "append_note", arguments: { note: "milk" } }] }, { text: "Added milk." })
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: "agent:main:tools", message: "add milk", idempotencyKey: "run-tool" })
    const events = await collectRun(client, "run-tool")
    expect(appended).toEqual(["milk"])
    const tools = events.filter((e) => e.event === "agent" && e.payload.stream === "tool").map((e) => e.payload.data)
    expect(tools).toEqual([
      { phase: "start", name: "append_note", toolCallId: "call_1", args: { note: "milk" } },
      { phase: "result", name: "append_note", toolCallId: "call_1", isError: false, result: "appended milk (1 notes)" }
    ])
    expect(chatFinal(events)?.payload.message.content[0].text).toBe("Added milk.")
    const first = model.requests[before]?.body
    expect(first.tools.map((t: any) => t.function.name)).toEqual(["always_fails", "append_note", "session_status"])
    expect(first.tools.find((t: any) => t.function.name === "append_note").function.parameters).toMatchObject({
      type: "object",
      required: ["note"],
      properties: { note: { type: "string" } }
    })
    const second = model.requests[before + 1]?.body.messages
    expect(second.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_1", content: "appended milk (1 notes)" })
    const history = await call(client, "chat.history", { sessionKey: "agent:main:tools" })
    expect(history.payload.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "toolResult", "assistant"])
  })

  it("bad tool arguments and failing tools come back to the model as error results", async () => {
    model.script.push({ toolCalls: [{ name: "append_note", arguments: { wrong: 1 } }, { name: "always_fails", arguments: {} }] }, { text: "Could not do it." })
    await call(client, "chat.send", { sessionKey: "agent:main:tools2", message: "try", idempotencyKey: "run-tool-errors" })
    const events = await collectRun(client, "run-tool-errors")
    const results = events.filter((e) => e.event === "agent" && e.payload.stream === "tool" && e.payload.data.phase === "result").map((e) => e.payload.data)
    expect(results[0]).toMatchObject({ isError: true, result: expect.stringContaining("Invalid arguments for append_note") })
    expect(results[1]).toMatchObject({ isError: true, result: "disk on fire" })
    expect(appended).toEqual(["milk"])
  })

  it("an empty turn is retried once with the continuation, then answered", async () => {
    model.script.push({ text: "" }, { text: "Visible now." })
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: "agent:main:empty1", message: "q", idempotencyKey: "run-empty-ok" })
    const events = await collectRun(client, "run-empty-ok")
    expect(chatFinal(events)?.payload.message.content[0].text).toBe("Visible now.")
    const retry = model.requests[before + 1]?.body.messages
    expect(retry.at(-1)).toEqual({ role: "user", content: "The previous attempt did not produce a user-visible answer. Continue from the current state and produce the visible answer now. Do not restart from scratch." })
    const lines = await gw.logLines()
    expect(lines.some((l) => l.includes("empty response detected: runId=run-empty-ok sessionId=") && l.includes("provider=fake/m1 — retrying 1/1 with visible-answer continuation"))).toBe(true)
    // The continuation is not persisted.
    const history = await call(client, "chat.history", { sessionKey: "agent:main:empty1" })
    expect(history.payload.messages.map((m: any) => m.content[0]?.text)).toEqual(["q", "Visible now."])
  })

  it("an empty turn retried once and empty again surfaces the incomplete-turn warning and reply", async () => {
    model.script.push({ text: "" }, { text: "" })
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: "agent:main:empty2", message: "q", idempotencyKey: "run-empty-twice" })
    const events = await collectRun(client, "run-empty-twice")
    expect(model.requests.length - before).toBe(2)
    expect(chatFinal(events)?.payload).toMatchObject({ state: "final", message: { content: [{ type: "text", text: "⚠️ Agent couldn't generate a response. Please try again." }] } })
    const lines = await gw.logLines()
    const health = JSON.parse(fs.readFileSync(path.join(gw.dir, "agents", "main", "agent", "auth-health.json"), "utf8"))
    expect(JSON.stringify(health)).toContain("empty_response")
    const warning = lines.find((l) => l.includes("incomplete turn detected: runId=run-empty-twice"))
    expect(warning).toBeDefined()
    const record = JSON.parse(warning ?? "{}")
    expect(record.subsystem ?? record.fields?.subsystem).toBe("agent/embedded")
    expect(JSON.stringify(record)).toMatch(
      /incomplete turn detected: runId=run-empty-twice sessionId=[0-9a-f-]+ provider=fake\/m1 stopReason=stop hasLastAssistant=no hasCurrentAttemptAssistant=no payloads=0 tools=0 replaySafe=yes compactions=0 reasoningRetries=0\/2 emptyRetries=1\/1 missingAssistantRetries=0\/1 — surfacing error to user/
    )
  })

  it("after a mutating tool an empty turn is not replay-safe: no retry, and the side-effects reply", async () => {
    model.script.push({ toolCalls: [{ name: "append_note", arguments: { note: "eggs" } }] }, { text: "" })
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: "agent:main:incomplete", message: "add eggs", idempotencyKey: "run-incomplete" })
    const events = await collectRun(client, "run-incomplete")
    expect(model.requests.length - before).toBe(2)
    expect(chatFinal(events)?.payload.message.content[0].text).toBe(
      "⚠️ Agent couldn't generate a response. Note: some tool actions may have already been executed — please verify before retrying."
    )
    const lines = await gw.logLines()
    expect(lines.some((l) => l.includes("incomplete turn detected: runId=run-incomplete") && l.includes("tools=1 replaySafe=no") && l.includes("emptyRetries=0/1"))).toBe(true)
  })

  it("chat.abort stops a hanging run: aborted chat event, partial text kept, session free again", async () => {
    model.script.push({ text: "Partial ans", hang: true })
    await call(client, "chat.send", { sessionKey: "agent:main:hang", message: "slow", idempotencyKey: "run-hang" })
    await client.next((f) => f.event === "chat" && f.payload?.runId === "run-hang" && f.payload.state === "delta")
    const listed = await call(client, "sessions.list", {})
    expect(listed.payload.sessions.find((s: any) => s.key === "agent:main:hang")).toMatchObject({ hasActiveRun: true, activeRunIds: ["run-hang"] })
    const abort = await call(client, "chat.abort", { sessionKey: "agent:main:hang" })
    expect(abort.payload).toEqual({ ok: true, aborted: true, runIds: ["run-hang"] })
    const terminal = await client.next((f) => f.event === "chat" && f.payload?.runId === "run-hang" && f.payload.state !== "delta")
    expect(terminal.payload).toMatchObject({ state: "aborted", sessionKey: "agent:main:hang", message: { content: [{ text: "Partial ans" }] } })
    const history = await call(client, "chat.history", { sessionKey: "agent:main:hang" })
    expect(history.payload.messages.at(-1)).toMatchObject({ role: "assistant", aborted: true, stopReason: "aborted", content: [{ text: "Partial ans" }] })
    const again = await call(client, "chat.abort", { sessionKey: "agent:main:hang" })
    expect(again.payload).toEqual({ ok: true, aborted: false, runIds: [] })
    model.script.push({ text: "Fresh." })
    await call(client, "chat.send", { sessionKey: "agent:main:hang", message: "next", idempotencyKey: "run-after-hang" })
    expect(chatFinal(await collectRun(client, "run-after-hang"))?.payload.message.content[0].text).toBe("Fresh.")
  })

  it("two sends to one session run one after the other; the transcript keeps turns in order", async () => {
    model.script.push({ text: "first answer", delayMs: 40, chunks: 3 }, { text: "second answer" })
    await Promise.all([
      call(client, "chat.send", { sessionKey: "agent:main:serial", message: "first", idempotencyKey: "run-serial-1" }),
      call(client, "chat.send", { sessionKey: "agent:main:serial", message: "second", idempotencyKey: "run-serial-2" })
    ])
    const [one, two] = await Promise.all([collectRun(client, "run-serial-1"), collectRun(client, "run-serial-2")])
    expect(chatFinal(one)?.payload.message.content[0].text).toBe("first answer")
    expect(chatFinal(two)?.payload.message.content[0].text).toBe("second answer")
    const history = await call(client, "chat.history", { sessionKey: "agent:main:serial" })
    expect(history.payload.messages.map((m: any) => m.content[0]?.text)).toEqual(["first", "first answer", "second", "second answer"])
  })

  it("agent answers accepted, then a second response with the same id carries the final result", async () => {
    model.script.push({ text: "Agent reply." })
    client.send({ type: "req", id: "agent-1", method: "agent", params: { message: "hello agent", agentId: "ops", idempotencyKey: "run-agent-1" } })
    const accepted = await client.next((f) => f.type === "res" && f.id === "agent-1")
    expect(accepted.payload).toMatchObject({ runId: "run-agent-1", status: "accepted" })
    expect(typeof accepted.payload.acceptedAt).toBe("number")
    const final = await client.next((f) => f.type === "res" && f.id === "agent-1", 8000)
    expect(final.ok).toBe(true)
    expect(final.payload).toMatchObject({
      runId: "run-agent-1",
      status: "ok",
      summary: "completed",
      result: { payloads: [{ text: "Agent reply.", mediaUrl: null }], meta: { aborted: false, agentMeta: { sessionKey: "agent:ops:main", provider: "fake", model: "m1" } } }
    })
    expect(fs.existsSync(path.join(gw.dir, "agents", "ops", "sessions", "sessions.json"))).toBe(true)
  })

  it("agent with /reset needs operator.admin", async () => {
    const res = await call(client, "agent", { message: "/reset", idempotencyKey: "run-reset" })
    expect(res).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "missing scope: operator.admin", details: { code: "MISSING_SCOPE", missingScope: "operator.admin" } } })
  })

  it("an admin's bare /new starts a fresh session without calling the model; /reset <text> runs the text in a fresh one", async () => {
    const admin = (await connectRaw(gw.url, { token: AGENT_TOKEN })).client
    const key = "agent:main:resettable"
    model.script.push({ text: "before" })
    admin.send({ type: "req", id: "pre", method: "agent", params: { message: "remember me", sessionKey: key, idempotencyKey: "run-pre" } })
    await admin.next((f) => f.type === "res" && f.id === "pre" && f.payload?.status === "ok", 8000)
    const indexFile = path.join(gw.dir, "agents", "main", "sessions", "sessions.json")
    const oldId = JSON.parse(fs.readFileSync(indexFile, "utf8"))[key].sessionId
    const calls = model.requests.length

    const bare = await call(admin, "agent", { message: "/new", sessionKey: key, idempotencyKey: "run-new" })
    expect(bare).toMatchObject({ ok: true, payload: { status: "ok", result: { payloads: [{ text: "✅ New session started.", mediaUrl: null, isStatusNotice: true }] } } })
    expect(model.requests.length).toBe(calls)
    const newId = JSON.parse(fs.readFileSync(indexFile, "utf8"))[key].sessionId
    expect(newId).not.toBe(oldId)
    expect(bare.payload.result.meta.agentMeta).toEqual({ sessionId: newId, sessionKey: key })
    // The old transcript stays on disk; the key's history starts empty.
    expect(fs.existsSync(path.join(gw.dir, "agents", "main", "sessions", `${oldId}.jsonl`))).toBe(true)
    expect((await call(admin, "chat.history", { sessionKey: key })).payload.messages).toEqual([])

    model.script.push({ text: "fresh answer" })
    admin.send({ type: "req", id: "rst", method: "agent", params: { message: "/reset what now?", sessionKey: key, idempotencyKey: "run-rst" } })
    const final = await admin.next((f) => f.type === "res" && f.id === "rst" && f.payload?.status === "ok", 8000)
    expect(final.payload.result.payloads[0].text).toBe("fresh answer")
    const sent = model.requests.at(-1)?.body.messages.filter((m: { role: string }) => m.role !== "system")
    expect(sent).toEqual([{ role: "user", content: [{ type: "text", text: "what now?" }] }])
    expect(JSON.parse(fs.readFileSync(indexFile, "utf8"))[key].sessionId).not.toBe(newId)
    admin.close()
  })

  it("agent.wait returns when the run ends, times out without stopping it, and refuses an unknown run", async () => {
    model.script.push({ text: "waited for" })
    expect((await call(client, "chat.send", { sessionKey: "agent:main:wait", message: "go", idempotencyKey: "run-wait-1" })).ok).toBe(true)
    const done = await call(client, "agent.wait", { runId: "run-wait-1" })
    expect(done.payload).toMatchObject({ runId: "run-wait-1", status: "ok", startedAt: expect.any(Number), endedAt: expect.any(Number) })
    expect(done.payload.endedAt).toBeGreaterThanOrEqual(done.payload.startedAt)

    model.script.push({ hang: true, text: "never ends" })
    expect((await call(client, "chat.send", { sessionKey: "agent:main:wait2", message: "go", idempotencyKey: "run-wait-2" })).ok).toBe(true)
    const waited = await call(client, "agent.wait", { runId: "run-wait-2", timeoutMs: 200 })
    expect(waited.payload).toEqual({ runId: "run-wait-2", status: "timeout" })
    // The run was not stopped by the wait: aborting it still finds it active.
    const aborted = await call(client, "chat.abort", { sessionKey: "agent:main:wait2" })
    expect(aborted.payload).toMatchObject({ ok: true, aborted: true, runIds: ["run-wait-2"] })

    expect(await call(client, "agent.wait", { runId: "nope" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: "unknown runId: nope" } })
  })

  it("unknown params are rejected (closed schemas) and chat.send needs an idempotency key", async () => {
    const res = await call(client, "chat.send", { sessionKey: MAIN, message: "x" })
    expect(res).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
    const extra = await call(client, "chat.history", { sessionKey: MAIN, bogus: true })
    expect(extra).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
  })
})

describe("scopes of the agent and chat methods", () => {
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

  it("a session id cannot name a file outside the sessions folder (path traversal is refused, nothing is written)", async () => {
    const { client } = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })
    const escape = `../../../../escaped-${Date.now()}`
    const before = model.requests.length
    for (const [method, params] of [
      ["agent", { message: "hi", idempotencyKey: "trav-1", sessionId: escape }],
      ["agent", { message: "hi", idempotencyKey: "trav-2", sessionId: "a/b" }],
      ["agent", { message: "hi", idempotencyKey: "trav-3", sessionId: "..\\win" }],
      ["chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "trav-4", sessionId: escape }]
    ] as const) {
      const res = await call(client, method, params)
      expect(res, `${method} ${JSON.stringify(params)}`).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
      expect(res.error?.message).toBe(`Invalid session ID: ${params.sessionId}`)
    }
    expect(model.requests.length).toBe(before)
    const parent = path.dirname(path.dirname(gw.dir))
    expect(fs.readdirSync(parent).filter((name) => name.startsWith("escaped-"))).toEqual([])
    expect(fs.readdirSync(path.dirname(gw.dir)).filter((name) => name.startsWith("escaped-"))).toEqual([])
    client.close()
  })

  it("a read-only client can read history and sessions but cannot chat.send, chat.abort or agent", async () => {
    const { client } = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read"] })
    for (const [method, params] of [
      ["chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "ro-1" }],
      ["chat.abort", { sessionKey: MAIN }],
      ["agent", { message: "hi", idempotencyKey: "ro-2" }]
    ] as const) {
      const res = await call(client, method, params)
      expect(res).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "missing scope: operator.write", details: { code: "MISSING_SCOPE", missingScope: "operator.write" } } })
    }
    expect(model.requests.length).toBe(0)
    expect((await call(client, "chat.history", { sessionKey: MAIN })).payload).toEqual({ sessionKey: MAIN, sessionId: null, messages: [] })
    expect((await call(client, "sessions.list", {})).payload).toMatchObject({ count: 0, sessions: [] })
    client.close()
  })

  it("events reach operator.read sockets but not scope-less ones", async () => {
    const writer = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.write"] })).client
    const reader = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read"] })).client
    const none = (await connectRaw(gw.url, { token: AGENT_TOKEN, device: null, clientId: "test", clientMode: "test" })).client
    model.script.push({ text: "Broadcast" })
    await call(writer, "chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "run-broadcast" })
    const seen = await collectRun(reader, "run-broadcast")
    expect(chatFinal(seen)?.payload.state).toBe("final")
    await expect(none.next((f) => f.event === "chat" || f.event === "agent", 300)).rejects.toThrow()
    for (const c of [writer, reader, none]) c.close()
  })
})

describe("run bounds: the tool loop and the run timeout", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  let client: RawClient
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway(scriptedModelConfig(model), { maxToolRounds: 2, runTimeoutMs: 1500 })
    client = (await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })).client
  })
  afterAll(async () => {
    client.close()
    await gw.stop()
    await model.close()
  })

  it("a model that keeps calling tools is stopped after the configured rounds", async () => {
    model.script.push(...Array.from({ length: 5 }, () => ({ toolCalls: [{ name: "session_status", arguments: {} }] })))
    const before = model.requests.length
    await call(client, "chat.send", { sessionKey: MAIN, message: "loop", idempotencyKey: "run-loop" })
    const events = await collectRun(client, "run-loop")
    expect(model.requests.length - before).toBe(2)
    expect(chatFinal(events)?.payload.message.content[0].text).toBe("⚠️ Agent stopped after 2 tool rounds without a final answer. Please try again.")
    model.script.splice(0)
  })

  it("a run that outlives its timeout ends with a chat error of kind timeout and a lifecycle error", async () => {
    model.script.push({ text: "never finishes", hang: true })
    await call(client, "chat.send", { sessionKey: "agent:main:slow", message: "slow", idempotencyKey: "run-timeout" })
    const events = await collectRun(client, "run-timeout", 8000)
    expect(chatFinal(events)?.payload).toMatchObject({ state: "error", errorKind: "timeout", errorMessage: expect.stringContaining("timed out") })
    expect(events.filter((e) => e.event === "agent").at(-1)?.payload).toMatchObject({ stream: "lifecycle", data: { phase: "error" } })
  })

  it("agent reports a failed run as a second, failed response with the same id", async () => {
    model.script.push({ hang: true })
    client.send({ type: "req", id: "agent-fail", method: "agent", params: { message: "slow", idempotencyKey: "run-agent-fail", timeout: 1 } })
    expect((await client.next((f) => f.type === "res" && f.id === "agent-fail")).payload.status).toBe("accepted")
    const final = await client.next((f) => f.type === "res" && f.id === "agent-fail", 8000)
    expect(final).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", details: { runId: "run-agent-fail", code: "AGENT_RUN_FAILED" } } })
    expect(final.error?.message).toContain("timed out")
  })
})

describe("model fallback notices across turns of one session", () => {
  let model: ScriptedModelServer
  let gw: AgentGateway
  beforeAll(async () => {
    model = await startScriptedModelServer()
    gw = await startAgentGateway({
      models: { providers: { fake: { baseUrl: model.v1, api: "openai-completions", apiKey: "test-key", models: [{ id: "m1" }, { id: "m2" }] } } },
      agents: { defaults: { model: { primary: "fake/m1", fallbacks: ["fake/m2"] } } }
    })
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("a turn answered by the fallback says so; the next turn answered by the primary says the fallback cleared, once", async () => {
    const { client } = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.read", "operator.write"] })
    const key = "agent:main:fallbacks"
    const turn = async (id: string, message: string) => {
      client.send({ type: "req", id, method: "agent", params: { message, sessionKey: key, idempotencyKey: `run-${id}` } })
      const events = await collectRun(client, `run-${id}`)
      const final = await client.next((f) => f.type === "res" && f.id === id && f.payload?.status === "ok", 8000)
      return { events: events.filter((e) => e.event === "agent" && e.payload.stream === "fallback").map((e) => e.payload.data), meta: final.payload.result.meta }
    }
    model.script.push({ failStatus: 404, failBody: { error: { message: "The model `m1` does not exist", type: "invalid_request_error", code: "model_not_found" } } }, { text: "from m2" })
    const first = await turn("t1", "one")
    expect(first.events).toEqual([expect.objectContaining({ selected: "fake/m1", active: "fake/m2", notice: expect.stringMatching(/^↪️ Model Fallback: fake\/m2 \(selected fake\/m1; model_not_found\)$/) })])
    expect(first.meta.fallback.notice).toMatch(/^↪️ Model Fallback: fake\/m2/)

    model.script.push({ text: "m1 is back" })
    const second = await turn("t2", "two")
    expect(second.events).toEqual([{ phase: "cleared", selected: "fake/m1", previous: "fake/m2", notice: "↪️ Model Fallback cleared: fake/m1 (was fake/m2)" }])
    expect(second.meta.fallback).toMatchObject({ phase: "cleared", notice: "↪️ Model Fallback cleared: fake/m1 (was fake/m2)" })

    model.script.push({ text: "still m1" })
    const third = await turn("t3", "three")
    expect(third.events).toEqual([])
    expect(third.meta.fallback).toBeUndefined()
    client.close()
  })
})
