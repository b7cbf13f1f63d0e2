import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Effect, Either, Fiber, Layer, Logger, Stream, TestClock } from "effect"
import { diagnoseProviderError } from "../../src/domain/models/diagnosis.js"
import { type ModelError, ModelHttpError, ModelRateLimited, ModelTimeout } from "../../src/domain/models/errors.js"
import { retryDelay } from "../../src/domain/models/retry.js"
import { ModelPolicyStack } from "../../src/layers/models/ModelsLive.js"
import type { ModelInput } from "../../src/domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../../src/domain/models/response.js"
import { responseText } from "../../src/domain/models/response.js"
import { buildStatusReport } from "../../src/domain/models/statusReport.js"
import { OVERLOAD_NOTICE } from "../../src/domain/models/selection.js"
import { TOOL_AVAILABILITY_NOTE } from "../../src/domain/models/toolIds.js"
import { ModelCatalog } from "../../src/services/ModelCatalog.js"
import { ModelClient } from "../../src/services/ModelClient.js"
import { ModelHealth } from "../../src/services/ModelHealth.js"
import { anthropicFake } from "../support/fakeAnthropicServer.js"
import { type OpenAiFake, openAiFake } from "../support/fakeOpenAiServer.js"
import { ModelHealthTest } from "../support/ModelHealthTest.js"
import { ModelPolicyTest, modelsTestLayer } from "../support/modelsTestLayer.js"
import { badGateway, failAfter, hang, overloaded, rateLimited, reply, ScriptedModelClient, type ScriptedOutcome, scriptedTargets, stall } from "../support/ScriptedModelClient.js"

const MLX_ID = "mlx-community/Qwen3-30B-A3B-6bit"
const ANTHROPIC_KEY = "sk-ant-api03-fake-key"

const mlxProvider = (fake: OpenAiFake, row: Record<string, unknown> = {}, provider: Record<string, unknown> = {}) => ({
  baseUrl: fake.v1,
  api: "openai-completions",
  apiKey: "lmstudio",
  ...provider,
  models: [{ id: MLX_ID, ...row }]
})

const hi: ModelInput = { messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
}

/** Plans `ref` (explicit, or the configured default when undefined) and completes `input` on it. */
const complete = (ref: string | undefined, input: ModelInput = hi) =>
  Effect.gen(function*() {
    const plan = yield* (yield* ModelCatalog).plan({ explicit: ref })
    return yield* (yield* ModelClient).complete({ target: plan.selected, fallbacks: plan.fallbacks, input })
  })

const stream = (ref: string | undefined, input: ModelInput = hi) =>
  Effect.gen(function*() {
    const plan = yield* (yield* ModelCatalog).plan({ explicit: ref })
    const events = yield* Stream.runCollect((yield* ModelClient).stream({ target: plan.selected, fallbacks: plan.fallbacks, input }))
    return Chunk.toReadonlyArray(events)
  })

const completed = (events: ReadonlyArray<ModelStreamEvent>): ModelResponse => {
  const last = events[events.length - 1]
  if (last?._tag !== "Completed") return expect.fail(`stream did not end with Completed: ${JSON.stringify(events.map((e) => e._tag))}`)
  return last.response
}

const deltas = (events: ReadonlyArray<ModelStreamEvent>) => events.flatMap((e) => (e._tag === "TextDelta" ? [e.text] : []))

const withConfig = (config: unknown) => Effect.provide(modelsTestLayer(config).layer)

/** Narrows a call's failure to a model error (a config or selection error here is a test bug). */
const modelError = (error: { readonly _tag: string }): ModelError =>
  "reason" in error && "provider" in error ? (error as ModelError) : expect.fail(`not a model call error: ${error._tag}`)

