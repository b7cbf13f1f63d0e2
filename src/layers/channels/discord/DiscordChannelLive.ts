import { Clock, Duration, Effect, Either, Layer, Schema } from "effect"
import { discordAccounts, discordDefaultAccountId, DISCORD_DEFAULT_API_BASE } from "../../../domain/channels/discordAccounts.js"
import { DiscordApplication, discordInbound, DiscordUser, DISCORD_TEXT_LIMIT, GatewayBot, messageContentIntent } from "../../../domain/channels/discordApi.js"
import type { ProbeResult } from "../../../domain/channels/status.js"
import type { OpenClawConfig } from "../../../domain/config/ConfigSchema.js"
import { type AccountRuntime, type ChannelAccount, type ChannelPlugin, ChannelRegistry } from "../../../services/ChannelRegistry.js"
import { GatewayLog } from "../../../services/GatewayLog.js"
import { DEFAULT_DISCORD_TIMINGS, type DiscordTimings, runGatewaySession } from "./gatewaySession.js"
import { type DiscordRest, makeDiscordRest } from "./rest.js"
import { channelAccount } from "../channelAccount.js"

/** What a Discord account carries beyond the common fields. */
interface DiscordSettings {
  readonly token: string | undefined
}

const settingsOf = (account: ChannelAccount) => account.settings as DiscordSettings

const SentMessage = Schema.Struct({ id: Schema.String })

/**
 * The Discord channel: a Gateway session per account for inbound, REST for sending (rate-limit buckets
 * honoured), registered in the ChannelRegistry. `OPENCLAW_DISCORD_API_BASE` points REST at another
 * server (tests, a proxy); the Gateway URL comes from `GET /gateway/bot`, as Discord recommends, unless
 * `OPENCLAW_DISCORD_GATEWAY_URL` names one.
 */
export const DiscordChannelLive = (input: { readonly env: Readonly<Record<string, string | undefined>>; readonly timings?: Partial<DiscordTimings> }) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* ChannelRegistry
    const log = yield* GatewayLog
    const timings = { ...DEFAULT_DISCORD_TIMINGS, ...input.timings }
    const apiBase = input.env["OPENCLAW_DISCORD_API_BASE"]?.trim() || DISCORD_DEFAULT_API_BASE
    const gatewayOverride = input.env["OPENCLAW_DISCORD_GATEWAY_URL"]?.trim() || undefined
    const bots = new Map<string, DiscordUser>()
    // One REST client per token, so every send of an account shares its rate-limit buckets.
    const clients = new Map<string, DiscordRest>()
    const restFor = (token: string) => {
      const existing = clients.get(token)
      if (existing !== undefined) return existing
      const made = makeDiscordRest({ apiBase, token })
      clients.set(token, made)
      return made
    }

    const listAccounts = (config: OpenClawConfig) =>
      Effect.succeed(discordAccounts(config, input.env).map((plan) => {
        const token = plan.token.source === "none" ? undefined : plan.token.value
        return channelAccount(plan, { configured: token !== undefined, tokenSource: plan.token.source, settings: { token } satisfies DiscordSettings })
      }))

    const noToken = { message: "no bot token", status: undefined }

    const sendText: ChannelPlugin["sendText"] = (request) => {
      const token = settingsOf(request.account).token
      if (token === undefined) return Effect.fail(noToken)
      return restFor(token).call("POST", "/channels/:id/messages", `/channels/${encodeURIComponent(request.to)}/messages`, { content: request.text }, SentMessage).pipe(
        Effect.map((m) => ({ messageId: m.id }))
      )
    }

    /** Bot identity (`/users/@me`) and the Message Content intent (`/oauth2/applications/@me` flags). */
    const probe = (account: ChannelAccount, timeoutMs: number) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const token = settingsOf(account).token
        const rest = token === undefined ? undefined : restFor(token)
        const me = rest === undefined ? Either.left(noToken) : yield* Effect.either(rest.call("GET", "/users/@me", "/users/@me", undefined, DiscordUser).pipe(
          Effect.timeoutFail({ duration: Duration.millis(timeoutMs), onTimeout: () => ({ message: `/users/@me timed out after ${timeoutMs}ms`, status: undefined }) })
        ))
        const elapsedMs = (yield* Clock.currentTimeMillis) - started
        return Either.match(me, {
          onLeft: (e): ProbeResult => ({ ok: false, status: e.status ?? null, error: e.message, elapsedMs }),
          onRight: (bot): ProbeResult => ({ ok: true, status: 200, error: null, elapsedMs, bot: { username: bot.username } })
        })
      })

    const startAccount = (account: ChannelAccount, runtime: AccountRuntime) =>
      Effect.gen(function*() {
        const token = settingsOf(account).token
        if (token === undefined) return
        const rest = restFor(token)
        const write = (level: "info" | "warn", message: string) =>
          log.write({ level, message, fields: { subsystem: "channels/discord", accountId: account.accountId } })
        yield* runtime.setStatus({ tokenStatus: "available" })
        // The intent the bot was granted: without Message Content, guild messages arrive empty.
        const app = yield* Effect.either(rest.call("GET", "/oauth2/applications/@me", "/oauth2/applications/@me", undefined, DiscordApplication))
        if (Either.isRight(app)) yield* runtime.setStatus({ intents: { content: messageContentIntent(app.right.flags) } })
        yield* runGatewaySession({
          gatewayUrl: gatewayOverride !== undefined ? Effect.succeed(gatewayOverride) : Effect.map(rest.call("GET", "/gateway/bot", "/gateway/bot", undefined, GatewayBot), (g) => g.url),
          token,
          timings,
          setStatus: runtime.setStatus,
          log: write,
          onReady: (user) => Effect.sync(() => bots.set(account.accountId, user)),
          onMessage: (message) =>
            Effect.gen(function*() {
              const bot = bots.get(account.accountId)
              if (bot === undefined) return
              const inbound = discordInbound(account.accountId, message, bot.id, yield* Clock.currentTimeMillis)
              if (inbound !== undefined) yield* runtime.emitInbound(inbound)
            })
        })
      })

    yield* registry.register({
      id: "discord",
      meta: { label: "Discord", detailLabel: "Discord Bot", systemImage: "bubble.left.and.bubble.right" },
      textChunkLimit: DISCORD_TEXT_LIMIT,
      pairing: { idLine: (id) => `Your Discord user id: ${id}`, html: false },
      listAccounts,
      defaultAccountId: discordDefaultAccountId,
      sendText,
      probe,
      startAccount,
      logNames: { group: "guild", conversationField: "channelId" },
      credentialHints: {
        missing: "set channels.discord.token (or DISCORD_BOT_TOKEN), then restart the gateway",
        revoked: (accountId) => `the bot token was reset or is wrong: copy a new one from the Developer Portal (Bot → Reset Token), set channels.discord${accountId === "default" ? "" : `.accounts.${accountId}`}.token, then restart the gateway`
      },
      botId: (accountId) => bots.get(accountId)?.id
    })
  }))
