import type { AddressInfo } from "node:net"
import { WebSocket, WebSocketServer } from "ws"
import { type FakeServer, sendJson, startFake } from "./fakeHttp.js"

/** A message the bot posted (`POST /channels/:id/messages`). */
export interface DiscordSent {
  readonly channel_id: string
  readonly content: string
  readonly at: number
}

export interface FakeDiscord extends FakeServer {
  /** What to put in `OPENCLAW_DISCORD_API_BASE`. */
  readonly apiBase: string
  readonly bot: { readonly id: string; readonly username: string }
  readonly sent: Array<DiscordSent>
  /** Every Gateway frame the bot sent (op, d), in order. */
  readonly received: Array<{ readonly op: number; readonly d: any }>
  /** How many Gateway connections were opened. */
  readonly connections: () => number
  /** Whether a bot socket is open and identified/resumed. */
  readonly online: () => boolean
  /** A DM from a user; returns the message id. */
  readonly dm: (userId: string, content: string, author?: { username?: string; global_name?: string }) => string
  /** A guild message; `mention` puts `<@bot>` in the text and the bot in `mentions`. */
  readonly guild: (guildId: string, channelId: string, authorId: string, content: string, options?: { mention?: boolean; replyToBot?: boolean }) => string
  /** The DM channel id Discord uses for a user (replies to a DM go there). */
  readonly dmChannelOf: (userId: string) => string
  /** Cuts the bot's socket without a close frame (as a network drop would). */
  readonly dropSocket: () => void
  /** Stops (or resumes) answering heartbeats with ACKs. */
  readonly ackHeartbeats: (on: boolean) => void
  /** Closes the bot's socket with a Gateway close code (4014: disallowed intents). */
  readonly closeWith: (code: number, reason: string) => void
  /** The next `n` message sends answer 429 with `retry_after` seconds. */
  readonly rateLimitNext: (n: number, retryAfterSeconds: number) => void
  /** Resolves once `predicate` holds for the sent messages. */
  readonly waitForSent: (predicate: (sent: ReadonlyArray<DiscordSent>) => boolean, timeoutMs?: number) => Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A loopback Discord: REST under `/api/v10` (`/gateway/bot`, `/users/@me`, `/oauth2/applications/@me`,
 * `POST /channels/:id/messages` with `X-RateLimit-*` headers and 429 `retry_after`) and a Gateway
 * WebSocket speaking v10 JSON: HELLO, IDENTIFY → READY, heartbeats ACKed, RESUME replaying every
 * dispatch after the given sequence number then RESUMED. Dispatches raised while the bot is offline
 * wait for its resume, as Discord's do.
 */
export const startFakeDiscord = async (token: string, options: { readonly heartbeatMs?: number; readonly appFlags?: number } = {}): Promise<FakeDiscord> => {
  const bot = { id: "880000000000000001", username: "claw_discord_bot" }
  const sent: Array<DiscordSent> = []
  const received: Array<{ op: number; d: any }> = []
  const dispatches: Array<{ s: number; t: string; d: unknown }> = []
  const state = { seq: 0, nextId: 1_000_000n, connections: 0, sessionId: "", socket: undefined as WebSocket | undefined, ready: false, limited: 0, retryAfter: 0, sendCount: 0, ack: true }
  const snowflake = () => String(9_000_000_000_000_000n + state.nextId++)

  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()))
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`

  const frame = (ws: WebSocket, payload: unknown) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(payload))
  const dispatch = (t: string, d: unknown) => {
    const s = ++state.seq
    dispatches.push({ s, t, d })
    if (state.ready && state.socket !== undefined) frame(state.socket, { op: 0, t, s, d })
  }

  wss.on("connection", (ws) => {
    state.connections++
    state.socket = ws
    state.ready = false
    frame(ws, { op: 10, d: { heartbeat_interval: options.heartbeatMs ?? 41_250 } })
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { op: number; d: any }
      received.push(msg)
      if (msg.op === 1 && state.ack) frame(ws, { op: 11 })
      if (msg.op === 2) {
        if (msg.d?.token !== token) return ws.close(4004, "Authentication failed.")
        state.sessionId = `session-${state.connections}`
        state.ready = true
        const s = ++state.seq
        frame(ws, { op: 0, t: "READY", s, d: { v: 10, session_id: state.sessionId, resume_gateway_url: wsUrl, user: { id: bot.id, username: bot.username, bot: true }, guilds: [] } })
      }
      if (msg.op === 6) {
        if (msg.d?.token !== token || msg.d?.session_id !== state.sessionId) return frame(ws, { op: 9, d: false })
        state.ready = true
        for (const missed of dispatches.filter((x) => x.s > (msg.d.seq ?? 0))) frame(ws, { op: 0, t: missed.t, s: missed.s, d: missed.d })
        frame(ws, { op: 0, t: "RESUMED", s: ++state.seq, d: {} })
      }
    })
    ws.on("close", () => {
      if (state.socket === ws) {
        state.socket = undefined
        state.ready = false
      }
    })
  })

  const message = (channelId: string, authorId: string, content: string, extra: Record<string, unknown> = {}) => {
    const id = snowflake()
    dispatch("MESSAGE_CREATE", { id, channel_id: channelId, author: { id: authorId, username: `user${authorId.slice(-4)}`, bot: false }, content, timestamp: new Date().toISOString(), mentions: [], ...extra })
    return id
  }

  const http = await startFake((request, res) => {
    const path = request.url.replace(/^\/api\/v10/, "")
    if (request.headers.authorization !== `Bot ${token}`) return sendJson(res, 401, { message: "401: Unauthorized", code: 0 })
    if (request.method === "GET" && path === "/gateway/bot") return sendJson(res, 200, { url: wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } })
    if (request.method === "GET" && path === "/users/@me") return sendJson(res, 200, { id: bot.id, username: bot.username, bot: true })
    if (request.method === "GET" && path === "/oauth2/applications/@me") return sendJson(res, 200, { id: "770000000000000001", name: "claw", flags: options.appFlags ?? (1 << 19) })
    if (request.method === "POST" && path === "/users/@me/channels") return sendJson(res, 200, { id: `7${request.body?.recipient_id}`, type: 1 })
    const send = /^\/channels\/(\d+)\/messages$/.exec(path)
    if (request.method === "POST" && send !== null) {
      if (state.limited > 0) {
        state.limited--
        return sendJson(res, 429, { message: "You are being rate limited.", retry_after: state.retryAfter, global: false }, { "retry-after": String(Math.ceil(state.retryAfter)), "x-ratelimit-bucket": "msgbucket", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": String(state.retryAfter) })
      }
      const content = String(request.body?.content ?? "")
      if (content.length > 2000) return sendJson(res, 400, { message: "Invalid Form Body", code: 50035 })
      sent.push({ channel_id: send[1] ?? "", content, at: performance.now() })
      return sendJson(res, 200, { id: snowflake(), channel_id: send[1], content }, { "x-ratelimit-bucket": "msgbucket", "x-ratelimit-remaining": "4", "x-ratelimit-reset-after": "1" })
    }
    return sendJson(res, 404, { message: "404: Not Found", code: 0 })
  })

  return {
    ...http,
    apiBase: `${http.baseUrl}/api/v10`,
    bot,
    sent,
    received,
    connections: () => state.connections,
    online: () => state.ready,
    dmChannelOf: (userId) => `7${userId}`,
    dm: (userId, content, author = {}) => message(`7${userId}`, userId, content, { author: { id: userId, username: author.username ?? `user${userId.slice(-4)}`, global_name: author.global_name ?? null, bot: false } }),
    guild: (guildId, channelId, authorId, content, opts = {}) =>
      message(channelId, authorId, opts.mention === true ? `<@${bot.id}> ${content}` : content, {
        guild_id: guildId,
        mentions: opts.mention === true ? [{ id: bot.id, username: bot.username }] : [],
        ...(opts.replyToBot === true ? { referenced_message: { id: "1", author: { id: bot.id, username: bot.username }, content: "earlier" } } : {})
      }),
    dropSocket: () => {
      const ws = state.socket
      state.ready = false
      state.socket = undefined
      ws?.terminate()
    },
    ackHeartbeats: (on) => {
      state.ack = on
    },
    closeWith: (code, reason) => state.socket?.close(code, reason),
    rateLimitNext: (n, retryAfterSeconds) => {
      state.limited = n
      state.retryAfter = retryAfterSeconds
    },
    waitForSent: async (predicate, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs
      while (!predicate(sent)) {
        if (Date.now() > until) throw new Error(`timed out waiting for a Discord send; sent: ${JSON.stringify(sent)}`)
        await sleep(10)
      }
    },
    close: async () => {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await http.close()
    }
  }
}
