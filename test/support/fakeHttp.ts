import { Effect } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** One request a fake received. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: any
}

/** A queued canned failure: status, body (JSON or text) and headers. */
export interface CannedFailure {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

/** A loopback HTTP server (127.0.0.1, port 0) that records requests and answers through `handle`. */
export interface FakeServer {
  readonly port: number
  readonly baseUrl: string
  readonly requests: Array<RecordedRequest>
  /** Resolves once at least `n` requests have arrived. */
  readonly waitForRequests: (n: number, timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

export type Handler = (request: RecordedRequest, res: http.ServerResponse) => void

/** One Chat Completions stream chunk as an SSE `data:` event. */
export const chatChunk = (id: string, model: string, delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/** `text` cut into about `parts` pieces, for streaming it as several deltas. */
export const splitText = (text: string, parts: number): Array<string> => {
  if (text === "" || parts <= 1) return [text]
  const size = Math.ceil(text.length / parts)
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

export const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  res.end(text)
}

export const sendFailure = (res: http.ServerResponse, failure: CannedFailure) => {
  if (typeof failure.body === "string") {
    res.writeHead(failure.status, { "content-type": "text/plain", ...failure.headers })
    res.end(failure.body)
  } else sendJson(res, failure.status, failure.body ?? { error: { message: `HTTP ${failure.status}`, type: "server_error" } }, failure.headers)
}

/** Starts a fake; every open socket is destroyed on close, so a hanging request ends too. */
export const startFake = (handle: Handler): Promise<FakeServer> =>
  new Promise((resolve, reject) => {
    const requests: Array<RecordedRequest> = []
    const waiters: Array<{ n: number; done: () => void }> = []
    const sockets = new Set<import("node:net").Socket>()
    const server = http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8")
        let body: unknown = text
        try {
          body = text === "" ? undefined : JSON.parse(text)
        } catch {
          body = text
        }
        const recorded: RecordedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body }
        requests.push(recorded)
        for (const waiter of [...waiters]) {
          if (requests.length >= waiter.n) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.done()
          }
        }
        handle(recorded, res)
      })
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      resolve({
        port,
        baseUrl: `http://127.0.0.1:${port}`,
        requests,
        waitForRequests: (n, timeoutMs = 5_000) =>
          requests.length >= n
            ? Promise.resolve()
            : new Promise<void>((done, fail) => {
              const timer = setTimeout(() => fail(new Error(`fake got ${requests.length} of ${n} requests`)), timeoutMs)
              waiters.push({ n, done: () => (clearTimeout(timer), done()) })
            }),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })

/** The fake as a scoped resource for Effect tests. */
export const scopedFake = <F extends FakeServer>(start: () => Promise<F>) =>
  Effect.acquireRelease(Effect.promise(start), (fake) => Effect.promise(() => fake.close()))
