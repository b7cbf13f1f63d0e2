import type { AddressInfo } from "node:net"
import { WebSocket, WebSocketServer } from "ws"
import { type FakeServer, sendJson, startFake } from "./fakeHttp.js"

/** A message the bot posted (`chat.postMessage`). */
export interface SlackPosted {
  readonly channel: string
  readonly text: string
  readonly thread_ts?: string
}

export interface FakeSlack extends FakeServer {
  /** What to put in `OPENCLAW_SLACK_API_BASE`. */
  readonly apiBase: string
  readonly botUserId: string
  readonly posted: Array<SlackPosted>
  /** Envelope ids the bot acknowledged. */
  readonly acked: Array<string>
  readonly connections: () => number
  readonly online: () => boolean
  /** A DM (`channel_type: im`); returns the message ts. */
  readonly dm: (userId: string, text: string) => string
  /** A channel message; `mention` puts `<@bot>` in the text and also raises `app_mention`, as Slack does. */
  readonly channelMessage: (channel: string, userId: string, text: string, options?: { mention?: boolean; threadTs?: string }) => string
  /** Sends a `disconnect` message (`refresh_requested`), as Slack does before it rotates a connection. */
  readonly disconnect: () => void
  /** The scopes the bot token has (`x-oauth-scopes`), and channels the bot is in. */
  readonly setScopes: (scopes: ReadonlyArray<string>) => void
  readonly setMember: (channel: string, member: boolean) => void
  /** The next `n` posts answer HTTP 429 `ratelimited` with `Retry-After: 1`. */
  readonly rateLimitNext: (n: number) => void
  readonly waitForPosted: (predicate: (posted: ReadonlyArray<SlackPosted>) => boolean, timeoutMs?: number) => Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A loopback Slack: the Web API under `/api` (`auth.test`, `apps.connections.open` with the app
 * token, `chat.postMessage` answering `not_in_channel` outside the bot's channels and `missing_scope`
 * without `chat:write`, `conversations.info`), and Socket Mode: `hello`, `events_api` envelopes
 * redelivered until acknowledged (an envelope raised while no socket is open waits for the next one),
 * `disconnect`.
 */
export const startFakeSlack = async (tokens: { readonly bot: string; readonly app: string }): Promise<FakeSlack> => {
  const botUserId = "U0BOT00001"
  const posted: Array<SlackPosted> = []
  const acked: Array<string> = []
  const pending = new Map<string, unknown>()
  const state = { connections: 0, socket: undefined as WebSocket | undefined, ready: false, ts: 1_700_000_000, envelope: 0, limited: 0, scopes: ["chat:write", "app_mentions:read", "channels:history", "im:history", "channels:read"] as ReadonlyArray<string> }
  const members = new Map<string, boolean>()

  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()))
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`

  const deliver = (id: string, payload: unknown) => {
    if (state.ready && state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify({ envelope_id: id, type: "events_api", accepts_response_payload: false, payload }))
  }

  wss.on("connection", (ws) => {
    state.connections++
    state.socket = ws
    state.ready = true
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" } }))
    // Unacknowledged envelopes are redelivered on the new connection.
    for (const [id, payload] of pending) deliver(id, payload)
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string }
      if (msg.envelope_id !== undefined) {
        acked.push(msg.envelope_id)
        pending.delete(msg.envelope_id)
      }
    })
    ws.on("close", () => {
      if (state.socket === ws) {
        state.socket = undefined
        state.ready = false
      }
    })
  })

  const raise = (event: Record<string, unknown>) => {
    const id = `env-${++state.envelope}`
    const payload = { team_id: "T0TEAM", type: "event_callback", event_id: `Ev${state.envelope}`, event }
    pending.set(id, payload)
    deliver(id, payload)
  }

  const http = await startFake((request, res) => {
    const method = request.url.replace(/^\/api\//, "")
    const auth = request.headers.authorization
    const headers = { "x-oauth-scopes": state.scopes.join(",") }
    if (method === "apps.connections.open") {
      if (auth !== `Bearer ${tokens.app}`) return sendJson(res, 200, { ok: false, error: "invalid_auth" })
      return sendJson(res, 200, { ok: true, url: wsUrl })
    }
    if (auth !== `Bearer ${tokens.bot}`) return sendJson(res, 200, { ok: false, error: "invalid_auth" })
    if (method === "auth.test") return sendJson(res, 200, { ok: true, user_id: botUserId, user: "clawbot", team: "Claw Team", team_id: "T0TEAM" }, headers)
    if (method === "conversations.info") {
      if (!state.scopes.includes("channels:read")) return sendJson(res, 200, { ok: false, error: "missing_scope", needed: "channels:read", provided: state.scopes.join(",") }, headers)
      const channel = String(request.body?.channel)
      return sendJson(res, 200, { ok: true, channel: { id: channel, is_member: members.get(channel) ?? true } }, headers)
    }
    if (method === "chat.postMessage") {
      if (!state.scopes.includes("chat:write")) return sendJson(res, 200, { ok: false, error: "missing_scope", needed: "chat:write", provided: state.scopes.join(",") }, headers)
      if (state.limited > 0) {
        state.limited--
        return sendJson(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": "1" })
      }
      const channel = String(request.body?.channel)
      if (members.get(channel) === false) return sendJson(res, 200, { ok: false, error: "not_in_channel" }, headers)
      posted.push({ channel, text: String(request.body?.text), ...(request.body?.thread_ts === undefined ? {} : { thread_ts: String(request.body.thread_ts) }) })
      return sendJson(res, 200, { ok: true, channel, ts: `${++state.ts}.000100` }, headers)
    }
    return sendJson(res, 200, { ok: false, error: "unknown_method" })
  })

  const nextTs = () => `${++state.ts}.000200`

  return {
    ...http,
    apiBase: `${http.baseUrl}/api`,
    botUserId,
    posted,
    acked,
    connections: () => state.connections,
    online: () => state.ready,
    dm: (userId, text) => {
      const ts = nextTs()
      raise({ type: "message", channel: `D${userId}`, channel_type: "im", user: userId, text, ts })
      return ts
    },
    channelMessage: (channel, userId, text, options = {}) => {
      const ts = nextTs()
      const body = options.mention === true ? `<@${botUserId}> ${text}` : text
      const base = { channel, user: userId, text: body, ts, ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }) }
      raise({ type: "message", channel_type: "channel", ...base })
      if (options.mention === true) raise({ type: "app_mention", ...base })
      return ts
    },
    disconnect: () => state.socket?.send(JSON.stringify({ type: "disconnect", reason: "refresh_requested", debug_info: { host: "fake" } })),
    setScopes: (scopes) => {
      state.scopes = scopes
    },
    rateLimitNext: (n) => {
      state.limited = n
    },
    setMember: (channel, member) => {
      members.set(channel, member)
    },
    waitForPosted: async (predicate, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs
      while (!predicate(posted)) {
        if (Date.now() > until) throw new Error(`timed out waiting for a Slack post; posted: ${JSON.stringify(posted)}`)
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