describe("model selection reaches the server (spec 1.1, runbook: local backend)", () => {
  it.scoped("a bare catalogue id selected with the provider prefix once is sent as the bare id", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], reply: "pong" })
      const response = yield* complete(`mlx/${MLX_ID}`).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake) } } }))
      expect(fake.requests).toHaveLength(1)
      expect(fake.requests[0]?.url).toBe("/v1/chat/completions")
      expect(fake.requests[0]?.body.model).toBe(MLX_ID)
      expect(responseText(response)).toBe("pong")
      expect(response.output.usage).toMatchObject({ input: 11, output: 3, total: 14 })
      expect(response.request.body).toMatchObject({ model: MLX_ID, stream: false })
    }))

  it.scoped("the configured default (string form) and an alias resolve to the same bare id", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const config = {
        models: { providers: { mlx: mlxProvider(fake) } },
        agents: { defaults: { model: `mlx/${MLX_ID}`, models: { [`mlx/${MLX_ID}`]: { alias: "qwen" } } } }
      }
      yield* complete(undefined).pipe(withConfig(config))
      yield* complete("qwen").pipe(withConfig(config))
      expect(fake.requests.map((r) => r.body.model)).toEqual([MLX_ID, MLX_ID])
    }))

  it.scoped("a prefix duplicated into the catalogue id reaches the server and fails model_not_found with the prefix-in-id cause", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const config = { models: { providers: { mlx: { ...mlxProvider(fake), models: [{ id: `mlx/${MLX_ID}` }] } } } }
      const error = modelError(yield* Effect.flip(complete(`mlx/mlx/${MLX_ID}`).pipe(withConfig(config))))
      expect(fake.requests[0]?.body.model).toBe(`mlx/${MLX_ID}`)
      expect(error._tag).toBe("ModelNotFound")
      expect(error.reason).toBe("model_not_found")
      expect(error.status).toBe(404)
      const catalogue = yield* Effect.map(ModelCatalog, (c) => c.view).pipe(Effect.flatten, withConfig(config))
      const target = catalogue.catalogue.models[0]
      if (target === undefined) return expect.fail("no catalogue row")
      const hint = diagnoseProviderError(target, { code: error.code, summary: error.message })
      expect(hint).toContain(`repeats the provider prefix`)
      expect(hint).toContain(`"mlx/${MLX_ID}"`)
    }))

  it.scoped("selecting the bare id with the prefix once against a duplicated catalogue id is Unknown model, naming the fix", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const config = { models: { providers: { mlx: { ...mlxProvider(fake), models: [{ id: `mlx/${MLX_ID}` }] } } } }
      const error = yield* Effect.flip(complete(`mlx/${MLX_ID}`).pipe(withConfig(config)))
      expect(error._tag).toBe("UnknownModel")
      expect(error.message).toBe(`Unknown model: mlx/${MLX_ID}`)
      if (error._tag !== "UnknownModel") return
      expect(error.hint).toContain("repeats the provider prefix")
      expect(fake.requests).toHaveLength(0)
    }))

  it.scoped("a baseUrl without /v1 is a 404 whose diagnosis is the missing /v1", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const config = { models: { providers: { mlx: mlxProvider(fake, {}, { baseUrl: fake.baseUrl }) } } }
      const error = yield* Effect.flip(complete(`mlx/${MLX_ID}`).pipe(withConfig(config)))
      expect(fake.requests[0]?.url).toBe("/chat/completions")
      expect(error._tag).toBe("ModelNotFound")
      expect(diagnoseProviderError({ provider: "mlx", model: MLX_ID, api: "openai-completions", baseUrl: fake.baseUrl }, { code: error.code, summary: error.message }))
        .toContain("must include /v1")
    }))

  it.scoped("the context guard blocks a prompt that leaves under 10% of the window, before any request", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const big: ModelInput = { messages: [{ role: "user", content: "x".repeat(4 * 15_000) }] }
      const error = yield* Effect.flip(complete(`mlx/${MLX_ID}`, big).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { contextWindow: 16_000 }) } } })))
      expect(error._tag).toBe("ModelContextOverflow")
      expect(fake.requests).toHaveLength(0)
    }))
})

describe("compat flags on a real wire (spec 1.2, runbook fixes 1 and 3)", () => {
  const twoTexts: ModelInput = { messages: [{ role: "user", content: [{ type: "text", text: "hi" }, { type: "text", text: "there" }] }] }

  it.scoped("a string-only backend rejects part arrays with its own error; requiresStringContent sends the texts joined by \\n", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], stringContentOnly: true })
      const error = modelError(yield* Effect.flip(complete(`mlx/${MLX_ID}`, twoTexts).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake) } } }))))
      expect(error.message).toContain("messages[0].content: invalid type: sequence, expected a string")
      expect(error.reason).toBe("format")
      expect(diagnoseProviderError({ provider: "mlx", model: MLX_ID, api: "openai-completions", baseUrl: fake.v1 }, { code: error.code, summary: error.message }))
        .toBe("the backend rejects structured content parts: set models.providers.mlx.models[].compat.requiresStringContent: true")
      const fixed = yield* complete(`mlx/${MLX_ID}`, twoTexts).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { compat: { requiresStringContent: true } }) } } }))
      expect(responseText(fixed)).toBe("pong")
      expect(fake.requests[1]?.body.messages).toEqual([{ role: "user", content: "hi\nthere" }])
    }))

  it.scoped("requiresStringContent keeps arrays that carry an image (the backend still sees parts)", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const withImage: ModelInput = { messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" }] }] }
      yield* complete(`mlx/${MLX_ID}`, withImage).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { compat: { requiresStringContent: true } }) } } }))
      expect(fake.requests[0]?.body.messages[0].content).toEqual([
        { type: "text", text: "look" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }
      ])
    }))

  it.scoped("supportsTools:false sends no tools and no tool_choice, and tells the model so", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], rejectTools: true })
      const input: ModelInput = { ...hi, system: "You are terse.", tools: [weatherTool] }
      const error = yield* Effect.flip(complete(`mlx/${MLX_ID}`, input).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake) } } })))
      expect(error.message).toContain("tools are not supported")
      expect(fake.requests[0]?.body.tool_choice).toBe("auto")
      const ok = yield* complete(`mlx/${MLX_ID}`, input).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { compat: { supportsTools: false } }) } } }))
      expect(responseText(ok)).toBe("pong")
      const body = fake.requests[1]?.body
      expect(body).not.toHaveProperty("tools")
      expect(body).not.toHaveProperty("tool_choice")
      expect(body.messages[0]).toEqual({ role: "system", content: `You are terse.\n\n${TOOL_AVAILABILITY_NOTE}` })
    }))

  it.scoped("strictMessageKeys sends only role and content", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID] })
      const history: ModelInput = {
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: [{ type: "toolCall", id: "call|1", name: "get_weather", arguments: { city: "Oslo" } }] },
          { role: "toolResult", toolCallId: "call|1", toolName: "get_weather", content: [{ type: "text", text: "-3C" }] },
          { role: "user", content: "and now?" }
        ]
      }
      yield* complete(`mlx/${MLX_ID}`, history).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { compat: { strictMessageKeys: true } }) } } }))
      for (const message of fake.requests[0]?.body.messages ?? []) expect(Object.keys(message).sort()).toEqual(["content", "role"])
    }))
})

