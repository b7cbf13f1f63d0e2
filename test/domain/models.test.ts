import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { OpenClawConfig } from "../../src/domain/config/ConfigSchema.js"
import { validateConfig } from "../../src/domain/config/validate.js"
import { buildAnthropicRequest } from "../../src/domain/models/anthropicMessages.js"
import { backoffMs } from "../../src/domain/models/retry.js"
import { makeAnthropicStreamAccumulator, parseAnthropicMessage } from "../../src/domain/models/anthropicResponse.js"
import { buildCatalogue, type ModelTarget } from "../../src/domain/models/catalogue.js"
import { buildChatCompletionsRequest, type ChatTarget } from "../../src/domain/models/chatCompletions.js"
import { makeChatStreamAccumulator, parseChatCompletion } from "../../src/domain/models/chatCompletionsResponse.js"
import { guardContextWindow } from "../../src/domain/models/contextGuard.js"
import { describeCredential, resolveCredential } from "../../src/domain/models/credential.js"
import { diagnoseModelNotFound, diagnoseProviderError } from "../../src/domain/models/diagnosis.js"
import { classifyFailure, type FailoverReason, type FailureFacts, shouldFallback } from "../../src/domain/models/failover.js"
import { recordFailure, recordSuccess, successNeedsWrite, unusableProfiles } from "../../src/domain/models/health.js"
import { noTextOutputMessage } from "../../src/domain/models/infer.js"
import { anthropicBetaHeader, defaultContextWindow, hasNativeLongContext, LONG_CONTEXT_FIXES } from "../../src/domain/models/longContext.js"
import type { Message, ModelInput } from "../../src/domain/models/messages.js"
import { parseModelRef } from "../../src/domain/models/ModelRef.js"
import {
  configuredSelection,
  fallbackChain,
  fallbackClearedNotice,
  fallbackNotice,
  modelAllowed,
  OVERLOAD_NOTICE,
  planModels,
  resolveModel,
  runSelection
} from "../../src/domain/models/selection.js"
import { makeSseDecoder } from "../../src/domain/models/sse.js"
import { buildStatusReport, checkExitCode } from "../../src/domain/models/statusReport.js"
import { sanitizeToolCallId, TOOL_AVAILABILITY_NOTE } from "../../src/domain/models/toolIds.js"

const config = (raw: unknown): OpenClawConfig =>
  Either.match(validateConfig(raw), {
    onLeft: (issues) => expect.fail(`invalid test config: ${JSON.stringify(issues)}`),
    onRight: (valid) => valid.config
  })

const mlxConfig = config({
  models: {
    providers: {
      mlx: { baseUrl: "http://127.0.0.1:1234/v1", api: "openai-completions", apiKey: "lmstudio", models: [{ id: "mlx-community/Qwen3-30B-A3B-6bit" }] },
      vllm: { baseUrl: "http://10.0.0.5:8000/v1", models: [{ id: "qwen3" }, { id: "shared" }] },
      other: { baseUrl: "http://10.0.0.6:8000/v1", models: [{ id: "shared" }] }
    }
  },
  agents: {
    defaults: {
      model: { primary: "mlx/mlx-community/Qwen3-30B-A3B-6bit", fallbacks: ["fast", "vllm/qwen3", "mlx/mlx-community/Qwen3-30B-A3B-6bit"] },
      models: { "vllm/qwen3": { alias: "fast" }, "anthropic/claude-opus-4-6": { params: { context1m: true } } }
    }
  }
})
const catalogue = buildCatalogue(mlxConfig, { ANTHROPIC_API_KEY: "sk-ant-api03-secret" })

const resolved = (input: string) =>
  Either.match(resolveModel(catalogue, input, "mlx"), { onLeft: (e) => expect.fail(e.message), onRight: (r) => r })
const unknownOf = (cat: typeof catalogue, input: string) =>
  Either.match(resolveModel(cat, input), { onLeft: (e) => e, onRight: (r) => expect.fail(`resolved ${r.target.key}`) })

