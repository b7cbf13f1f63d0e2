import { Schema } from "effect"
import { describe, expect, it } from "@effect/vitest"
import { sessionResetAck, sessionResetOf } from "../../src/domain/agent/sessionReset.js"
import { canonicalSessionKey, mainSessionKey, resolveRequestSessionKey, sessionKindOf } from "../../src/domain/agent/sessionKey.js"
import { toolParametersJson } from "../../src/domain/agent/tools.js"
import { displayHistory, parseTranscript, toModelMessages, type TranscriptMessage, transcriptPreview } from "../../src/domain/agent/transcript.js"
import {
  classifyAttempt,
  emptyResponseLine,
  incompleteTurnLine,
  incompleteTurnReply,
  retryBudget,
  retryEligible
} from "../../src/domain/agent/turnRules.js"
import { initialProjection, projectRunEvent, terminalChatEvent } from "../../src/domain/agent/wireEvents.js"
import { emptyUsage } from "../../src/domain/models/messages.js"

describe("session keys", () => {
  it("canonicalises main, agent keys and bare keys", () => {
    expect(canonicalSessionKey("main")).toBe("agent:main:main")
    expect(canonicalSessionKey("main", "ops")).toBe("agent:ops:main")
    expect(canonicalSessionKey("Agent:Ops:Incident-42")).toBe("agent:ops:incident-42")
    expect(canonicalSessionKey("incident-42", "ops")).toBe("agent:ops:incident-42")
    expect(mainSessionKey("  OPS ")).toBe("agent:ops:main")
    expect(mainSessionKey("bad id!")).toBe("agent:main:main")
    expect(resolveRequestSessionKey({ agentId: "ops" })).toBe("agent:ops:main")
    expect(resolveRequestSessionKey({ sessionKey: "x", agentId: "ops" })).toBe("agent:ops:x")
    expect(sessionKindOf("agent:main:telegram:group:1")).toBe("group")
    expect(sessionKindOf("agent:main:main")).toBe("direct")
  })
})

describe("the incomplete-turn rule (spec 1.3)", () => {
  it("classifies attempts", () => {
    expect(classifyAttempt([{ type: "text", text: "hi" }], "stop")).toBe("answer")
    expect(classifyAttempt([{ type: "text", text: " NO_REPLY " }], "stop")).toBe("silent")
    expect(classifyAttempt([{ type: "toolCall", id: "1", name: "t", arguments: {} }], "toolUse")).toBe("toolUse")
    expect(classifyAttempt([{ type: "thinking", thinking: "hmm" }], "stop")).toBe("reasoningOnly")
    expect(classifyAttempt([], "stop")).toBe("empty")
    expect(classifyAttempt([{ type: "text", text: "  " }], "stop")).toBe("empty")
    expect(classifyAttempt([], "error")).toBe("error")
  })

  it("budgets and eligibility", () => {
    expect(retryBudget("empty")).toBe(1)
    expect(retryBudget("reasoningOnly")).toBe(2)
    expect(retryBudget("error")).toBe(0)
    expect(retryEligible("openai-completions", "stop", { ...emptyUsage, output: 3 })).toBe(true)
    expect(retryEligible("google-generative-ai", "stop", emptyUsage)).toBe(true)
    expect(retryEligible("google-generative-ai", "stop", { ...emptyUsage, output: 2 })).toBe(false)
  })

  it("renders the exact log lines and replies", () => {
    expect(emptyResponseLine({ runId: "r1", sessionId: "s1", provider: "mlx", model: "qwen", attempt: 1, budget: 1 })).toBe(
      "empty response detected: runId=r1 sessionId=s1 provider=mlx/qwen — retrying 1/1 with visible-answer continuation"
    )
    expect(incompleteTurnLine({
      runId: "r1",
      sessionId: "s1",
      provider: "mlx",
      model: "qwen",
      stopReason: undefined,
      hasLastAssistant: true,
      hasCurrentAttemptAssistant: false,
      tools: 2,
      replaySafe: false,
      compactions: 0,
      reasoningRetries: 1,
      emptyRetries: 1,
      missingAssistantRetries: 0
    })).toBe(
      "incomplete turn detected: runId=r1 sessionId=s1 provider=mlx/qwen stopReason=missing hasLastAssistant=yes hasCurrentAttemptAssistant=no payloads=0 tools=2 replaySafe=no compactions=0 reasoningRetries=1/2 emptyRetries=1/1 missingAssistantRetries=0/1 — surfacing error to user"
    )
    expect(incompleteTurnReply(true)).toBe("⚠️ Agent couldn't generate a response. Please try again.")
    expect(incompleteTurnReply(false)).toBe("⚠️ Agent couldn't generate a response. Note: some tool actions may have already been executed — please verify before retrying.")
  })
})

