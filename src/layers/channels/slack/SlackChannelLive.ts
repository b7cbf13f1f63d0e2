import { Clock, Duration, Effect, Either, Layer, Schema } from "effect"
import { SLACK_DEFAULT_API_BASE, SLACK_REQUIRED_SCOPES, slackAccounts, slackDefaultAccountId, slackErrorFix } from "../../../domain/channels/slackAccounts.js"
import type { AuditResult, ProbeResult } from "../../../domain/channels/status.js"
import type { OpenClawConfig } from "../../../domain/config/ConfigSchema.js"
import { type AccountRuntime, type ChannelAccount, type ChannelPlugin, ChannelRegistry, type Inbound } from "../../../services/ChannelRegistry.js"
import { GatewayLog } from "../../../services/GatewayLog.js"
import { runSocketMode, type SlackEvent } from "./socketMode.js"
import { callSlack, type SlackApiError } from "./webApi.js"
import { channelAccount } from "../channelAccount.js"

interface SlackSettings {
  readonly botToken: string | undefined
  readonly appToken: string | undefined
  readonly sources: { readonly bot: string; readonly app: string; readonly signing: string }
  readonly listedChannels: ReadonlyArray<string>
}

const settingsOf = (account: ChannelAccount) => account.settings as SlackSettings

/** Slack's `chat.postMessage` text limit is 40,000; replies are cut where Slack's clients stay readable. */
const SLACK_TEXT_LIMIT = 4000

const AuthTest = Schema.Struct({ user_id: Schema.String, user: Schema.optional(Schema.String), team: Schema.optional(Schema.String) })
const Posted = Schema.Struct({ ts: Schema.String })
const ConnectionsOpen = Schema.Struct({ url: Schema.String })
const ConversationInfo = Schema.Struct({ channel: Schema.Struct({ id: Schema.String, is_member: Schema.optional(Schema.Boolean) }) })

const chatTypeOf = (event: SlackEvent): Inbound["chatType"] => (event.channel_type === "im" ? "direct" : event.channel_type === "mpim" ? "group" : "channel")

/**
 * The Slack channel in Socket Mode: events over the app-token WebSocket, replies with
 * `chat.postMessage` (in the thread a message came from). `OPENCLAW_SLACK_API_BASE` points the Web API
 * at another server (tests, a proxy).
 */
