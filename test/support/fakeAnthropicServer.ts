import type * as http from "node:http"
import { type CannedFailure, type FakeServer, type RecordedRequest, scopedFake, sendFailure, sendJson, startFake } from "./fakeHttp.js"

/** How the fake Messages API behaves; mutable between requests. */
export interface AnthropicFakeBehaviour {
  /** Required `x-api-key` value. */
  apiKey: string
  reply: string
  /** Answer with this tool_use when tools are offered. */
  toolUse: { name: string; input: Record<string, unknown> } | undefined
  /**
   * The 1M path: a request whose estimated input tokens exceed this (or that asks for the retired
   * `context-1m` beta) gets `429 rate_limit_error: Extra usage is required for long context requests`.
   */
  longContextAboveTokens: number
  failures: Array<CannedFailure>
  hang: boolean
}

export interface AnthropicFake extends FakeServer {
  readonly behaviour: AnthropicFakeBehaviour
}

const estimateTokens = (body: any) => Math.ceil(JSON.stringify({ system: body.system, messages: body.messages, tools: body.tools }).length / 4)

const invalid = (res: http.ServerResponse, message: string) =>
  sendJson(res, 400, { type: "error", error: { type: "invalid_request_error", message } })

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

const validate = (body: any): string | undefined => {
  if (typeof body?.model !== "string") return "model: Field required"
  if (typeof body.max_tokens !== "number") return "max_tokens: Field required"
  if (!Array.isArray(body.messages)) return "messages: Field required"
  const toolUses = new Set<string>()
  for (const [i, m] of body.messages.entries()) {
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`
    if (typeof m.content === "string") continue
    if (!Array.isArray(m.content)) return `messages.${i}.content: Input should be a valid list`
    for (const block of m.content) {
      if (block.type === "tool_use") toolUses.add(block.id)
      else if (block.type === "tool_result" && !toolUses.has(block.tool_use_id)) return `messages.${i}: unexpected tool_use_id found in tool_result blocks: ${block.tool_use_id}`
      else if (!["text", "image", "tool_use", "tool_result", "thinking"].includes(block.type)) return `messages.${i}.content: unknown block type ${block.type}`
    }
  }
  return undefined
}

const handle = (behaviour: AnthropicFakeBehaviour) => (request: RecordedRequest, res: http.ServerResponse) => {
  if (behaviour.hang) return
  if (request.method !== "POST" || request.url !== "/v1/messages") {
    return sendJson(res, 404, { type: "error", error: { type: "not_found_error", message: "Not found" } })
  }
  if (request.headers["x-api-key"] !== behaviour.apiKey) {
    return sendJson(res, 401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } })
  }
  if (request.headers["anthropic-version"] === undefined) return invalid(res, "anthropic-version: header is required")
  const failure = behaviour.failures.shift()
  if (failure !== undefined) return sendFailure(res, failure)
  const body = request.body
  const problem = validate(body)
  if (problem !== undefined) return invalid(res, problem)
  const beta = String(request.headers["anthropic-beta"] ?? "")
  if (beta.includes("context-1m-2025-08-07") || estimateTokens(body) > behaviour.longContextAboveTokens) {
    return sendJson(res, 429, { type: "error", error: { type: "rate_limit_error", message: "Extra usage is required for long context requests" } })
  }
  const tool = behaviour.toolUse !== undefined && Array.isArray(body.tools) && body.tools.length > 0 ? behaviour.toolUse : undefined
  const content = tool === undefined
    ? [{ type: "text", text: behaviour.reply }]
    : [{ type: "tool_use", id: "toolu_fake_1", name: tool.name, input: tool.input }]
  const stop = tool === undefined ? "end_turn" : "tool_use"
  const usage = { input_tokens: estimateTokens(body), output_tokens: 5 }
  if (body.stream !== true) {
    return sendJson(res, 200, { id: "msg_fake", type: "message", role: "assistant", model: body.model, content, stop_reason: stop, stop_sequence: null, usage })
  }
  res.writeHead(200, { "content-type": "text/event-stream" })
  let out = sse("message_start", { type: "message_start", message: { id: "msg_fake", type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, usage: { input_tokens: usage.input_tokens, output_tokens: 1 } } })
  content.forEach((block, index) => {
    if (block.type === "text") {
      out += sse("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } })
      const text = (block as { text: string }).text
      const half = Math.ceil(text.length / 2)
      for (const piece of [text.slice(0, half), text.slice(half)]) {
        if (piece !== "") out += sse("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } })
      }
    } else {
      const tu = block as { id: string; name: string; input: unknown }
      out += sse("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: tu.id, name: tu.name, input: {} } })
      out += sse("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(tu.input) } })
    }
    out += sse("content_block_stop", { type: "content_block_stop", index })
  })
  out += sse("message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } })
  out += sse("message_stop", { type: "message_stop" })
  res.end(out)
}

/** Starts a fake Anthropic Messages API (`POST /v1/messages`). */
export const startAnthropicFake = async (overrides: Partial<AnthropicFakeBehaviour> = {}): Promise<AnthropicFake> => {
  const behaviour: AnthropicFakeBehaviour = {
    apiKey: "sk-ant-api03-fake-key",
    reply: "pong from claude",
    toolUse: undefined,
    longContextAboveTokens: 200_000,
    failures: [],
    hang: false,
    ...overrides
  }
  const server = await startFake(handle(behaviour))
  return { ...server, behaviour }
}

export const anthropicFake = (overrides: Partial<AnthropicFakeBehaviour> = {}) => scopedFake(() => startAnthropicFake(overrides))
