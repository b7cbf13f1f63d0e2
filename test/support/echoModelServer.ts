import { chatChunk, type FakeServer, sendJson, startFake } from "./fakeHttp.js"

export interface EchoModelServer extends FakeServer {
  readonly v1: string
  /** Delay before each answer (ms); change at any time. */
  delayMs: number
  /** Time spent inside the model per request (arrival to end of stream), in ms. */
  readonly modelTimes: Array<number>
}

const lastUserText = (body: any): string => {
  const messages: Array<any> = Array.isArray(body?.messages) ? body.messages : []
  const user = [...messages].reverse().find((m) => m.role === "user")
  if (typeof user?.content === "string") return user.content
  return Array.isArray(user?.content) ? user.content.filter((c: any) => c.type === "text").map((c: any) => c.text).join("") : ""
}

/**
 * A loopback OpenAI-compatible Chat Completions server (streaming) whose answer is `echo: <the last
 * user message>`, so a test can tell which message a reply answers.
 */
export const startEchoModelServer = async (delayMs = 0): Promise<EchoModelServer> => {
  const state = { delayMs }
  const modelTimes: Array<number> = []
  const server = await startFake((request, res) => {
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") return sendJson(res, 404, { error: { message: "unknown url" } })
    const started = performance.now()
    const model = String(request.body?.model ?? "m1")
    const text = `echo: ${lastUserText(request.body)}`
    setTimeout(() => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.write(chatChunk("chatcmpl-echo", model, { role: "assistant", content: text }, null))
      res.write(chatChunk("chatcmpl-echo", model, {}, "stop"))
      res.write(`data: ${JSON.stringify({ id: "chatcmpl-echo", object: "chat.completion.chunk", created: 1, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`)
      res.end("data: [DONE]\n\n")
      modelTimes.push(performance.now() - started)
    }, state.delayMs)
  })
  return {
    ...server,
    v1: `${server.baseUrl}/v1`,
    modelTimes,
    get delayMs() {
      return state.delayMs
    },
    set delayMs(ms: number) {
      state.delayMs = ms
    }
  }
}