export const SlackChannelLive = (input: { readonly env: Readonly<Record<string, string | undefined>> }) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* ChannelRegistry
    const log = yield* GatewayLog
    const apiBase = input.env["OPENCLAW_SLACK_API_BASE"]?.trim() || SLACK_DEFAULT_API_BASE
    const bots = new Map<string, string>()

    const api = <A, I>(token: string | undefined, method: string, body: Record<string, unknown>, result: Schema.Schema<A, I>) =>
      token === undefined
        ? Effect.fail<SlackApiError>({ message: `${method} failed: not_authed`, error: "not_authed", needed: undefined, status: undefined })
        : callSlack({ apiBase, token, method, body, result })

    const listAccounts = (config: OpenClawConfig) =>
      Effect.succeed(slackAccounts(config, input.env).map((plan) => {
        const value = (c: typeof plan.botToken) => (c.source === "none" ? undefined : c.value)
        const settings: SlackSettings = {
          botToken: value(plan.botToken),
          appToken: value(plan.appToken),
          sources: { bot: plan.botToken.source, app: plan.appToken.source, signing: plan.signingSecret.source },
          listedChannels: plan.listedChannels
        }
        return channelAccount(plan, { configured: settings.botToken !== undefined && settings.appToken !== undefined, settings })
      }))

    const sendText: ChannelPlugin["sendText"] = (request) => {
      const body: Record<string, unknown> = { channel: request.to, text: request.text }
      if (request.threadId !== undefined) body["thread_ts"] = request.threadId
      return api(settingsOf(request.account).botToken, "chat.postMessage", body, Posted).pipe(
        Effect.map(({ result }) => ({ messageId: result.ts })),
        Effect.mapError((e) => ({ message: e.message, status: e.status }))
      )
    }

    const probe = (account: ChannelAccount, timeoutMs: number) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const result = yield* Effect.either(api(settingsOf(account).botToken, "auth.test", {}, AuthTest).pipe(
          Effect.timeoutFail({ duration: Duration.millis(timeoutMs), onTimeout: (): SlackApiError => ({ message: `auth.test timed out after ${timeoutMs}ms`, error: "timeout", needed: undefined, status: undefined }) })
        ))
        const elapsedMs = (yield* Clock.currentTimeMillis) - started
        return Either.match(result, {
          onLeft: (e): ProbeResult => ({ ok: false, status: e.status ?? null, error: e.message, elapsedMs }),
          onRight: ({ result: me }): ProbeResult => ({ ok: true, status: 200, error: null, elapsedMs, ...(me.user === undefined ? {} : { bot: { username: me.user } }) })
        })
      })

    /** Scopes the bot token lacks (from `x-oauth-scopes`), and listed channels the bot is not a member of. */
    const audit = (account: ChannelAccount) =>
      Effect.gen(function*() {
        const settings = settingsOf(account)
        const problems: Array<AuditResult["problems"][number]> = []
        const auth = yield* Effect.either(api(settings.botToken, "auth.test", {}, AuthTest))
        if (Either.isRight(auth) && auth.right.scopes !== undefined) {
          for (const scope of SLACK_REQUIRED_SCOPES.filter((s) => !auth.right.scopes!.includes(s))) {
            problems.push({ target: "scopes", error: `missing_scope (needed: ${scope})`, fix: slackErrorFix("missing_scope", scope, undefined) })
          }
        }
        for (const channel of settings.listedChannels) {
          const info = yield* Effect.either(api(settings.botToken, "conversations.info", { channel }, ConversationInfo))
          if (Either.isLeft(info)) problems.push({ target: `channel ${channel}`, error: info.left.error + (info.left.needed === undefined ? "" : ` (needed: ${info.left.needed})`), fix: slackErrorFix(info.left.error, info.left.needed, channel) })
          else if (info.right.result.channel.is_member === false) problems.push({ target: `channel ${channel}`, error: "not_in_channel", fix: slackErrorFix("not_in_channel", undefined, channel) })
        }
        return { ok: problems.length === 0, problems } satisfies AuditResult
      })

    const startAccount = (account: ChannelAccount, runtime: AccountRuntime) =>
      Effect.gen(function*() {
        const settings = settingsOf(account)
        const write = (level: "info" | "warn", message: string) => log.write({ level, message, fields: { subsystem: "channels/slack", accountId: account.accountId } })
        // Who the bot is: its user id is what a mention (`<@U…>`) names.
        let me: typeof AuthTest.Type | undefined
        let attempt = 0
        while (me === undefined) {
          const result = yield* Effect.either(api(settings.botToken, "auth.test", {}, AuthTest))
          if (Either.isRight(result)) me = result.right.result
          else {
            yield* runtime.setStatus({ connected: false, lastError: result.left.message })
            yield* Effect.sleep(Duration.millis(Math.min(1000 * 2 ** attempt++, 60_000)))
          }
        }
        const botUserId = me.user_id
        bots.set(account.accountId, botUserId)
        yield* runtime.setStatus({ mode: "socket", ...(me.user === undefined ? {} : { botUsername: me.user }) })
        // A mention arrives twice (`message` and `app_mention`): the first one counts.
        const seen = new Set<string>()
        yield* runSocketMode({
          openConnection: api(settings.appToken, "apps.connections.open", {}, ConnectionsOpen).pipe(Effect.map(({ result }) => result.url)),
          setStatus: runtime.setStatus,
          log: write,
          onEvent: (event) =>
            Effect.gen(function*() {
              if (event.type !== "message" && event.type !== "app_mention") return
              if (event.bot_id !== undefined || event.subtype !== undefined || event.user === undefined || event.user === botUserId) return
              if (event.channel === undefined || event.ts === undefined || event.text === undefined) return
              const key = `${event.channel}:${event.ts}`
              if (seen.has(key)) return
              seen.add(key)
              if (seen.size > 2000) seen.delete(seen.values().next().value as string)
              const mention = `<@${botUserId}>`
              const text = event.text.replaceAll(mention, "").trim()
              if (text === "") return
              yield* runtime.emitInbound({
                channel: "slack",
                accountId: account.accountId,
                chatType: chatTypeOf(event),
                senderId: event.user,
                conversationId: event.channel,
                // A reply goes into the thread the message is in; a top-level channel message starts one.
                threadId: event.channel_type === "im" ? event.thread_ts : event.thread_ts ?? event.ts,
                messageId: event.ts,
                text,
                wasMentioned: event.type === "app_mention" || event.text.includes(mention),
                replyToBot: event.parent_user_id === botUserId,
                ts: Math.floor(Number(event.ts) * 1000)
              })
            })
        })
      })

    yield* registry.register({
      id: "slack",
      meta: { label: "Slack", detailLabel: "Slack Bot", systemImage: "number" },
      textChunkLimit: SLACK_TEXT_LIMIT,
      pairing: { idLine: (id) => `Your Slack user id: ${id}`, html: false },
      listAccounts,
      defaultAccountId: slackDefaultAccountId,
      describe: (account) => {
        const { sources } = settingsOf(account)
        return { mode: "socket", botTokenSource: sources.bot, appTokenSource: sources.app, signingSecretSource: sources.signing }
      },
      sendText,
      probe,
      audit,
      startAccount,
      logNames: { group: "channel", conversationField: "channelId" },
      credentialHints: {
        missing: "set channels.slack.botToken (xoxb-…) and channels.slack.appToken (xapp-…), or SLACK_BOT_TOKEN / SLACK_APP_TOKEN, then restart the gateway",
        revoked: () => slackErrorFix("invalid_auth", undefined, undefined)
      },
      botId: (accountId) => bots.get(accountId)
    })
  }))
