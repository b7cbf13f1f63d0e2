import { Schema } from "effect"
import type { Inbound } from "../../services/ChannelRegistry.js"
import { discordGroupKeys } from "./discordAccounts.js"

/** Discord's message length limit (characters). */
export const DISCORD_TEXT_LIMIT = 2000

/** Gateway opcodes (Discord API v10). */
export const Op = { Dispatch: 0, Heartbeat: 1, Identify: 2, Resume: 6, Reconnect: 7, InvalidSession: 9, Hello: 10, HeartbeatAck: 11 } as const

/** GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT: what a chat bot needs to read messages. */
export const DISCORD_INTENTS = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15)

/** Close codes after which reconnecting cannot help (bad token, intents not allowed). */
export const FATAL_CLOSE_CODES: Readonly<Record<number, string>> = {
  4004: "Authentication failed (4004): the bot token is wrong or was reset",
  4010: "Invalid shard (4010)",
  4011: "Sharding required (4011)",
  4012: "Invalid API version (4012)",
  4013: "Invalid intents (4013)",
  4014: "Disallowed intents (4014): enable Message Content Intent in the Developer Portal"
}

/** One Gateway frame. */
export const GatewayFrame = Schema.Struct({
  op: Schema.Number,
  d: Schema.optional(Schema.Unknown),
  s: Schema.optional(Schema.NullOr(Schema.Number)),
  t: Schema.optional(Schema.NullOr(Schema.String))
})
export type GatewayFrame = typeof GatewayFrame.Type

export const Hello = Schema.Struct({ heartbeat_interval: Schema.Number })

export const DiscordUser = Schema.Struct({
  id: Schema.String,
  username: Schema.String,
  global_name: Schema.optional(Schema.NullOr(Schema.String)),
  bot: Schema.optional(Schema.Boolean)
})
export type DiscordUser = typeof DiscordUser.Type

export const Ready = Schema.Struct({
  session_id: Schema.String,
  resume_gateway_url: Schema.optional(Schema.String),
  user: DiscordUser
})

export const DiscordMessage = Schema.Struct({
  id: Schema.String,
  channel_id: Schema.String,
  guild_id: Schema.optional(Schema.String),
  author: DiscordUser,
  content: Schema.String,
  timestamp: Schema.optional(Schema.String),
  mentions: Schema.optional(Schema.Array(Schema.Struct({ id: Schema.String }))),
  referenced_message: Schema.optional(Schema.NullOr(Schema.Struct({ author: Schema.Struct({ id: Schema.String }) })))
})
export type DiscordMessage = typeof DiscordMessage.Type

/** `GET /gateway/bot`. */
export const GatewayBot = Schema.Struct({ url: Schema.String })

/** `GET /oauth2/applications/@me` (flags tell whether the Message Content intent is granted). */
export const DiscordApplication = Schema.Struct({ id: Schema.String, flags: Schema.optional(Schema.Number) })

/** `enabled`, `limited` (unverified bot under 100 guilds) or `disabled`, from the application flags. */
export const messageContentIntent = (flags: number | undefined): "enabled" | "limited" | "disabled" => {
  const f = flags ?? 0
  if ((f & (1 << 19)) !== 0) return "enabled"
  if ((f & (1 << 18)) !== 0) return "limited"
  return "disabled"
}

/** `<@id>` / `<@!id>` in the text, or the bot in `mentions`. */
export const mentionsBot = (message: DiscordMessage, botId: string): boolean =>
  (message.mentions ?? []).some((m) => m.id === botId) || message.content.includes(`<@${botId}>`) || message.content.includes(`<@!${botId}>`)

/** A MESSAGE_CREATE as the core's Inbound (undefined: from a bot, itself included, or empty). */
export const discordInbound = (accountId: string, message: DiscordMessage, botId: string, now: number): Inbound | undefined => {
  if (message.author.bot === true || message.author.id === botId || message.content.trim() === "") return undefined
  const guild = message.guild_id
  return {
    channel: "discord",
    accountId,
    chatType: guild === undefined ? "direct" : "channel",
    senderId: message.author.id,
    senderName: message.author.global_name ?? undefined,
    senderUsername: message.author.username,
    conversationId: message.channel_id,
    messageId: message.id,
    // The mention markup is for Discord; the agent reads the words.
    text: message.content.replaceAll(`<@${botId}>`, "").replaceAll(`<@!${botId}>`, "").trim(),
    wasMentioned: mentionsBot(message, botId),
    replyToBot: message.referenced_message?.author.id === botId,
    ...(guild === undefined ? {} : { groupKeys: discordGroupKeys(guild, message.channel_id) }),
    ts: message.timestamp === undefined ? now : Date.parse(message.timestamp)
  }
}
