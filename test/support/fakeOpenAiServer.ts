import type * as http from "node:http"
import { type CannedFailure, type FakeServer, type RecordedRequest, scopedFake, sendFailure, sendJson, startFake, chatChunk, splitText } from "./fakeHttp.js"

/** How the fake Chat Completions server behaves; mutable between requests. */
export interface OpenAiFakeBehaviour {
  /** Model ids the server serves; any other id answers 404 `model_not_found`. */
  models: Array<string>
  /** Rejects array content like a string-only (serde) backend: 422 `messages[i].content: invalid type: sequence, expected a string`. */
  stringContentOnly: boolean
  /** Rejects any request that carries `tools` with a 400. */
  rejectTools: boolean
  /** The assistant text (split into `streamChunks` deltas when streaming). */
  reply: string
  streamChunks: number
  /** Answer with this tool call when tools are offered. */
  toolCall: { name: string; arguments: Record<string, unknown> } | undefined
  /** Finish with `stop` and no content. */
  emptyStop: boolean
  /** Canned failures, consumed one per request before normal handling. */
  failures: Array<CannedFailure>
  /** Never answer (the socket stays open until the client gives up or the fake closes). */
  hang: boolean
  /** When set, `Authorization: Bearer <key>` is required. */
  apiKey: string | undefined
  /** Streaming only: send the role chunk and this many text chunks, then stall with the socket open. */
  stallAfterChunks: number | undefined
}

export interface OpenAiFake extends FakeServer {
  readonly behaviour: OpenAiFakeBehaviour
  /** `<baseUrl>/v1`, what `models.providers.<id>.baseUrl` should be. */
  readonly v1: string
}

const chunk = (model: string, delta: Record<string, unknown>, finish: string | null) => chatChunk("chatcmpl-fake", model, delta, finish)

const invalid = (res: http.ServerResponse, message: string) =>
  sendJson(res, 400, { error: { message, type: "invalid_request_error", param: null, code: null } })

const handle = (behaviour: OpenAiFakeBehaviour) => (request: RecordedRequest, res: http.ServerResponse) => {
  if (behaviour.hang) return
  if (request.method === "GET" && request.url === "/v1/models") {
    return sendJson(res, 200, { object: "list", data: behaviour.models.map((id) => ({ id, object: "model", owned_by: "fake" })) })
  }
  if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
    return sendJson(res, 404, { error: { message: `Unknown request URL: ${request.method} ${request.url}`, type: "invalid_request_error", code: "unknown_url" } })
  }
  if (behaviour.apiKey !== undefined && request.headers["authorization"] !== `Bearer ${behaviour.apiKey}`) {
    return sendJson(res, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } })
  }
  const failure = behaviour.failures.shift()
  if (failure !== undefined) return sendFailure(res, failure)
  const body = request.body
  if (typeof body !== "object" || body === null || typeof body.model !== "string" || !Array.isArray(body.messages)) {
    return invalid(res, "body must have model and messages")
  }
  if (behaviour.stringContentOnly) {
    const index = body.messages.findIndex((m: any) => Array.isArray(m.content))
    if (index >= 0) {
      res.writeHead(422, { "content-type": "text/plain; charset=utf-8" })
      return res.end(`Failed to deserialize the JSON body into the target type: messages[${index}].content: invalid type: sequence, expected a string at line 1 column 60`)
    }
  }
  if (!behaviour.models.includes(body.model)) {
    return sendJson(res, 404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } })
  }
  for (const [i, m] of body.messages.entries()) {
    if (!["system", "developer", "user", "assistant", "tool"].includes(m.role)) return invalid(res, `messages[${i}].role: unknown variant \`${m.role}\``)
  }
  if (behaviour.rejectTools && body.tools !== undefined) return invalid(res, "tools are not supported by this model")
  const toolCall = behaviour.toolCall !== undefined && Array.isArray(body.tools) && body.tools.length > 0 ? behaviour.toolCall : undefined
  const text = behaviour.emptyStop || toolCall !== undefined ? "" : behaviour.reply
  const finish = toolCall !== undefined ? "tool_calls" : "stop"
  const usage = { prompt_tokens: 11, completion_tokens: behaviour.emptyStop ? 0 : 3, total_tokens: behaviour.emptyStop ? 11 : 14 }
  const calls = toolCall === undefined
    ? undefined
    : [{ id: "call_fake_1", type: "function", function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) } }]
  if (body.stream !== true) {
    return sendJson(res, 200, {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text, ...(calls === undefined ? {} : { tool_calls: calls }) }, finish_reason: finish }],
      usage
    })
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
  if (behaviour.stallAfterChunks !== undefined) {
    const pieces = splitText(text, behaviour.streamChunks).slice(0, behaviour.stallAfterChunks)
    res.write(chunk(body.model, { role: "assistant", content: "" }, null) + pieces.map((piece) => chunk(body.model, { content: piece }, null)).join(""))
    return
  }
  let out = chunk(body.model, { role: "assistant", content: "" }, null)
  for (const piece of text === "" ? [] : splitText(text, behaviour.streamChunks)) out += chunk(body.model, { content: piece }, null)
  if (calls !== undefined) {
    const [call] = calls
    const args = call?.function.arguments ?? ""
    out += chunk(body.model, { tool_calls: [{ index: 0, id: call?.id, type: "function", function: { name: call?.function.name, arguments: "" } }] }, null)
    for (const piece of splitText(args, 3)) out += chunk(body.model, { tool_calls: [{ index: 0, function: { arguments: piece } }] }, null)
  }
  out += chunk(body.model, {}, finish)
  if (body.stream_options?.include_usage === true) {
    out += `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1, model: body.model, choices: [], usage })}\n\n`
  }
  out += "data: [DONE]\n\n"
  res.end(out)
}

export const defaultOpenAiBehaviour = (): OpenAiFakeBehaviour => ({
  models: [],
  stringContentOnly: false,
  rejectTools: false,
  reply: "pong",
  streamChunks: 2,
  toolCall: undefined,
  emptyStop: false,
  failures: [],
  hang: false,
  apiKey: undefined,
  stallAfterChunks: undefined
})

/** Starts a fake OpenAI-compatible `/v1/chat/completions` server (MLX/vLLM/LM Studio style). */
export const startOpenAiFake = async (overrides: Partial<OpenAiFakeBehaviour> = {}): Promise<OpenAiFake> => {
  const behaviour = { ...defaultOpenAiBehaviour(), ...overrides }
  const server = await startFake(handle(behaviour))
  return { ...server, behaviour, v1: `${server.baseUrl}/v1` }
}

/** The fake as a scoped Effect resource. */
export const openAiFake = (overrides: Partial<OpenAiFakeBehaviour> = {}) => scopedFake(() => startOpenAiFake(overrides))