describe("Chat Completions: tool calls, usage, streaming", () => {
  it.scoped("non-streamed tool calls come back as toolCall blocks with parsed arguments; history replays them", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], toolCall: { name: "get_weather", arguments: { city: "Oslo" } } })
      const config = { models: { providers: { mlx: mlxProvider(fake) } } }
      const response = yield* complete(`mlx/${MLX_ID}`, { ...hi, tools: [weatherTool] }).pipe(withConfig(config))
      expect(response.output.stopReason).toBe("toolUse")
      expect(response.output.content).toEqual([{ type: "toolCall", id: "call_fake_1", name: "get_weather", arguments: { city: "Oslo" } }])
      expect(fake.requests[0]?.body.tools).toEqual([{ type: "function", function: { name: "get_weather", description: weatherTool.description, parameters: weatherTool.parameters } }])
      const history: ModelInput = {
        messages: [
          ...hi.messages,
          { role: "assistant", content: response.output.content },
          { role: "toolResult", toolCallId: "call_fake_1", toolName: "get_weather", content: [{ type: "text", text: "-3C" }] }
        ]
      }
      yield* complete(`mlx/${MLX_ID}`, history).pipe(withConfig(config))
      expect(fake.requests[1]?.body.messages.slice(1)).toEqual([
        { role: "assistant", content: null, tool_calls: [{ id: "call_fake_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" } }] },
        { role: "tool", tool_call_id: "call_fake_1", content: "-3C" }
      ])
    }))

  it.scoped("streaming: text deltas in order, then Completed with the whole text and the usage chunk", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], reply: "streamed answer here", streamChunks: 4 })
      const events = yield* stream(`mlx/${MLX_ID}`).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake, { compat: { supportsUsageInStreaming: true } }) } } }))
      expect(deltas(events).length).toBe(4)
      expect(deltas(events).join("")).toBe("streamed answer here")
      const response = completed(events)
      expect(responseText(response)).toBe("streamed answer here")
      expect(response.output.usage.total).toBe(14)
      expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
    }))

  it.scoped("streaming: tool-call pieces are assembled into one ToolCall event", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], toolCall: { name: "get_weather", arguments: { city: "Bergen", units: "metric" } } })
      const events = yield* stream(`mlx/${MLX_ID}`, { ...hi, tools: [weatherTool] }).pipe(withConfig({ models: { providers: { mlx: mlxProvider(fake) } } }))
      const calls = events.flatMap((e) => (e._tag === "ToolCall" ? [e.toolCall] : []))
      expect(calls).toEqual([{ type: "toolCall", id: "call_fake_1", name: "get_weather", arguments: { city: "Bergen", units: "metric" } }])
      expect(completed(events).output.stopReason).toBe("toolUse")
      expect(fake.requests[0]?.body).not.toHaveProperty("stream_options")
    }))
})