describe("model refs and the catalogue (spec 1.1)", () => {
  it("splits on the first slash, lowercases the provider and keeps the bare id's case", () => {
    expect(parseModelRef("MLX/mlx-community/Qwen3-30B-A3B-6bit")).toEqual({ provider: "mlx", model: "mlx-community/Qwen3-30B-A3B-6bit" })
    expect(parseModelRef("openrouter/moonshotai/kimi-k2")).toEqual({ provider: "openrouter", model: "moonshotai/kimi-k2" })
    expect(parseModelRef("no-slash")).toBeUndefined()
    expect(parseModelRef("/x")).toBeUndefined()
    expect(parseModelRef("x/")).toBeUndefined()
  })

  it("a prefixed selection resolves to the bare catalogue id that is sent as `model`", () => {
    const { target } = resolved("mlx/mlx-community/Qwen3-30B-A3B-6bit")
    expect(target.model).toBe("mlx-community/Qwen3-30B-A3B-6bit")
    expect(target.key).toBe("mlx/mlx-community/Qwen3-30B-A3B-6bit")
    expect(target.providerEntry.local).toBe(true)
    expect(target.contextWindow).toBe(200_000)
    expect(target.maxTokens).toBe(8192)
  })

  it("unprefixed input: alias, then a unique catalogue id, then the default provider with a deprecation warning", () => {
    expect(resolved("FAST").target.key).toBe("vllm/qwen3")
    expect(resolved("qwen3").target.key).toBe("vllm/qwen3")
    const ambiguous = unknownOf(catalogue, "shared")
    expect(ambiguous.message).toBe("Unknown model: shared")
    expect(ambiguous.hint).toContain("vllm/shared, other/shared")
    const viaDefault = resolveModel(buildCatalogue(config({ models: { providers: { anthropic: {} } } }), {}), "claude-x", "anthropic")
    expect(Either.getOrThrow(viaDefault).warnings[0]).toContain("deprecated")
  })

  it("uncatalogued ids are `Unknown model: <provider/model>`, with the runbook's prefix hint when it applies", () => {
    expect(unknownOf(catalogue, "mlx/Qwen3").message).toBe("Unknown model: mlx/Qwen3")
    expect(unknownOf(catalogue, "mlx/mlx/mlx-community/Qwen3-30B-A3B-6bit").hint).toContain("prefix is given twice")
    expect(unknownOf(catalogue, "mlx-community/Qwen3-30B-A3B-6bit").hint).toContain('select it as "mlx/mlx-community/Qwen3-30B-A3B-6bit"')
    const dup = buildCatalogue(config({ models: { providers: { mlx: { baseUrl: "http://127.0.0.1:1/v1", models: [{ id: "mlx/mlx-community/Qwen3" }] } } } }), {})
    expect(unknownOf(dup, "mlx/mlx-community/Qwen3").hint).toContain("repeats the provider prefix")
  })

  it("built-in providers resolve any id; GA 1M Claude models get the 1M window", () => {
    const { target } = resolved("anthropic/claude-opus-4-6")
    expect(target.api).toBe("anthropic-messages")
    expect(target.contextWindow).toBe(1_000_000)
    expect(target.params).toEqual({ context1m: true })
    expect(resolved("anthropic/claude-3-5-haiku").target.contextWindow).toBe(200_000)
  })

  it("credentials: config, then <PROVIDER>_API_KEY; never shown, markers named", () => {
    const fromEnv = resolveCredential("anthropic", undefined, { ANTHROPIC_API_KEY: "sk-ant-api03-secret" })
    expect(describeCredential(fromEnv)).toBe("api-key via env:ANTHROPIC_API_KEY")
    expect(JSON.stringify(fromEnv)).not.toContain("sk-ant-api03-secret")
    expect(describeCredential(resolveCredential("mlx", "lmstudio", {}))).toBe("marker(lmstudio) via config")
    expect(describeCredential(resolveCredential("x", { source: "env", provider: "default", id: "NOPE" }, {}))).toBe("missing (unresolved env:default:NOPE)")
  })
})

describe("selection and the fallback chain (spec 1.4)", () => {
  const selection = configuredSelection(mlxConfig)

  it("agents.defaults.model as a string or {primary, fallbacks}", () => {
    expect(configuredSelection(config({ agents: { defaults: { model: "a/b" } } }))).toEqual({ primary: "a/b", fallbacks: [], allow: [] })
    expect(selection.primary).toBe("mlx/mlx-community/Qwen3-30B-A3B-6bit")
  })

  it("requested first, configured fallbacks, the configured primary last, de-duplicated", () => {
    expect(fallbackChain({ requested: "x/y", explicit: false, configured: { primary: "p/m", fallbacks: ["f/1", "x/y", "f/2"] } })).toEqual(["x/y", "f/1", "f/2", "p/m"])
  })

  it("an explicit selection never falls back; an override is used exactly and [] is strict", () => {
    const configured = { primary: "p/m", fallbacks: ["f/1"] }
    expect(fallbackChain({ requested: "x/y", explicit: true, configured })).toEqual(["x/y"])
    expect(fallbackChain({ requested: "x/y", explicit: false, fallbacksOverride: ["o/1"], configured })).toEqual(["x/y", "o/1"])
    expect(fallbackChain({ requested: "x/y", explicit: false, fallbacksOverride: [], configured })).toEqual(["x/y"])
  })

  it("a run's selection: a model alone is strict; a job's model keeps the configured fallbacks; its own list is exact", () => {
    const sel = { primary: "mlx/mlx-community/Qwen3-30B-A3B-6bit", fallbacks: ["vllm/qwen3"] }
    const chain = (run: Parameters<typeof runSelection>[0]) => {
      const plan = planModels(buildCatalogue(mlxConfig, {}), sel, runSelection(run))
      return Either.isRight(plan) ? [plan.right.selected.key, ...plan.right.fallbacks.map((t) => t.key)] : plan.left.message
    }
    expect(chain({ model: "vllm/qwen3" })).toEqual(["vllm/qwen3"])
    expect(chain({ model: "vllm/qwen3", modelStrict: false })).toEqual(["vllm/qwen3", "mlx/mlx-community/Qwen3-30B-A3B-6bit"])
    expect(chain({ model: "vllm/qwen3", fallbacks: ["mlx/mlx-community/Qwen3-30B-A3B-6bit"] })).toEqual(["vllm/qwen3", "mlx/mlx-community/Qwen3-30B-A3B-6bit"])
    expect(chain({ model: "vllm/qwen3", fallbacks: [] })).toEqual(["vllm/qwen3"])
    expect(chain({ fallbacks: ["vllm/qwen3"] })).toEqual(["mlx/mlx-community/Qwen3-30B-A3B-6bit", "vllm/qwen3"])
  })

  it("plans resolve aliases, drop duplicates and skip unknown fallbacks with a warning", () => {
    const sel = { primary: "mlx/mlx-community/Qwen3-30B-A3B-6bit", fallbacks: ["fast", "nope/zzz", "vllm/qwen3"] }
    const plan = Either.getOrThrow(planModels(catalogue, sel, {}))
    expect(plan.selected.key).toBe("mlx/mlx-community/Qwen3-30B-A3B-6bit")
    expect(plan.fallbacks.map((t) => t.key)).toEqual(["vllm/qwen3"])
    expect(plan.warnings).toEqual(["Skipping fallback nope/zzz: Unknown model: nope/zzz"])
    const explicit = Either.getOrThrow(planModels(catalogue, sel, { explicit: "fast" }))
    expect(explicit.fallbacks).toEqual([])
    expect(explicit.explicit).toBe(true)
  })

  it("an all-overloaded chain backs off 2.5 s doubling to 30 s; the notice is the spec's text", () => {
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, 2_500, 30_000))).toEqual([2_500, 5_000, 10_000, 20_000, 30_000, 30_000])
    expect(OVERLOAD_NOTICE).toBe("The AI service is temporarily overloaded. I’m still retrying; this may take a few minutes.")
  })

  it("fallback notices are the spec's exact text", () => {
    expect(fallbackNotice("openai/gpt-4.1", "anthropic/claude-opus-4-6", "rate_limit")).toBe(
      "↪️ Model Fallback: openai/gpt-4.1 (selected anthropic/claude-opus-4-6; rate_limit)"
    )
    expect(fallbackClearedNotice("anthropic/claude-opus-4-6", "openai/gpt-4.1")).toBe("↪️ Model Fallback cleared: anthropic/claude-opus-4-6 (was openai/gpt-4.1)")
  })
})

