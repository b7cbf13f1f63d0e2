import type * as http from "node:http"
import { type FakeServer, sendJson, startFake } from "./fakeHttp.js"

/** A message the bot sent (`sendMessage`). */
export interface SentMessage {
  readonly chat_id: string | number
  readonly text: string
  readonly parse_mode?: string
  readonly message_id: number
  /** performance.now() when it arrived. */
  readonly at: number
}

export interface FakeTelegram extends FakeServer {
  /** What to put in `channels.telegram.apiRoot`. */
  readonly apiRoot: string
  readonly bot: { readonly id: number; readonly username: string }
  readonly sent: Array<SentMessage>
  /** Method names called, in order. */
  readonly calls: Array<string>
  /** Every update ever queued, and the ones delivered by getUpdates (update ids). */
  readonly delivered: Array<number>
  /** When each update was first handed out by getUpdates (performance.now() ms). */
  readonly deliveredAt: Map<number, number>
  /** A DM from a user (private chat id = user id); returns the update id. */
  readonly dm: (fromId: number, text: string, from?: { first_name?: string; username?: string }) => number
  /** A group message; `mention` adds a `mention` entity for the bot's username. */
  readonly group: (chatId: number, fromId: number, text: string, options?: { mention?: boolean; replyToBot?: boolean }) => number
  /** Resolves once `predicate` holds for the sent messages (polling every 10 ms). */
  readonly waitForSent: (predicate: (sent: ReadonlyArray<SentMessage>) => boolean, timeoutMs?: number) => Promise<void>
  /** Makes the token answer 401 Unauthorized from now on. */
  revoke: () => void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A loopback Telegram Bot API (`/bot<token>/<method>`, JSON bodies, `{ok,result}` envelopes): getMe,
 * deleteWebhook, setMyCommands, long-polling getUpdates with offset confirmation (an update below the
 * offset is never delivered again, as on Telegram), sendMessage. A revoked token answers 401.
 */
export const startFakeTelegram = async (token: string, bot = { id: 999_000, username: "claw_test_bot" }): Promise<FakeTelegram> => {
  const queue: Array<{ update_id: number; message: Record<string, unknown> }> = []
  const sent: Array<SentMessage> = []
  const calls: Array<string> = []
  const delivered: Array<number> = []
  const deliveredAt = new Map<number, number>()
  const pollers = new Set<() => void>()
  const state = { nextUpdate: 1, nextMessage: 1, revoked: false }

  const push = (message: Record<string, unknown>) => {
    const update_id = state.nextUpdate++
    queue.push({ update_id, message: { message_id: state.nextMessage++, date: Math.floor(Date.now() / 1000), ...message } })
    for (const wake of [...pollers]) wake()
    return update_id
  }

  const answer = (res: http.ServerResponse, result: unknown) => sendJson(res, 200, { ok: true, result })

  const handle = (request: { method: string; url: string; body: any }, res: http.ServerResponse) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url)
    if (match === null) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" })
    const [, given, method = ""] = match
    calls.push(method)
    if (given !== token || state.revoked) return sendJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" })
    const body = request.body ?? {}
    switch (method) {
      case "getMe":
        return answer(res, { id: bot.id, is_bot: true, first_name: "Claw", username: bot.username })
      case "deleteWebhook":
      case "setMyCommands":
        return answer(res, true)
      case "sendMessage": {
        if (typeof body.text !== "string" || body.text.length > 4096) return sendJson(res, 400, { ok: false, error_code: 400, description: "Bad Request: message is too long" })
        const message_id = state.nextMessage++
        sent.push({ chat_id: body.chat_id, text: body.text, ...(body.parse_mode === undefined ? {} : { parse_mode: body.parse_mode }), message_id, at: performance.now() })
        return answer(res, { message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: "private" }, text: body.text })
      }
      case "getUpdates": {
        const offset = typeof body.offset === "number" ? body.offset : 0
        // Confirmation: everything below the offset is forgotten.
        while (queue.length > 0 && (queue[0]?.update_id ?? 0) < offset) queue.shift()
        const respond = () => {
          const batch = queue.slice(0, 100)
          for (const u of batch) {
            delivered.push(u.update_id)
            if (!deliveredAt.has(u.update_id)) deliveredAt.set(u.update_id, performance.now())
          }
          answer(res, batch)
        }
        if (queue.length > 0) return respond()
        const timeoutMs = Math.min(Number(body.timeout ?? 0), 30) * 1000
        const timer = setTimeout(() => {
          pollers.delete(wake)
          respond()
        }, timeoutMs)
        const wake = () => {
          clearTimeout(timer)
          pollers.delete(wake)
          respond()
        }
        pollers.add(wake)
        res.on("close", () => {
          clearTimeout(timer)
          pollers.delete(wake)
        })
        return
      }
      default:
        return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" })
    }
  }

  const server = await startFake(handle)
  return {
    ...server,
    apiRoot: server.baseUrl,
    bot,
    sent,
    calls,
    delivered,
    deliveredAt,
    dm: (fromId, text, from = {}) => push({ from: { id: fromId, is_bot: false, first_name: from.first_name ?? `User${fromId}`, ...(from.username === undefined ? {} : { username: from.username }) }, chat: { id: fromId, type: "private" }, text }),
    group: (chatId, fromId, text, options = {}) => {
      const mention = `@${bot.username}`
      const full = options.mention === true ? `${mention} ${text}` : text
      return push({
        from: { id: fromId, is_bot: false, first_name: `User${fromId}` },
        chat: { id: chatId, type: "supergroup", title: "Test group" },
        text: full,
        ...(options.mention === true ? { entities: [{ type: "mention", offset: 0, length: mention.length }] } : {}),
        ...(options.replyToBot === true ? { reply_to_message: { message_id: 1, date: 1, chat: { id: chatId, type: "supergroup" }, from: { id: bot.id, is_bot: true, first_name: "Claw" }, text: "earlier" } } : {})
      })
    },
    waitForSent: async (predicate, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs
      while (!predicate(sent)) {
        if (Date.now() > until) throw new Error(`timed out waiting for sent messages; have: ${JSON.stringify(sent.map((s) => [s.chat_id, s.text.slice(0, 60)]))}`)
        await sleep(10)
      }
    },
    revoke: () => {
      state.revoked = true
    }
  }
}