describe("Anthropic Messages: text, tool use, streaming", () => {
  const anthropicConfig = (baseUrl: string, extra: Record<string, unknown> = {}) => ({
    models: { providers: { anthropic: { baseUrl, apiKey: ANTHROPIC_KEY, models: [{ id: "claude-sonnet-4-5" }] } } },
    ...extra
  })

  it.scoped("non-streamed text with the API key header, version header and no retired beta", () =>
    Effect.gen(function*() {
      const fake = yield* anthropicFake({ reply: "hello from claude" })
      const config = anthropicConfig(fake.baseUrl, { agents: { defaults: { models: { "anthropic/claude-sonnet-4-5": { params: { context1m: true } } } } } })
      const response = yield* complete("anthropic/claude-sonnet-4-5").pipe(withConfig(config))
      expect(responseText(response)).toBe("hello from claude")
      expect(fake.requests[0]?.url).toBe("/v1/messages")
      expect(fake.requests[0]?.headers["x-api-key"]).toBe(ANTHROPIC_KEY)
      expect(fake.requests[0]?.headers["anthropic-version"]).toBe("2023-06-01")
      expect(fake.requests[0]?.headers["anthropic-beta"]).toBeUndefined()
      expect(response.request.headers["x-api-key"]).toBe("***")
      expect(JSON.stringify(response.request)).not.toContain(ANTHROPIC_KEY)
    }))

  it.scoped("tool use round trip: tool_use out, tool_result back under the same id", () =>
    Effect.gen(function*() {
      const fake = yield* anthropicFake({ toolUse: { name: "get_weather", input: { city: "Oslo" } } })
      const config = anthropicConfig(fake.baseUrl)
      const first = yield* complete("anthropic/claude-sonnet-4-5", { ...hi, tools: [weatherTool] }).pipe(withConfig(config))
      expect(first.output.stopReason).toBe("toolUse")
      expect(first.output.content).toEqual([{ type: "toolCall", id: "toolu_fake_1", name: "get_weather", arguments: { city: "Oslo" } }])
      expect(fake.requests[0]?.body.tools).toEqual([{ name: "get_weather", description: weatherTool.description, input_schema: weatherTool.parameters }])
      fake.behaviour.toolUse = undefined
      const second = yield* complete("anthropic/claude-sonnet-4-5", {
        messages: [
          ...hi.messages,
          { role: "assistant", content: first.output.content },
          { role: "toolResult", toolCallId: "toolu_fake_1", toolName: "get_weather", content: [{ type: "text", text: "-3C" }] }
        ]
      }).pipe(withConfig(config))
      expect(responseText(second)).toBe("pong from claude")
      expect(fake.requests[1]?.body.messages[2]).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_fake_1", content: [{ type: "text", text: "-3C" }] }] })
    }))

  it.scoped("streaming text and streamed tool input", () =>
    Effect.gen(function*() {
      const fake = yield* anthropicFake({ reply: "streamed claude" })
      const config = anthropicConfig(fake.baseUrl)
      const events = yield* stream("anthropic/claude-sonnet-4-5").pipe(withConfig(config))
      expect(deltas(events)).toEqual(["streamed", " claude"])
      expect(responseText(completed(events))).toBe("streamed claude")
      expect(completed(events).output.usage.output).toBe(5)
      fake.behaviour.toolUse = { name: "get_weather", input: { city: "Tromsø" } }
      const tools = yield* stream("anthropic/claude-sonnet-4-5", { ...hi, tools: [weatherTool] }).pipe(withConfig(config))
      expect(tools.flatMap((e) => (e._tag === "ToolCall" ? [e.toolCall.arguments] : []))).toEqual([{ city: "Tromsø" }])
      expect(fake.requests.map((r) => r.body.stream)).toEqual([true, true])
    }))
})