describe("context window guard", () => {
  it.each([
    [200_000, 150_000, "Ok"],
    [200_000, 161_000, "Warn"], // 39k left < 20% (40k)
    [200_000, 181_000, "Block"], // 19k left < 10% (20k)
    [16_000, 7_000, "Ok"], // 9k left: the 8k floor, not 20% (3.2k), decides
    [16_000, 9_000, "Warn"], // 7k left < 8k floor
    [16_000, 12_500, "Block"] // 3.5k left < 4k floor
  ])("window %i, prompt %i -> %s", (window, prompt, verdict) => {
    expect(guardContextWindow(window, prompt)._tag).toBe(verdict)
  })
})

const chatTarget = (overrides: Partial<ChatTarget> = {}): ChatTarget => ({
  model: "mlx-community/Qwen3-30B-A3B-6bit",
  baseUrl: "http://127.0.0.1:1234/v1",
  reasoning: false,
  contextWindow: 32_768,
  maxTokens: 8192,
  compat: {},
  params: {},
  ...overrides
})

const conversation: ReadonlyArray<Message> = [
  { role: "user", content: [{ type: "text", text: "list files" }, { type: "text", text: "in /tmp" }] },
  {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "plan" },
      { type: "toolCall", id: "call|abc/def.ghi|extra", name: "ls", arguments: { path: "/tmp" } }
    ]
  },
  { role: "toolResult", toolCallId: "call|abc/def.ghi|extra", toolName: "ls", content: [{ type: "text", text: "a.txt" }, { type: "image", mimeType: "image/png", data: "AAAA" }] },
  { role: "assistant", content: [] },
  { role: "user", content: "thanks" }
]

const tools: ModelInput["tools"] = [
  { name: "zeta", description: "z", parameters: { type: "object", properties: { format: { type: "string", format: "uri" } }, additionalProperties: false } },
  { name: "alpha", description: "a", parameters: { type: "object" } }
]

