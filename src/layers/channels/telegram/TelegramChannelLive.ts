import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Duration, Effect, Either, Fiber, FiberSet, Layer, Schema } from "effect"
import * as path from "node:path"
import { type TelegramAccountPlan, telegramAccounts, telegramDefaultAccountId } from "../../../domain/channels/telegramAccounts.js"
import { mentionsBot, TELEGRAM_COMMANDS, TELEGRAM_TEXT_LIMIT, type TgMessage, TgSentMessage, TgUpdate, TgUser } from "../../../domain/channels/telegramApi.js"
import type { ProbeResult } from "../../../domain/channels/status.js"
import type { OpenClawConfig } from "../../../domain/config/ConfigSchema.js"
import { type AccountRuntime, type ChannelAccount, type ChannelPlugin, ChannelRegistry, type Inbound } from "../../../services/ChannelRegistry.js"
import { StateFiles } from "../../../services/StateFiles.js"
import { type BotApiError, callBotApi } from "./botApi.js"
import { channelAccount } from "../channelAccount.js"

/** What a Telegram account carries beyond the common fields. */
interface TelegramSettings {
  readonly token: string | undefined
  readonly apiRoot: string
}

/** Timings of the adapter (tests shorten them). */
export interface TelegramTimings {
  /** `getUpdates` long-poll timeout, in seconds. */
  readonly pollTimeoutSeconds: number
  /** First retry delay after a failed call; doubles up to `retryMax`. */
  readonly retryBase: Duration.DurationInput
  readonly retryMax: Duration.DurationInput
}

const DEFAULT_TIMINGS: TelegramTimings = { pollTimeoutSeconds: 25, retryBase: "1 second", retryMax: "30 seconds" }

/** `<stateDir>/telegram/update-offset-<account>.json`: the last update confirmed, and updates accepted but not yet answered. */
const OffsetFile = Schema.Struct({ version: Schema.Literal(1), lastUpdateId: Schema.NullOr(Schema.Number), inflight: Schema.Array(TgUpdate) })
type OffsetFile = typeof OffsetFile.Type
const decodeOffset = Schema.decodeUnknownEither(Schema.parseJson(OffsetFile))

const settingsOf = (account: ChannelAccount) => account.settings as TelegramSettings

const chatTypeOf = (type: string): Inbound["chatType"] => (type === "private" ? "direct" : type === "channel" ? "channel" : "group")

const nameOf = (user: { readonly first_name?: string | undefined; readonly last_name?: string | undefined } | undefined) => {
  const name = [user?.first_name, user?.last_name].filter((p) => p !== undefined && p !== "").join(" ")
  return name === "" ? undefined : name
}

/** A Telegram message as the core's Inbound (undefined: nothing to answer, e.g. a sticker or the bot itself). */
const toInbound = (accountId: string, message: TgMessage, bot: { readonly id: number; readonly username: string | undefined }): Inbound | undefined => {
  const text = message.text ?? message.caption
  if (text === undefined || message.from === undefined || message.from.id === bot.id) return undefined
  return {
    channel: "telegram",
    accountId,
    chatType: chatTypeOf(message.chat.type),
    senderId: String(message.from.id),
    senderName: nameOf(message.from),
    senderUsername: message.from.username,
    conversationId: String(message.chat.id),
    threadId: message.message_thread_id === undefined ? undefined : String(message.message_thread_id),
    messageId: String(message.message_id),
    text,
    wasMentioned: mentionsBot(message, bot),
    replyToBot: message.reply_to_message?.from?.id === bot.id,
    ts: message.date * 1000
  }
}