describe("failover (spec 1.4, 1.5; runbook: Anthropic 429 long context)", () => {
  const longPrompt: ModelInput = { messages: [{ role: "user", content: `summarise: ${"lorem ipsum ".repeat(100)}` }] }

  const fallbackConfig = (anthropicUrl: string, fake: OpenAiFake) => ({
    models: {
      providers: {
        anthropic: { baseUrl: anthropicUrl, apiKey: ANTHROPIC_KEY, models: [{ id: "claude-opus-4-6" }] },
        mlx: mlxProvider(fake)
      }
    },
    agents: {
      defaults: {
        model: { primary: "anthropic/claude-opus-4-6", fallbacks: [`mlx/${MLX_ID}`] },
        models: { "anthropic/claude-opus-4-6": { params: { context1m: true } } }
      }
    }
  })

  it.scoped("the long-context 429 falls back to the configured fallback once, with the notice, and models status says why", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID], reply: "from the fallback" })
      const config = fallbackConfig(claude.baseUrl, local)
      const layer = modelsTestLayer(config)
      const { response, view, health } = yield* Effect.gen(function*() {
        const response = yield* complete(undefined, longPrompt)
        const view = yield* (yield* ModelCatalog).view
        const health = yield* (yield* ModelHealth).read
        return { response, view, health }
      }).pipe(Effect.provide(layer.layer))
      // Not retried on the same provider: the refusal repeats for the same payload.
      expect(claude.requests).toHaveLength(1)
      expect(local.requests).toHaveLength(1)
      expect(responseText(response)).toBe("from the fallback")
      expect(response.fallback?.notice).toBe(`↪️ Model Fallback: mlx/${MLX_ID} (selected anthropic/claude-opus-4-6; rate_limit)`)
      expect(response.attempts).toEqual([
        expect.objectContaining({ provider: "anthropic", model: "claude-opus-4-6", reason: "rate_limit", status: 429, summary: "HTTP 429: rate_limit_error: Extra usage is required for long context requests" })
      ])
      const now = yield* Clock.currentTimeMillis
      const report = buildStatusReport({ configPath: view.configPath, catalogue: view.catalogue, selection: view.selection, health, now })
      expect(report.auth.unusableProfiles).toEqual([expect.objectContaining({ profileId: "anthropic:default", kind: "cooldown", reason: "rate_limit", model: "claude-opus-4-6" })])
      expect(report.lastFallback).toMatchObject({ selected: "anthropic/claude-opus-4-6", active: `mlx/${MLX_ID}`, reason: "rate_limit", outcome: "fallback" })
      expect(report.lastFallback?.causes).toContain(`agents.defaults.models["anthropic/claude-opus-4-6"] still carries legacy params.context1m: true`)
      expect(report.lastFallback?.fixes).toHaveLength(3)
    }))

  it.scoped("while the primary's profile cools down it is skipped without a call; after the cooldown it is tried again", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID], reply: "from the fallback" })
      const layer = modelsTestLayer(fallbackConfig(claude.baseUrl, local))
      yield* complete(undefined, longPrompt).pipe(Effect.provide(layer.layer))
      expect([claude.requests.length, local.requests.length]).toEqual([1, 1])
      const skipped = yield* complete(undefined).pipe(Effect.provide(layer.layer))
      expect([claude.requests.length, local.requests.length]).toEqual([1, 2])
      expect(skipped.fallback?.reason).toBe("rate_limit")
      expect(skipped.attempts).toEqual([expect.objectContaining({ provider: "anthropic", code: "MODEL_PROFILE_UNAVAILABLE", reason: "rate_limit" })])
      expect(skipped.attempts[0]?.summary).toContain("auth profile anthropic:default is in cooldown (rate_limit) for 30s more")
      yield* TestClock.adjust("30 seconds")
      const back = yield* complete(undefined).pipe(Effect.provide(layer.layer))
      expect(back.provider).toBe("anthropic")
      expect(claude.requests).toHaveLength(2)
    }))

  it.scoped("a cooling profile is still called when it is the only candidate (explicit selection)", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID] })
      const layer = modelsTestLayer(fallbackConfig(claude.baseUrl, local))
      yield* complete(undefined, longPrompt).pipe(Effect.provide(layer.layer))
      const explicit = yield* complete("anthropic/claude-opus-4-6").pipe(Effect.provide(layer.layer))
      expect(explicit.provider).toBe("anthropic")
      expect(claude.requests).toHaveLength(2)
    }))

  it.scoped("an explicit --model choice never falls back: the 429 surfaces and the fallback is never called", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID] })
      const error = yield* Effect.flip(complete("anthropic/claude-opus-4-6", longPrompt).pipe(withConfig(fallbackConfig(claude.baseUrl, local))))
      expect(error._tag).toBe("ModelRateLimited")
      if (error._tag === "ModelRateLimited") expect(error.longContext).toBe(true)
      expect(local.requests).toHaveLength(0)
    }))

  it.scoped("a short prompt on the same config stays on the primary", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID] })
      const response = yield* complete(undefined).pipe(withConfig(fallbackConfig(claude.baseUrl, local)))
      expect(response.provider).toBe("anthropic")
      expect(response.fallback).toBeUndefined()
      expect(local.requests).toHaveLength(0)
    }))

  it.scoped("auth, model_not_found and overload fail over; a format error is terminal", () =>
    Effect.gen(function*() {
      const first = yield* openAiFake({ models: ["a"] })
      const second = yield* openAiFake({ models: ["b"], reply: "second" })
      const config = {
        models: { providers: { one: { baseUrl: first.v1, apiKey: "k1", models: [{ id: "a" }] }, two: { baseUrl: second.v1, apiKey: "k2", models: [{ id: "b" }] } } },
        agents: { defaults: { model: { primary: "one/a", fallbacks: ["two/b"] } } }
      }
      const outcomes: Array<string> = []
      for (const failure of [
        { status: 401, body: { error: { message: "Incorrect API key provided", code: "invalid_api_key" } } },
        { status: 404, body: { error: { message: "The model `a` does not exist", code: "model_not_found" } } },
        { status: 400, body: { error: { message: "messages: Field required", type: "invalid_request_error" } } }
      ]) {
        first.behaviour.failures.push(failure)
        const result = yield* Effect.either(complete(undefined).pipe(withConfig(config)))
        outcomes.push(Either.isRight(result) ? `${result.right.provider}:${result.right.fallback?.reason}` : `failed:${modelError(result.left).reason}`)
      }
      expect(outcomes).toEqual(["two:auth", "two:model_not_found", "failed:format"])
    }))

  it.scoped("when every candidate fails the error lists each attempt", () =>
    Effect.gen(function*() {
      const first = yield* openAiFake({ models: [] })
      const second = yield* openAiFake({ models: [] })
      const config = {
        models: { providers: { one: { baseUrl: first.v1, apiKey: "k1", models: [{ id: "a" }] }, two: { baseUrl: second.v1, apiKey: "k2", models: [{ id: "b" }] } } },
        agents: { defaults: { model: { primary: "one/a", fallbacks: ["two/b"] } } }
      }
      const error = yield* Effect.flip(complete(undefined).pipe(withConfig(config)))
      expect(error._tag).toBe("ModelFailover")
      if (error._tag !== "ModelFailover") return
      expect(error.attempts.map((a) => `${a.provider}/${a.model}:${a.reason}`)).toEqual(["one/a:model_not_found", "two/b:model_not_found"])
    }))
})