describe("Chat Completions request (spec 1.2)", () => {
  const build = (overrides: Partial<ChatTarget> = {}, input: Partial<ModelInput> = {}) =>
    buildChatCompletionsRequest(chatTarget(overrides), { system: "You are helpful.", messages: conversation, tools, ...input }, true).body as Record<string, any>

  it("converts messages: system string, user parts, assistant tool calls with null content, tool results, tool images", () => {
    const body = build()
    expect(body["model"]).toBe("mlx-community/Qwen3-30B-A3B-6bit")
    expect(body["stream"]).toBe(true)
    expect(body["messages"]).toEqual([
      { role: "system", content: "You are helpful." },
      { role: "user", content: [{ type: "text", text: "list files" }, { type: "text", text: "in /tmp" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call", type: "function", function: { name: "ls", arguments: "{\"path\":\"/tmp\"}" } }] },
      { role: "tool", tool_call_id: "call", content: "a.txt" },
      { role: "user", content: [{ type: "text", text: "Image(s) from tool result #1 (ls):" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "user", content: "thanks" }
    ])
  })

  it("tools are sorted, tool_choice is auto for non-native endpoints, max_tokens is clamped", () => {
    const body = build({ contextWindow: 4096 })
    expect(body["tools"].map((t: any) => t.function.name)).toEqual(["alpha", "zeta"])
    expect(body["tool_choice"]).toBe("auto")
    expect(body["max_tokens"]).toBe(4096)
    expect(body["stream_options"]).toBeUndefined()
    expect(body["store"]).toBeUndefined()
  })

  it("native OpenAI: developer role for reasoning models, max_completion_tokens, usage in stream, store:false, no tool_choice", () => {
    const body = build({ baseUrl: "https://api.openai.com/v1", reasoning: true, compat: { supportsStore: true } })
    expect(body["messages"][0]).toEqual({ role: "developer", content: "You are helpful." })
    expect(body["max_completion_tokens"]).toBe(8192)
    expect(body["stream_options"]).toEqual({ include_usage: true })
    expect(body["store"]).toBe(false)
    expect(body["tool_choice"]).toBeUndefined()
    // Non-native endpoints never get the developer role.
    expect(build({ reasoning: true, compat: { supportsDeveloperRole: true } })["messages"][0].role).toBe("system")
  })

  it("requiresStringContent joins text-only part arrays with \\n and leaves arrays with images alone", () => {
    const messages = build({ compat: { requiresStringContent: true } })["messages"]
    expect(messages[1]).toEqual({ role: "user", content: "list files\nin /tmp" })
    expect(Array.isArray(messages[4].content)).toBe(true)
  })

  it("strictMessageKeys keeps only role and content", () => {
    for (const message of build({ compat: { strictMessageKeys: true } })["messages"]) expect(Object.keys(message).sort()).toEqual(["content", "role"])
  })

  it("supportsTools:false sends no tools or tool_choice (even from extra_body) and adds the tool-availability note", () => {
    const body = build({ compat: { supportsTools: false }, params: { extra_body: { tool_choice: "required", top_k: 20 } } })
    expect(body["tools"]).toBeUndefined()
    expect(body["tool_choice"]).toBeUndefined()
    expect(body["top_k"]).toBe(20)
    expect(body["messages"][0].content).toBe(`You are helpful.\n\n${TOOL_AVAILABILITY_NOTE}`)
  })

  it("requiresAssistantAfterToolResult, requiresToolResultName, maxTokensField, strict mode, unsupported keywords, extra_body tool_choice", () => {
    const body = build({
      compat: { requiresAssistantAfterToolResult: true, requiresToolResultName: true, maxTokensField: "max_completion_tokens", supportsStrictMode: true, unsupportedToolSchemaKeywords: ["format", "additionalProperties"] },
      params: { extra_body: { tool_choice: "required" } }
    }, { tools: [{ ...(tools?.[0] ?? expect.fail("tools")), strict: true }] })
    const roles = body["messages"].map((m: any) => m.role)
    expect(roles).toEqual(["system", "user", "assistant", "tool", "assistant", "user", "user"])
    expect(body["messages"][2].content).toBe("")
    expect(body["messages"][3].name).toBe("ls")
    expect(body["messages"][4]).toEqual({ role: "assistant", content: "I have processed the tool results." })
    expect(body["max_completion_tokens"]).toBe(8192)
    expect(body["tool_choice"]).toBe("required")
    expect(body["tools"][0].function).toEqual({ name: "zeta", description: "z", parameters: { type: "object", properties: { format: { type: "string" } } }, strict: true })
  })

  it("thinking is dropped, replayed through its signature field, or sent as text with requiresThinkingAsText", () => {
    const messages: ReadonlyArray<Message> = [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "reasoning_content" }, { type: "text", text: "a" }, { type: "text", text: "" }, { type: "text", text: "b" }] }
    ]
    expect(build({}, { messages, tools: [] })["messages"][2]).toEqual({ role: "assistant", content: "a\nb", reasoning_content: "hmm" })
    expect(build({ compat: { requiresThinkingAsText: true } }, { messages, tools: [] })["messages"][2].content).toBe("hmm\na\nb")
  })

  it("tool-call ids: cut at the pipe, [A-Za-z0-9_-], at most 40 characters", () => {
    expect(sanitizeToolCallId("toolu_01|fc_123")).toBe("toolu_01")
    expect(sanitizeToolCallId("a.b/c d")).toBe("a_b_c_d")
    expect(sanitizeToolCallId("x".repeat(50))).toHaveLength(40)
  })
})

describe("Chat Completions responses", () => {
  it("parses text, tool calls, usage and finish reasons; finish_reason error is a server_error", () => {
    const output = Either.getOrThrow(parseChatCompletion({
      choices: [{ message: { content: "hi", tool_calls: [{ id: "c1", function: { name: "ls", arguments: "{\"a\":1}" } }] }, finish_reason: "tool_calls" }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } }
    }))
    expect(output.stopReason).toBe("toolUse")
    expect(output.content).toEqual([{ type: "text", text: "hi" }, { type: "toolCall", id: "c1", name: "ls", arguments: { a: 1 } }])
    expect(output.usage).toEqual({ input: 6, output: 2, cacheRead: 4, cacheWrite: 0, total: 12 })
    expect(Either.getLeft(parseChatCompletion({ choices: [{ message: {}, finish_reason: "error" }] }))).toEqual(
      expect.objectContaining({ _tag: "Some", value: { reason: "server_error", message: "Provider finish_reason: error" } })
    )
    expect(Either.isLeft(parseChatCompletion({ choices: [] }))).toBe(true)
  })

  it("extra provider fields are allowed; a null or mistyped field reads as absent; a missing first message is empty_response", () => {
    const output = Either.getOrThrow(parseChatCompletion({
      id: "chatcmpl-1",
      system_fingerprint: "fp",
      choices: [{ index: 0, logprobs: null, finish_reason: null, message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: 5, type: "function", function: { name: "ls", arguments: "[1]" } }, "junk"] } }],
      usage: { prompt_tokens: "7", completion_tokens: 2 }
    }))
    expect(output.content).toEqual([
      { type: "toolCall", id: "", name: "ls", arguments: { value: [1] } },
      { type: "toolCall", id: "", name: "", arguments: {} }
    ])
    expect(output.stopReason).toBe("stop")
    expect(output.usage).toEqual({ input: 0, output: 2, cacheRead: 0, cacheWrite: 0, total: 2 })
    for (const body of [null, "text", { choices: ["x"] }, { choices: [{ message: "hi" }] }, { choices: {} }]) {
      expect(Either.getLeft(parseChatCompletion(body))).toEqual(
        expect.objectContaining({ value: { reason: "empty_response", message: "Chat Completions response has no choices[0].message" } })
      )
    }
  })

  it("accumulates streamed deltas and tool-call pieces by index", () => {
    const acc = makeChatStreamAccumulator()
    const events = [
      { choices: [{ delta: { content: "po" } }] },
      { choices: [{ delta: { content: "ng", tool_calls: [{ index: 0, id: "c1", function: { name: "ls", arguments: "{\"p" } }] } }] },
      { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: "\":1}" } }] }, finish_reason: "tool_calls" }] },
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }
    ].flatMap((chunk) => acc.push(chunk))
    expect(events).toEqual([{ _tag: "TextDelta", text: "po" }, { _tag: "TextDelta", text: "ng" }])
    const output = Either.getOrThrow(acc.finish())
    expect(output.content).toEqual([{ type: "text", text: "pong" }, { type: "toolCall", id: "c1", name: "ls", arguments: { p: 1 } }])
    expect(output.usage.total).toBe(5)
  })

  it("the SSE decoder handles events split across reads, CRLF and multi-line data", () => {
    const decoder = makeSseDecoder()
    expect(decoder.feed("event: a\r\ndata: {\"x\"")).toEqual([])
    expect(decoder.feed(":1}\r\n\r\ndata: l1\ndata: l2\n\n: comment\n\ndata: tail")).toEqual([
      { event: "a", data: "{\"x\":1}" },
      { event: undefined, data: "l1\nl2" }
    ])
    expect(decoder.end()).toEqual([{ event: undefined, data: "tail" }])
  })
})

