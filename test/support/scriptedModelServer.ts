import type * as http from "node:http"
import { type FakeServer, sendJson, startFake, chatChunk, splitText } from "./fakeHttp.js"

/** One scripted model turn, answered to the next `/v1/chat/completions` request. */
export interface ScriptedTurn {
  /** Visible text, streamed in `chunks` deltas. */
  readonly text?: string
  readonly chunks?: number
  /** Reasoning (`reasoning_content`) before any text. */
  readonly reasoning?: string
  readonly toolCalls?: ReadonlyArray<{ readonly name: string; readonly arguments: Record<string, unknown> }>
  /** Stream the first chunk, then never finish (until the client goes away). */
  readonly hang?: boolean
  /** Delay between chunks. */
  readonly delayMs?: number
  /** Answer with this HTTP error status (and JSON body) instead of a turn. */
  readonly failStatus?: number
  readonly failBody?: unknown
}

export interface ScriptedModelServer extends FakeServer {
  /** Turns still to answer; when empty, `fallback` answers. */
  readonly script: Array<ScriptedTurn>
  fallback: ScriptedTurn
  /** `<baseUrl>/v1`. */
  readonly v1: string
}

const chunk = (model: string, delta: Record<string, unknown>, finish: string | null) => chatChunk("chatcmpl-scripted", model, delta, finish)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A loopback OpenAI-compatible Chat Completions server (streaming) that answers a queue of scripted
 * turns: text, tool calls, reasoning-only, empty, or a hang. Every request is recorded.
 */
export const startScriptedModelServer = async (script: ReadonlyArray<ScriptedTurn> = [], fallback: ScriptedTurn = { text: "done" }): Promise<ScriptedModelServer> => {
  const queue: Array<ScriptedTurn> = [...script]
  const state = { fallback }
  const handle = (request: { method: string; url: string; body: any }, res: http.ServerResponse) => {
    if (request.method === "GET" && request.url === "/v1/models") return sendJson(res, 200, { object: "list", data: [{ id: "m1", object: "model" }] })
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") return sendJson(res, 404, { error: { message: "unknown url" } })
    const turn = queue.shift() ?? state.fallback
    const model = String(request.body?.model ?? "m1")
    if (turn.failStatus !== undefined) return sendJson(res, turn.failStatus, turn.failBody ?? { error: { message: `HTTP ${turn.failStatus}` } })
    void (async () => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
      const write = async (text: string) => {
        res.write(text)
        if (turn.delayMs !== undefined) await sleep(turn.delayMs)
      }
      await write(chunk(model, { role: "assistant", content: "" }, null))
      if (turn.reasoning !== undefined) await write(chunk(model, { reasoning_content: turn.reasoning }, null))
      if (turn.hang === true) {
        if (turn.text !== undefined) await write(chunk(model, { content: turn.text }, null))
        return
      }
      for (const piece of turn.text === undefined || turn.text === "" ? [] : splitText(turn.text, turn.chunks ?? 2)) await write(chunk(model, { content: piece }, null))
      const calls = turn.toolCalls ?? []
      for (const [index, call] of calls.entries()) {
        await write(chunk(model, { tool_calls: [{ index, id: `call_${index + 1}`, type: "function", function: { name: call.name, arguments: "" } }] }, null))
        await write(chunk(model, { tool_calls: [{ index, function: { arguments: JSON.stringify(call.arguments) } }] }, null))
      }
      const output = (turn.text ?? "").length === 0 && calls.length === 0 ? 0 : 5
      await write(chunk(model, {}, calls.length > 0 ? "tool_calls" : "stop"))
      res.write(`data: ${JSON.stringify({ id: "chatcmpl-scripted", object: "chat.completion.chunk", created: 1, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: output, total_tokens: 10 + output } })}\n\n`)
      res.end("data: [DONE]\n\n")
    })()
  }
  const server = await startFake(handle)
  return {
    ...server,
    script: queue,
    get fallback() {
      return state.fallback
    },
    set fallback(turn: ScriptedTurn) {
      state.fallback = turn
    },
    v1: `${server.baseUrl}/v1`
  }
}

/** Config that points `agents.defaults.model` at the scripted server as provider `fake`, model `m1`. */
export const scriptedModelConfig = (server: { readonly v1: string }, extra: Record<string, unknown> = {}) => ({
  models: { providers: { fake: { baseUrl: server.v1, api: "openai-completions", apiKey: "test-key", models: [{ id: "m1", name: "Scripted" }] } } },
  agents: { defaults: { model: "fake/m1" } },
  ...extra
})