describe("retry decisions (pure)", () => {
  const policy = { maxRetries: 2, baseDelay: "1 second", maxDelay: "8 seconds", retryAfterCap: "60 seconds" } as const
  const limited = (retryAfterMs: number | undefined, longContext = false) =>
    new ModelRateLimited({ message: "HTTP 429", provider: "p", model: "m", reason: "rate_limit", status: 429, longContext, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  it("retry-after is honoured up to the 60 s cap; beyond it, the long-context refusal, timeouts and format errors are not retried", () => {
    expect(retryDelay(limited(60_000), 1, policy)).toBe(60_000)
    expect(retryDelay(limited(60_001), 1, policy)).toBeUndefined()
    expect(retryDelay(limited(undefined), 1, policy)).toBe(1_000)
    expect(retryDelay(limited(undefined), 2, policy)).toBe(2_000)
    expect(retryDelay(limited(undefined), 3, policy)).toBeUndefined()
    expect(retryDelay(limited(1_000, true), 1, policy)).toBeUndefined()
    expect(retryDelay(new ModelTimeout({ message: "t", provider: "p", model: "m", reason: "timeout", timeoutMs: 1 }), 1, policy)).toBeUndefined()
    expect(retryDelay(new ModelHttpError({ message: "HTTP 400", provider: "p", model: "m", reason: "format", status: 400 }), 1, policy)).toBeUndefined()
    expect(retryDelay(new ModelHttpError({ message: "HTTP 502", provider: "p", model: "m", reason: "server_error", status: 502 }), 1, policy)).toBe(1_000)
  })
})

describe("retry and timeout policy over the wire", () => {
  const strictConfig = (fake: OpenAiFake, provider: Record<string, unknown> = {}) => ({ models: { providers: { mlx: mlxProvider(fake, {}, provider) } } })

  it.scoped("a retry-after beyond the 60 s cap is not waited for: the failure surfaces at once", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], failures: [{ status: 429, body: { error: { message: "Rate limit reached" } }, headers: { "retry-after": "120" } }] })
      const error = yield* Effect.flip(complete(`mlx/${MLX_ID}`).pipe(withConfig(strictConfig(fake))))
      expect(error._tag).toBe("ModelRateLimited")
      if (error._tag === "ModelRateLimited") expect(error.retryAfterMs).toBe(120_000)
      expect(fake.requests).toHaveLength(1)
    }))

  it.scoped("an overloaded chain is not rerun when another reason is in the mix, nor past the rerun budget", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], failures: [{ status: 401, body: { error: { message: "Incorrect API key provided" } } }] })
      const error = modelError(yield* Effect.flip(complete(`mlx/${MLX_ID}`).pipe(withConfig(strictConfig(fake)))))
      expect(error.reason).toBe("auth")
      expect(fake.requests).toHaveLength(1)
    }))

  it.scoped("timeoutSeconds cuts a hung HTTP request with ModelTimeout", () =>
    Effect.gen(function*() {
      const fake = yield* openAiFake({ models: [MLX_ID], hang: true })
      const fiber = yield* Effect.fork(complete(`mlx/${MLX_ID}`).pipe(withConfig(strictConfig(fake, { timeoutSeconds: 7 }))))
      yield* Effect.promise(() => fake.waitForRequests(1))
      yield* TestClock.adjust("7 seconds")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(error._tag).toBe("ModelTimeout")
      expect(error.message).toBe(`LLM request timed out after 7s (mlx/${MLX_ID})`)
      expect(fake.requests).toHaveLength(1)
    }))

  it.scoped("a stream that fails before its first event falls back (long-context 429 on Anthropic)", () =>
    Effect.gen(function*() {
      const claude = yield* anthropicFake({ longContextAboveTokens: 50 })
      const local = yield* openAiFake({ models: [MLX_ID], reply: "streamed fallback", streamChunks: 3 })
      const config = {
        models: { providers: { anthropic: { baseUrl: claude.baseUrl, apiKey: ANTHROPIC_KEY, models: [{ id: "claude-opus-4-6" }] }, mlx: mlxProvider(local) } },
        agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: [`mlx/${MLX_ID}`] } } }
      }
      const events = yield* stream(undefined, { messages: [{ role: "user", content: "long ".repeat(200) }] }).pipe(withConfig(config))
      expect(deltas(events).join("")).toBe("streamed fallback")
      expect(completed(events).fallback?.notice).toBe(`↪️ Model Fallback: mlx/${MLX_ID} (selected anthropic/claude-opus-4-6; rate_limit)`)
      expect(claude.requests).toHaveLength(1)
    }))
})