describe("Anthropic Messages request and stream", () => {
  const target = { model: "claude-opus-4-6", contextWindow: 1_000_000, maxTokens: 8192, compat: {}, params: {} }

  it("tool use, merged tool results, images, system and sorted tools", () => {
    const { body } = buildAnthropicRequest(target, { system: "sys", messages: conversation, tools }, false)
    expect(body["system"]).toBe("sys")
    expect((body["tools"] as Array<any>).map((t) => t.name)).toEqual(["alpha", "zeta"])
    expect(body["messages"]).toEqual([
      { role: "user", content: [{ type: "text", text: "list files" }, { type: "text", text: "in /tmp" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call", name: "ls", input: { path: "/tmp" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call", content: [{ type: "text", text: "a.txt" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] }] },
      { role: "user", content: "thanks" }
    ])
  })

  it("thinking levels set a budget under max_tokens and drop temperature", () => {
    const { body } = buildAnthropicRequest({ ...target, maxTokens: 4096 }, { messages: [{ role: "user", content: "x" }], thinking: "high", temperature: 0.2 }, true)
    expect(body["thinking"]).toEqual({ type: "enabled", budget_tokens: 16384 })
    expect(body["max_tokens"]).toBe(16384 + 1024)
    expect(body["temperature"]).toBeUndefined()
  })

  it("a Messages body: unknown block types and mistyped blocks are skipped; no content array is empty_response", () => {
    const output = Either.getOrThrow(parseAnthropicMessage({
      id: "msg_1",
      content: [{ type: "text", text: "a" }, { type: "image" }, 4, { type: "tool_use", id: "t", name: "n", input: [1] }, { type: "text", text: "" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 3, service_tier: "standard" }
    }))
    expect(output.content).toEqual([{ type: "text", text: "a" }, { type: "toolCall", id: "t", name: "n", arguments: {} }])
    expect(output.usage).toEqual({ input: 3, output: 0, cacheRead: 0, cacheWrite: 0, total: 3 })
    for (const body of [null, {}, { content: "text" }]) {
      expect(Either.getLeft(parseAnthropicMessage(body))).toEqual(expect.objectContaining({ value: { reason: "empty_response", message: "Messages API response has no content" } }))
    }
  })

  it("stream events accumulate text and tool input; an error event fails the turn", () => {
    const acc = makeAnthropicStreamAccumulator()
    acc.push("message_start", { type: "message_start", message: { usage: { input_tokens: 9 } } })
    acc.push("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })
    expect(acc.push("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } })).toEqual([{ _tag: "TextDelta", text: "hi" }])
    acc.push("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t1", name: "ls" } })
    acc.push("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"a\":" } })
    acc.push("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "2}" } })
    acc.push("message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 4 } })
    acc.push("message_stop", { type: "message_stop" })
    const output = Either.getOrThrow(acc.finish())
    expect(output.content).toEqual([{ type: "text", text: "hi" }, { type: "toolCall", id: "t1", name: "ls", arguments: { a: 2 } }])
    expect(output.stopReason).toBe("toolUse")
    expect(output.usage).toMatchObject({ input: 9, output: 4 })
    const failing = makeAnthropicStreamAccumulator()
    failing.push("message_start", { type: "message_start", message: {} })
    failing.push("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } })
    expect(Either.getLeft(failing.finish())).toEqual(expect.objectContaining({ value: { reason: "overloaded", message: "overloaded_error: Overloaded" } }))
  })
})

describe("failover reason classification (spec 1.4)", () => {
  const table: ReadonlyArray<readonly [FailureFacts, FailoverReason]> = [
    [{ status: 402, message: "HTTP 402: insufficient credits" }, "billing"],
    [{ status: 402, message: "HTTP 402: weekly usage limit exhausted" }, "rate_limit"],
    [{ status: 429, message: "HTTP 429: rate_limit_error: Extra usage is required for long context requests" }, "rate_limit"],
    [{ status: 400, message: "Too many concurrent requests" }, "rate_limit"],
    [{ message: "ThrottlingException: slow down" }, "rate_limit"],
    [{ message: "resource exhausted" }, "rate_limit"],
    [{ message: "weekly limit reached" }, "rate_limit"],
    [{ status: 503, message: "HTTP 503" }, "overloaded"],
    [{ status: 529, message: "overloaded_error: Overloaded" }, "overloaded"],
    [{ message: "ModelNotReadyException" }, "overloaded"],
    [{ status: 401, message: "HTTP 401: invalid x-api-key" }, "auth"],
    [{ status: 403, message: "HTTP 403: Your request was blocked" }, "auth_permanent"],
    [{ status: 401, message: "API key has been revoked" }, "auth_permanent"],
    [{ status: 408, message: "HTTP 408" }, "timeout"],
    [{ status: 400, message: "HTTP 400: invalid_request_error: messages: bad" }, "format"],
    [{ status: 422, message: "HTTP 422: messages[0].content: invalid type: sequence, expected a string" }, "format"],
    [{ status: 404, message: "HTTP 404: model_not_found: The model `x` does not exist" }, "model_not_found"],
    [{ status: 410, message: "HTTP 410" }, "session_expired"],
    [{ status: 500, message: "HTTP 500" }, "server_error"],
    [{ status: 502, message: "HTTP 502" }, "server_error"],
    [{ finishReason: "error" }, "server_error"],
    [{ message: "Provider finish_reason: error" }, "server_error"],
    [{ finishReason: "network_error" }, "timeout"],
    [{ finishReason: "abort" }, "timeout"],
    [{ finishReason: "malformed_response" }, "timeout"],
    [{ message: "connect ECONNREFUSED 127.0.0.1:9" }, "timeout"],
    [{ message: "An unknown error occurred" }, "timeout"],
    [{ message: "Provider returned error", provider: "openrouter" }, "timeout"],
    [{ message: "Provider returned error", provider: "mlx" }, "unclassified"],
    [{ status: 400, message: "HTTP 400: request_too_large" }, "context_overflow"],
    [{ message: "input token count exceeds the maximum number of input tokens" }, "context_overflow"],
    [{ message: "ollama error: context length exceeded" }, "context_overflow"],
    [{ message: "Unknown error (no error details in response)" }, "no_error_details"],
    [{}, "empty_response"],
    [{ status: 418, message: "HTTP 418: teapot" }, "unknown"]
  ]
  it.each(table)("%j -> %s", (facts, reason) => {
    expect(classifyFailure(facts)).toBe(reason)
  })

  it("format errors and context overflow are terminal; everything else may fall back", () => {
    expect(shouldFallback("format")).toBe(false)
    expect(shouldFallback("context_overflow")).toBe(false)
    for (const reason of ["auth", "rate_limit", "overloaded", "timeout", "billing", "model_not_found", "unknown"] as const) expect(shouldFallback(reason)).toBe(true)
  })
})

describe("Anthropic long context (spec 1.5)", () => {
  it("GA 1M models are auto-sized; older ones keep the standard window", () => {
    expect(hasNativeLongContext("claude-opus-4-6")).toBe(true)
    expect(hasNativeLongContext("claude-sonnet-4-6-20260101")).toBe(true)
    expect(hasNativeLongContext("claude-opus-5")).toBe(true)
    expect(hasNativeLongContext("claude-sonnet-4-5")).toBe(false)
    expect(defaultContextWindow("anthropic-messages", "claude-opus-4-8")).toBe(1_000_000)
    expect(defaultContextWindow("openai-completions", "claude-opus-4-8")).toBe(200_000)
  })

  it("the retired context-1m beta is stripped; token auth adds the OAuth beta", () => {
    expect(anthropicBetaHeader("context-1m-2025-08-07", false)).toBeUndefined()
    expect(anthropicBetaHeader("foo, context-1m-2025-08-07 ,bar", false)).toBe("foo,bar")
    expect(anthropicBetaHeader(undefined, true)).toBe("oauth-2025-04-20")
  })
})

describe("diagnosis in the runbook's words", () => {
  it("names the model_not_found cause", () => {
    expect(diagnoseModelNotFound({ provider: "mlx", model: "mlx/mlx-community/Qwen3", api: "openai-completions", baseUrl: "http://h/v1" }).cause).toBe("prefix-in-id")
    expect(diagnoseModelNotFound({ provider: "mlx", model: "q", api: "openai-completions", baseUrl: "http://h:1234" }).cause).toBe("base-url-missing-v1")
    expect(diagnoseModelNotFound({ provider: "mlx", model: "q", api: "openai-responses", baseUrl: "http://h/v1" }).cause).toBe("wrong-api")
    expect(diagnoseModelNotFound({ provider: "mlx", model: "q", api: "openai-completions", baseUrl: "http://h/v1" }).cause).toBe("server-lacks-id")
  })

  it("maps backend errors to compat fixes", () => {
    const target = { provider: "mlx", model: "q", api: "openai-completions" as const, baseUrl: "http://h/v1" }
    expect(diagnoseProviderError(target, { code: "MODEL_HTTP_ERROR", summary: "HTTP 422: Failed to deserialize the JSON body into the target type: messages[0].content: invalid type: sequence, expected a string at line 1 column 60" })).toContain("compat.requiresStringContent: true")
    expect(diagnoseProviderError(target, { code: "MODEL_HTTP_ERROR", summary: "HTTP 400: tools are not supported by this model" })).toContain("compat.supportsTools: false")
    expect(diagnoseProviderError(target, { code: "MODEL_RATE_LIMITED", summary: "HTTP 429: rate_limit_error: Extra usage is required for long context requests" })).toBe(LONG_CONTEXT_FIXES.join(" "))
  })

  it("the infer failure message", () => {
    expect(noTextOutputMessage("mlx", "m")).toBe('No text output returned for provider "mlx" model "m".')
    expect(noTextOutputMessage("mlx", "m", "HTTP 404: model_not_found: gone.")).toBe('No text output returned for provider "mlx" model "m": HTTP 404: model_not_found: gone.')
  })
})

describe("profile health and models status", () => {
  const policy = { stepsMs: [30_000, 60_000, 300_000], failureWindowMs: 3_600_000, billingDisableMs: 18_000_000, authPermanentDisableMs: 3_600_000 }
  const error = (reason: FailoverReason, at: number) => ({ at, model: "claude-opus-4-6", reason, code: "MODEL_RATE_LIMITED", status: 429, summary: "HTTP 429: rate_limit_error: Extra usage is required for long context requests" })

  it("cooldowns step 30 s, 1 min, 5 min; billing disables", () => {
    let profile = recordFailure(undefined, "anthropic", error("rate_limit", 0), 0, policy)
    expect(profile.cooldownUntil).toBe(30_000)
    profile = recordFailure(profile, "anthropic", error("rate_limit", 1000), 1000, policy)
    expect(profile.cooldownUntil).toBe(61_000)
    profile = recordFailure(profile, "anthropic", error("rate_limit", 2000), 2000, policy)
    profile = recordFailure(profile, "anthropic", error("rate_limit", 3000), 3000, policy)
    expect(profile.cooldownUntil).toBe(303_000)
    expect(recordFailure(undefined, "x", error("billing", 0), 0, policy).disabledUntil).toBe(18_000_000)
    expect(recordFailure(undefined, "x", error("format", 0), 0, policy).cooldownUntil).toBeUndefined()
  })

  it("a success is written only when it clears something or lastUsed is over a minute old", () => {
    const policy = { stepsMs: [30_000, 60_000, 300_000], failureWindowMs: 3_600_000, billingDisableMs: 18_000_000, authPermanentDisableMs: 3_600_000 }
    expect(successNeedsWrite(undefined, 1_000)).toBe(true)
    const failed = recordFailure(undefined, "mlx", { at: 0, model: "m", reason: "timeout", code: "MODEL_TIMEOUT", summary: "timed out" }, 0, policy)
    expect(successNeedsWrite(failed, 1_000)).toBe(true)
    const clean = recordSuccess(failed, "mlx", 1_000)
    expect(clean).toMatchObject({ errorCount: 0, lastUsed: 1_000 })
    expect(clean.cooldownUntil).toBeUndefined()
    expect(successNeedsWrite(clean, 30_000)).toBe(false)
    expect(successNeedsWrite(clean, 61_001)).toBe(true)
  })

  it("status lists the cooling profile and explains the long-context fallback; --check exits 1", () => {
    const cfg = config({ agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-4.1"] }, models: { "anthropic/claude-opus-4-6": { params: { context1m: true } } } } } })
    const cat = buildCatalogue(cfg, { ANTHROPIC_API_KEY: "sk-ant-api03-x", OPENAI_API_KEY: "sk-x" })
    const health = {
      version: 1 as const,
      profiles: { "anthropic:default": recordFailure(undefined, "anthropic", error("rate_limit", 1000), 1000, policy) },
      lastFallback: { at: 1000, selected: "anthropic/claude-opus-4-6", active: "openai/gpt-4.1", reason: "rate_limit" as const, summary: "anthropic/claude-opus-4-6: rate_limit (HTTP 429: rate_limit_error: Extra usage is required for long context requests)", outcome: "fallback" as const }
    }
    expect(unusableProfiles(health, 5000)).toHaveLength(1)
    const report = buildStatusReport({ configPath: "/x/openclaw.json", catalogue: cat, selection: configuredSelection(cfg), health, now: 5000 })
    expect(report.resolvedDefault).toBe("anthropic/claude-opus-4-6")
    expect(report.auth.unusableProfiles[0]).toMatchObject({ profileId: "anthropic:default", provider: "anthropic", kind: "cooldown", reason: "rate_limit", remainingMs: 26_000, model: "claude-opus-4-6" })
    expect(report.lastFallback?.causes).toContain('agents.defaults.models["anthropic/claude-opus-4-6"] still carries legacy params.context1m: true')
    expect(report.lastFallback?.fixes).toEqual(LONG_CONTEXT_FIXES)
    expect(report.warnings).toContain('agents.defaults.models["anthropic/claude-opus-4-6"].params.context1m is legacy and ignored: 1M context is automatic where GA (Opus 4.6/4.7/4.8, Sonnet 4.6) and the context-1m beta header is no longer sent; remove it')
    expect(checkExitCode(report)).toBe(1)
    expect(checkExitCode(buildStatusReport({ configPath: "/x", catalogue: cat, selection: configuredSelection(cfg), health, now: 60_000 }))).toBe(0)
  })

  it("--check exits 1 when a provider in use has no credential", () => {
    const cfg = config({ agents: { defaults: { model: "anthropic/claude-opus-4-6" } } })
    const report = buildStatusReport({ configPath: "/x", catalogue: buildCatalogue(cfg, {}), selection: configuredSelection(cfg), health: { version: 1, profiles: {} }, now: 0 })
    expect(report.auth.missingProvidersInUse).toEqual(["anthropic"])
    expect(checkExitCode(report)).toBe(1)
  })
})

// Keeps the ModelTarget import honest: a catalogued target has everything a client needs.
const _target: ModelTarget | undefined = catalogue.models[0]
void _target

describe("upstream block pages (runbook: Upstream 403 blocked responses)", () => {
  it("error bodies: error.code or error.type labels error.message; message and detail otherwise; a page or plain text is summarised", async () => {
    const { errorSummary } = await import("../../src/domain/models/errorBody.js")
    expect([
      "{\"error\":{\"message\":\"m\",\"code\":\"c\",\"type\":\"t\"}}",
      "{\"error\":{\"message\":\"m\",\"code\":42,\"type\":\"t\"},\"extra\":1}",
      "{\"error\":\"Not found\"}",
      "{\"message\":5,\"detail\":\"d\"}",
      "plain   text",
      "",
      "<html><title>Blocked</title></html>"
    ].map((text) => errorSummary(500, text))).toEqual([
      { summary: "HTTP 500: c: m", code: "c" },
      { summary: "HTTP 500: t: m", code: "t" },
      { summary: "HTTP 500: {\"error\":\"Not found\"}", code: undefined },
      { summary: "HTTP 500: d", code: undefined },
      { summary: "HTTP 500: plain text", code: undefined },
      { summary: "HTTP 500", code: undefined },
      { summary: "HTTP 500: HTML response, not a provider API error (\"Blocked\")", code: undefined }
    ])
  })

  it("summarises a web page instead of dumping it, and diagnoses a security-layer block", async () => {
    const { htmlGist, isHtmlBody, looksLikeUpstreamBlock } = await import("../../src/domain/models/errorBody.js")
    const { diagnoseProviderError } = await import("../../src/domain/models/diagnosis.js")
    expect(isHtmlBody("  <!doctype html><p>x</p>")).toBe(true)
    expect(isHtmlBody("{\"error\":{}}")).toBe(false)
    expect(htmlGist("<html><head><title> Access &amp; Denied </title></head></html>")).toBe("Access & Denied")
    expect(htmlGist("<html><body><script>x()</script><p>Request   blocked</p></body></html>")).toBe("Request blocked")
    expect(looksLikeUpstreamBlock(403, "HTTP 403: Your request was blocked")).toBe(true)
    expect(looksLikeUpstreamBlock(403, "HTTP 403: permission_error: key lacks scope")).toBe(false)
    const target = { provider: "mlx", model: "m", api: "openai-completions" as const, baseUrl: "http://127.0.0.1:1234/v1" }
    expect(diagnoseProviderError(target, { code: "MODEL_AUTH_FAILED", summary: "HTTP 403: Your request was blocked" })).toMatch(/^an upstream security layer/)
    expect(diagnoseProviderError(target, { code: "MODEL_AUTH_FAILED", summary: "HTTP 403: permission_error: key lacks scope" })).toBeUndefined()
  })
})

describe("agents.defaults.modelPolicy.allow (spec 1.4: optional allowlist)", () => {
  const policyConfig = (allow: ReadonlyArray<string>) =>
    config({
      models: { providers: { vllm: { baseUrl: "http://10.0.0.5:8000/v1", models: [{ id: "qwen3" }, { id: "big" }] }, mlx: { baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "small" }] } } },
      agents: { defaults: { model: { primary: "vllm/big", fallbacks: ["mlx/small"] }, modelPolicy: { allow } } }
    })
  const plan = (allow: ReadonlyArray<string>, explicit?: string) => {
    const cfg = policyConfig(allow)
    return planModels(buildCatalogue(cfg, {}), configuredSelection(cfg), explicit === undefined ? {} : { explicit })
  }

  it("matches exact refs and provider/* (case-insensitive provider); an empty list allows everything", () => {
    expect(modelAllowed([], "vllm/big")).toBe(true)
    expect(modelAllowed(undefined, "vllm/big")).toBe(true)
    expect(modelAllowed(["vllm/*"], "vllm/big")).toBe(true)
    expect(modelAllowed(["VLLM/big"], "vllm/big")).toBe(true)
    expect(modelAllowed(["vllm/qwen3"], "vllm/big")).toBe(false)
    expect(modelAllowed(["mlx/*"], "vllm/big")).toBe(false)
  })

  it("an explicit model outside the list is refused with the original's message and how to fix it", () => {
    const refused = plan(["mlx/*"], "vllm/qwen3")
    expect(Either.isLeft(refused) && refused.left).toMatchObject({
      _tag: "ModelNotAllowed",
      code: "MODEL_NOT_ALLOWED",
      message: `Model override "vllm/qwen3" is not allowed for agent "main" by agents.defaults.modelPolicy.allow. Add "vllm/qwen3" or "vllm/*" to agents.defaults.modelPolicy.allow, or remove/empty the list to allow any model.`
    })
    expect(Either.isRight(plan(["vllm/*"], "vllm/qwen3"))).toBe(true)
  })

  it("a disallowed default runs on the first allowed candidate (with a warning), or fails when none is allowed", () => {
    const moved = plan(["mlx/small"])
    expect(Either.isRight(moved) && moved.right.selected.key).toBe("mlx/small")
    expect(Either.isRight(moved) && moved.right.warnings).toContain(`Configured default model "vllm/big" is not allowed by agents.defaults.modelPolicy.allow; using mlx/small.`)
    const none = plan(["other/*"])
    expect(Either.isLeft(none) && none.left.message).toBe(`Configured default model "vllm/big" is not allowed by agents.defaults.modelPolicy.allow, and no allowed model is available.`)
    // Fallbacks themselves are not filtered (spec: "not allowlist-filtered").
    const allowedPrimary = plan(["vllm/big"])
    expect(Either.isRight(allowedPrimary) && allowedPrimary.right.fallbacks.map((t) => t.key)).toEqual(["mlx/small"])
  })
})