describe("transcripts", () => {
  const line = (id: string, message: TranscriptMessage) => JSON.stringify({ type: "message", id, parentId: null, timestamp: "2026-01-01T00:00:00.000Z", message })
  it("skips lines that do not decode and keeps the rest", () => {
    const text = [
      JSON.stringify({ type: "session", version: 3, id: "s", timestamp: "2026-01-01T00:00:00.000Z" }),
      line("a", { role: "user", content: "hi", timestamp: 1 }),
      "{\"type\":\"message\",\"id\":\"torn",
      line("b", { role: "assistant", content: [{ type: "text", text: "yo" }], stopReason: "stop", timestamp: 2 })
    ].join("\n")
    const parsed = parseTranscript(text)
    expect(parsed.skipped).toBe(1)
    expect(parsed.messages.map((m) => m.id)).toEqual(["a", "b"])
  })

  it("model messages leave out failed turns; the display drops silent replies and cuts long text", () => {
    const messages: ReadonlyArray<TranscriptMessage> = [
      { role: "user", content: [{ type: "text", text: "hello world" }], timestamp: 1 },
      { role: "assistant", content: [{ type: "text", text: "⚠️ failed" }], stopReason: "error", timestamp: 2 },
      { role: "assistant", content: [{ type: "text", text: "NO_REPLY" }], stopReason: "stop", timestamp: 3 }
    ]
    expect(toModelMessages(messages).map((m) => m.role)).toEqual(["user", "assistant"])
    const shown = displayHistory(messages, { limit: 10, maxChars: 5 })
    expect(shown).toHaveLength(2)
    expect(shown[0]).toMatchObject({ content: [{ text: "hello…" }] })
  })

  it("a list's preview: the first user message's text and the last text that is not a tool result", () => {
    const messages: ReadonlyArray<TranscriptMessage> = [
      { role: "assistant", content: [{ type: "text", text: "welcome" }], stopReason: "stop", timestamp: 1 },
      { role: "user", content: [{ type: "text", text: "first" }, { type: "text", text: "question" }], timestamp: 2 },
      { role: "user", content: "second", timestamp: 3 },
      { role: "assistant", content: [{ type: "text", text: "the answer" }], stopReason: "stop", timestamp: 4 },
      { role: "assistant", content: [], stopReason: "toolUse", timestamp: 5 },
      { role: "toolResult", toolCallId: "t", toolName: "exec", content: [{ type: "text", text: "tool output" }], isError: false, timestamp: 6 }
    ]
    expect(transcriptPreview(messages)).toEqual({ firstUserText: "first\nquestion", lastText: "the answer" })
    expect(transcriptPreview([])).toEqual({ firstUserText: undefined, lastText: undefined })
  })
})

describe("tool schemas", () => {
  it("turns an effect Schema into an object JSON Schema without $schema", () => {
    const json = toolParametersJson(Schema.Struct({ path: Schema.String, depth: Schema.optional(Schema.Int) }))
    expect(json["$schema"]).toBeUndefined()
    expect(JSON.stringify(json)).not.toContain("$ref")
    expect(json).toMatchObject({ type: "object", required: ["path"], properties: { path: { type: "string" }, depth: { type: "integer" } } })
    expect(toolParametersJson(Schema.Struct({}))).toMatchObject({ type: "object" })
  })
})

describe("wire projection of run events", () => {
  it("numbers agent events per run and mirrors assistant text as chat deltas", () => {
    const base = { runId: "r", sessionKey: "agent:main:main", ts: 5 }
    const one = projectRunEvent(initialProjection, { ...base, event: { stream: "lifecycle", phase: "start", startedAt: 1 } })
    expect(one.events).toEqual([{ event: "agent", payload: { runId: "r", seq: 1, stream: "lifecycle", ts: 5, data: { phase: "start", startedAt: 1 } } }])
    const two = projectRunEvent(one.state, { ...base, event: { stream: "assistant", text: "Hel", delta: "Hel" } })
    const three = projectRunEvent(two.state, { ...base, event: { stream: "assistant", text: "Hello", delta: "lo" } })
    expect(three.events[1]).toEqual({
      event: "chat",
      payload: { runId: "r", sessionKey: "agent:main:main", seq: 3, state: "delta", message: { role: "assistant", content: [{ type: "text", text: "Hello" }], timestamp: 5 }, deltaText: "lo" }
    })
    const reset = projectRunEvent(three.state, { ...base, event: { stream: "assistant", text: "New", delta: "New" } })
    expect(reset.events[1]?.payload).toMatchObject({ deltaText: "New", replace: true })
    expect(terminalChatEvent(reset.state, { ...base, outcome: { status: "aborted", text: "" } }).payload).toEqual({
      runId: "r",
      sessionKey: "agent:main:main",
      seq: 5,
      state: "aborted",
      stopReason: "aborted"
    })
  })
})

describe("session reset commands", () => {
  it("reads a leading /new or /reset and the text after it; anything else is a plain message", () => {
    expect(sessionResetOf("/new")).toEqual({ reason: "new", rest: "" })
    expect(sessionResetOf("  /RESET  ")).toEqual({ reason: "reset", rest: "" })
    expect(sessionResetOf("/reset hello\nthere")).toEqual({ reason: "reset", rest: "hello\nthere" })
    expect(sessionResetOf("/newer")).toBeUndefined()
    expect(sessionResetOf("please /new")).toBeUndefined()
    expect(sessionResetAck("new")).toBe("✅ New session started.")
    expect(sessionResetAck("reset")).toBe("✅ Session reset.")
  })
})