/** The Telegram channel on the Bot API (long polling), registered in the ChannelRegistry. */
export const TelegramChannelLive = (input: { readonly env: Readonly<Record<string, string | undefined>>; readonly stateDir: string; readonly timings?: Partial<TelegramTimings> }) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* ChannelRegistry
    const fs = yield* FileSystem.FileSystem
    const files = yield* StateFiles
    const timings = { ...DEFAULT_TIMINGS, ...input.timings }
    const bots = new Map<string, { readonly id: number; readonly username: string | undefined }>()

    const api = <A, I>(settings: TelegramSettings, method: string, body: Record<string, unknown>, result: Schema.Schema<A, I>) =>
      settings.token === undefined
        ? Effect.fail<BotApiError>({ message: "no bot token", status: undefined, retryAfter: undefined, transient: false })
        : callBotApi({ apiRoot: settings.apiRoot, token: settings.token, method, body, result })

    const readToken = (plan: TelegramAccountPlan) => {
      switch (plan.token.source) {
        case "config":
        case "env":
          return Effect.succeed(plan.token.value)
        case "tokenFile":
          return fs.readFileString(plan.token.file).pipe(Effect.map((t) => t.trim() || undefined), Effect.orElseSucceed(() => undefined))
        case "none":
          return Effect.succeed(undefined)
      }
    }

    const listAccounts = (config: OpenClawConfig) =>
      Effect.forEach(telegramAccounts(config, input.env), (plan) =>
        Effect.map(readToken(plan), (token) =>
          channelAccount(plan, { configured: token !== undefined, tokenSource: plan.token.source, settings: { token, apiRoot: plan.apiRoot } satisfies TelegramSettings })))

    /** Retries transient failures (network, 429 with its `retry_after`, 5xx) with doubling delays. */
    const delayFor = (error: BotApiError, attempt: number) =>
      error.retryAfter !== undefined
        ? Duration.seconds(error.retryAfter)
        : Duration.min(Duration.times(Duration.decode(timings.retryBase), 2 ** Math.min(attempt, 10)), Duration.decode(timings.retryMax))

    const sendText: ChannelPlugin["sendText"] = (request) =>
      Effect.gen(function*() {
        const body: Record<string, unknown> = { chat_id: request.to, text: request.text }
        if (request.html === true) body["parse_mode"] = "HTML"
        if (request.threadId !== undefined) body["message_thread_id"] = Number(request.threadId)
        let attempt = 0
        while (true) {
          const sent = yield* Effect.either(api(settingsOf(request.account), "sendMessage", body, TgSentMessage))
          if (Either.isRight(sent)) return { messageId: String(sent.right.message_id) }
          if (!sent.left.transient || attempt >= 2) return yield* Effect.fail({ message: sent.left.message, status: sent.left.status })
          yield* Effect.sleep(delayFor(sent.left, attempt++))
        }
      })

    const probe = (account: ChannelAccount, timeoutMs: number) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const result = yield* Effect.either(api(settingsOf(account), "getMe", {}, TgUser).pipe(Effect.timeoutFail({ duration: Duration.millis(timeoutMs), onTimeout: (): BotApiError => ({ message: `getMe timed out after ${timeoutMs}ms`, status: undefined, retryAfter: undefined, transient: true }) })))
        const elapsedMs = (yield* Clock.currentTimeMillis) - started
        return Either.match(result, {
          onLeft: (e): ProbeResult => ({ ok: false, status: e.status ?? null, error: e.message, elapsedMs }),
          onRight: (bot): ProbeResult => ({ ok: true, status: 200, error: null, elapsedMs, bot: { id: bot.id, ...(bot.username === undefined ? {} : { username: bot.username }) } })
        })
      })

    const offsetPath = (accountId: string) => path.join(input.stateDir, "telegram", `update-offset-${accountId}.json`)

    const startAccount = (account: ChannelAccount, runtime: AccountRuntime) =>
      Effect.gen(function*() {
        const settings = settingsOf(account)
        const file = offsetPath(account.accountId)
        yield* runtime.setStatus({ mode: "polling", tokenStatus: "available" })
        // Offset state: written before the next getUpdates confirms a batch, and as each update is answered.
        const loaded = yield* files.readIfExists(file).pipe(Effect.orElseSucceed(() => undefined))
        let state: OffsetFile = loaded === undefined ? { version: 1, lastUpdateId: null, inflight: [] } : Either.getOrElse(decodeOffset(loaded), (): OffsetFile => ({ version: 1, lastUpdateId: null, inflight: [] }))
        const writeLock = yield* Effect.makeSemaphore(1)
        // The state changes in memory at once, in the order of events (an update is added before it can be
        // answered and removed); the file then gets the latest state, writes one at a time and never cut off.
        const writeState = Effect.uninterruptible(writeLock.withPermits(1)(Effect.gen(function*() {
          yield* files.ensurePrivateDir(path.dirname(file))
          yield* files.atomicWrite(file, `${JSON.stringify(state)}\n`)
        })).pipe(Effect.catchAll((e) => runtime.setStatus({ lastError: e.message }))))
        const change = (f: (s: OffsetFile) => OffsetFile) => Effect.sync(() => {
          state = f(state)
        })

        /** Keeps retrying a start-up call until it answers, reporting each failure verbatim. */
        const untilOk = <A>(effect: Effect.Effect<A, BotApiError>) =>
          Effect.gen(function*() {
            let attempt = 0
            while (true) {
              const result = yield* Effect.either(effect)
              if (Either.isRight(result)) return result.right
              yield* runtime.setStatus({ connected: false, lastError: result.left.message })
              yield* Effect.sleep(delayFor(result.left, attempt++))
            }
          })

        const me = yield* untilOk(api(settings, "getMe", {}, TgUser))
        const bot = { id: me.id, username: me.username }
        bots.set(account.accountId, bot)
        yield* runtime.setStatus({ ...(me.username === undefined ? {} : { botUsername: me.username }) })
        // The start-up calls the original makes: no webhook (polling owns updates), then the command menu.
        yield* untilOk(api(settings, "deleteWebhook", { drop_pending_updates: false }, Schema.Unknown))
        yield* untilOk(api(settings, "setMyCommands", { commands: TELEGRAM_COMMANDS }, Schema.Unknown))

        // Answered updates are forgotten off the reply path; the scope waits for those writes on shutdown.
        const writes = yield* FiberSet.make<void, never>()
        const emit = (update: TgUpdate) => {
          const done = Effect.zipRight(change((s) => ({ ...s, inflight: s.inflight.filter((u) => u.update_id !== update.update_id) })), FiberSet.run(writes, writeState), { concurrent: false }).pipe(Effect.asVoid)
          const inbound = update.message === undefined ? undefined : toInbound(account.accountId, update.message, bot)
          return inbound === undefined ? done : runtime.emitInbound(inbound, done)
        }
        // Updates accepted before a restart and never answered are handled first, in order.
        for (const update of state.inflight) yield* emit(update)

        let attempt = 0
        while (true) {
          const offset = state.lastUpdateId === null ? undefined : state.lastUpdateId + 1
          const body: Record<string, unknown> = { timeout: timings.pollTimeoutSeconds, allowed_updates: ["message"] }
          if (offset !== undefined) body["offset"] = offset
          const batch = yield* Effect.either(api(settings, "getUpdates", body, Schema.Array(TgUpdate)))
          if (Either.isLeft(batch)) {
            yield* runtime.setStatus({ connected: false, lastError: batch.left.message })
            yield* Effect.sleep(delayFor(batch.left, attempt++))
            continue
          }
          attempt = 0
          yield* runtime.setStatus({ connected: true, lastError: null })
          const fresh = batch.right.filter((u) => state.lastUpdateId === null || u.update_id > state.lastUpdateId)
          if (fresh.length === 0) continue
          const last = Math.max(...fresh.map((u) => u.update_id))
          yield* change((s) => ({ ...s, lastUpdateId: last, inflight: [...s.inflight, ...fresh] }))
          // The batch is handed on while it is written; the next getUpdates (which confirms it to
          // Telegram) waits until it is on disk, so a crash can only replay it, never lose it.
          const written = yield* Effect.fork(writeState)
          for (const update of fresh) yield* emit(update)
          yield* Fiber.join(written)
        }
      })

    yield* registry.register({
      id: "telegram",
      meta: { label: "Telegram", detailLabel: "Telegram Bot", systemImage: "paperplane" },
      textChunkLimit: TELEGRAM_TEXT_LIMIT,
      pairing: { idLine: (id) => `Your Telegram user id: ${id}`, html: true },
      listAccounts,
      defaultAccountId: telegramDefaultAccountId,
      describe: () => ({ mode: "polling" }),
      sendText,
      probe,
      startAccount,
      botId: (accountId) => {
        const bot = bots.get(accountId)
        return bot === undefined ? undefined : String(bot.id)
      }
    })
  }))