describe("retry, timeout and fallback policy on the TestClock (scripted client)", () => {
  const targetOf = scriptedTargets({ mlx: { models: ["m"] }, slow: { models: ["m"], timeoutSeconds: 7 }, one: { models: ["a"] }, two: { models: ["b"] } })

  /** The policy stack (fallback, retry, timeout) over a scripted client, with the test policy and in-memory health. */
  const scripted = (script: Parameters<typeof ScriptedModelClient>[0], otherwise?: ScriptedOutcome) => {
    const client = ScriptedModelClient(script, otherwise)
    const layer = ModelPolicyStack(client.layer).pipe(Layer.provide(ModelHealthTest), Layer.provide(ModelPolicyTest))
    const request = (key: string, fallbacks: ReadonlyArray<string> = []) => ({ target: targetOf(key), fallbacks: fallbacks.map(targetOf), input: hi })
    return {
      calls: client.calls,
      complete: (key: string, fallbacks?: ReadonlyArray<string>) => Effect.flatMap(ModelClient, (c) => c.complete(request(key, fallbacks))).pipe(Effect.provide(layer)),
      stream: (key: string, fallbacks?: ReadonlyArray<string>) => Stream.unwrap(Effect.map(ModelClient, (c) => c.stream(request(key, fallbacks)))).pipe(Stream.provideLayer(layer))
    }
  }

  it.effect("a 429 with retry-after: 5 is retried once, exactly 5 s later", () =>
    Effect.gen(function*() {
      const models = scripted({ "mlx/m": [rateLimited(5_000)] })
      const fiber = yield* Effect.fork(models.complete("mlx/m"))
      yield* TestClock.adjust("4999 millis")
      expect(models.calls).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      expect(models.calls.map((call) => call.at)).toEqual([0, 5_000])
      expect(responseText(response)).toBe("pong")
    }))

  it.effect("without retry-after, 502s back off 1 s then 2 s (the test policy), then give up", () =>
    Effect.gen(function*() {
      const models = scripted({ "mlx/m": [badGateway, badGateway, badGateway] })
      const fiber = yield* Effect.fork(models.complete("mlx/m"))
      yield* TestClock.adjust("1 second")
      expect(models.calls).toHaveLength(2)
      yield* TestClock.adjust("2 seconds")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(models.calls.map((call) => call.at)).toEqual([0, 1_000, 3_000])
      expect(error.reason).toBe("server_error")
    }))

  it.effect("an all-overloaded chain is rerun after 2.5 s, then 5 s, with the overload notice once 7 s were spent waiting", () =>
    Effect.gen(function*() {
      // Each round is one try plus the two same-provider retries of the test policy (1 s, 2 s).
      const models = scripted({ "mlx/m": Array.from({ length: 6 }, () => overloaded) })
      const logs: Array<string> = []
      const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => {
        logs.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
      }))
      const fiber = yield* Effect.fork(models.complete("mlx/m").pipe(Effect.provide(capture)))
      let at = 0
      for (const wake of [1_000, 3_000, 5_500, 6_500, 8_500, 13_500]) {
        // The notice comes when the wait that crosses 7 s has been served, not before.
        expect(logs.includes(OVERLOAD_NOTICE)).toBe(false)
        yield* TestClock.adjust(wake - at)
        at = wake
      }
      const response = yield* Fiber.join(fiber)
      expect(responseText(response)).toBe("pong")
      expect(models.calls.map((call) => call.at)).toEqual([0, 1_000, 3_000, 5_500, 6_500, 8_500, 13_500])
      expect(logs.filter((line) => line === OVERLOAD_NOTICE)).toHaveLength(1)
    }))

  it.effect("past the rerun budget (3 in tests) the overload surfaces; a stream is rerun like a call before its first event", () =>
    Effect.gen(function*() {
      const models = scripted({ "mlx/m": Array.from({ length: 12 }, () => overloaded) })
      const fiber = yield* Effect.fork(models.complete("mlx/m"))
      yield* TestClock.adjust("30 seconds")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(error.reason).toBe("overloaded")
      expect(models.calls.map((call) => call.at)).toEqual([0, 1_000, 3_000, 5_500, 6_500, 8_500, 13_500, 14_500, 16_500, 26_500, 27_500, 29_500])
      const streamed = scripted({ "mlx/m": [overloaded, overloaded, overloaded] })
      const events = yield* Effect.fork(Stream.runCollect(streamed.stream("mlx/m")))
      yield* TestClock.adjust("5500 millis")
      expect(deltas(Chunk.toReadonlyArray(yield* Fiber.join(events)))).toEqual(["pong"])
      expect(streamed.calls.map((call) => call.at - 30_000)).toEqual([0, 1_000, 3_000, 5_500])
    }))

  it.effect("timeoutSeconds bounds a hung request: nothing at 6.999 s, ModelTimeout at 7 s, no retry", () =>
    Effect.gen(function*() {
      const models = scripted({ "slow/m": [hang] })
      const fiber = yield* Effect.fork(models.complete("slow/m"))
      yield* TestClock.adjust("6999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(error._tag).toBe("ModelTimeout")
      expect(error.message).toBe("LLM request timed out after 7s (slow/m)")
      expect(models.calls).toHaveLength(1)
    }))

  it.effect("without timeoutSeconds the policy timeout (30 s in tests) applies, and a timeout fails over", () =>
    Effect.gen(function*() {
      const models = scripted({ "one/a": [hang], "two/b": [reply("backup")] })
      const fiber = yield* Effect.fork(models.complete("one/a", ["two/b"]))
      yield* TestClock.adjust("29999 millis")
      expect(models.calls.map((call) => call.key)).toEqual(["one/a"])
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      expect(response.provider).toBe("two")
      expect(response.fallback?.reason).toBe("timeout")
      expect(models.calls.map((call) => `${call.key}@${call.at}`)).toEqual(["one/a@0", "two/b@30000"])
    }))

  it.effect("a stream that stalls after its first deltas times out per piece and does not fall back once started", () =>
    Effect.gen(function*() {
      // Pieces every 3 s under a 7 s per-piece limit: a whole-stream limit would fire at 7 s, the per-piece one at 6 + 7 s.
      const models = scripted({ "slow/m": [stall(["one t", "wo th"], 3_000)] })
      const seen: Array<string> = []
      const fiber = yield* Effect.fork(Stream.runForEach(models.stream("slow/m", ["two/b"]), (event) =>
        Effect.sync(() => {
          if (event._tag === "TextDelta") seen.push(event.text)
        })))
      yield* TestClock.adjust("12999 millis")
      expect(seen).toEqual(["one t", "wo th"])
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(error._tag).toBe("ModelTimeout")
      expect(models.calls.map((call) => call.key)).toEqual(["slow/m"])
    }))

  it.effect("a stream that hangs before its first piece times out", () =>
    Effect.gen(function*() {
      const models = scripted({ "slow/m": [hang] })
      const fiber = yield* Effect.fork(Stream.runCollect(models.stream("slow/m")))
      yield* TestClock.adjust("7 seconds")
      const error = modelError(yield* Effect.flip(Fiber.join(fiber)))
      expect(error._tag).toBe("ModelTimeout")
    }))

  it.effect("a stream is retried only before its first event", () =>
    Effect.gen(function*() {
      const before = scripted({ "mlx/m": [rateLimited(2_000)] })
      const fiber = yield* Effect.fork(Stream.runCollect(before.stream("mlx/m")))
      yield* TestClock.adjust("2 seconds")
      const events = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(deltas(events)).toEqual(["pong"])
      expect(before.calls.map((call) => call.at)).toEqual([0, 2_000])
      const after = scripted({ "mlx/m": [failAfter(rateLimited(2_000), "par", "tial")] })
      const error = modelError(yield* Effect.flip(Stream.runDrain(after.stream("mlx/m"))))
      expect(error._tag).toBe("ModelRateLimited")
      expect(after.calls).toHaveLength(1)
    }))

  it.effect("a call is traced through each policy layer: fallback, retry, timeout", () =>
    Effect.gen(function*() {
      const models = scripted({})
      yield* models.complete("mlx/m")
      yield* Stream.runDrain(models.stream("mlx/m"))
      expect(models.calls.map((call) => call.spans.filter((name) => name.startsWith("Model")))).toEqual([
        ["ModelTimeout.complete", "ModelRetry.complete", "ModelFallback.complete"],
        ["ModelTimeout.stream", "ModelRetry.stream", "ModelFallback.stream"]
      ])
    }))
})
