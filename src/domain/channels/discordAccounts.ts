import { Schema } from "effect"
import type { AccountAccess, GroupRule } from "./access.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { SecretInput, section } from "../config/fields.js"
import { accessFields, channelSections, decodeSection, Id, ids, planAccounts } from "./accountFields.js"

/** `guilds.<id>.channels.<id|"*">`: the keys this version acts on; the original's others are kept, unread. */
const DiscordChannelRule = section("channels.discord.guilds.*.channels.*", {
  allow: Schema.optional(Schema.Boolean),
  enabled: Schema.optional(Schema.Boolean),
  requireMention: Schema.optional(Schema.Boolean),
  users: Schema.optional(Schema.Array(Id))
})

/** `guilds.<id|"*">`: a present `channels` map is an allowlist of that guild's channels. */
const DiscordGuildRule = section("channels.discord.guilds.*", {
  requireMention: Schema.optional(Schema.Boolean),
  users: Schema.optional(Schema.Array(Id)),
  channels: Schema.optional(Schema.Record({ key: Schema.String, value: DiscordChannelRule }))
})

const fields = {
  ...accessFields,
  token: Schema.optional(SecretInput),
  guilds: Schema.optional(Schema.Record({ key: Schema.String, value: DiscordGuildRule }))
}

const { Account: DiscordAccountFields, Section: DiscordSection } = channelSections("discord", fields)
type DiscordFields = typeof DiscordAccountFields.Type

/** `channels.discord`: the keys this version reads, type-checked (see channelSections). */
export { DiscordSection }
export type DiscordSection = typeof DiscordSection.Type

export const DISCORD_DEFAULT_API_BASE = "https://discord.com/api/v10"

/** One Discord account as configured. */
export interface DiscordAccountPlan {
  readonly accountId: string
  readonly name: string | undefined
  readonly enabled: boolean
  readonly access: AccountAccess
  readonly historyLimit: number | undefined
  readonly token: { readonly source: "config" | "env"; readonly value: string } | { readonly source: "none"; readonly unresolved?: string | undefined }
}

/** The raw `channels.discord` block (kept, not typed, by the config schema), decoded; invalid → none. */
export const discordSection = (config: OpenClawConfig): DiscordSection | undefined => {
  return decodeSection(config, "discord", DiscordSection)
}


/**
 * `guilds` as the access pipeline's `groups`, keyed `<guildId>:<channelId>` and `<guildId>:*` (see
 * `discordGroupKeys`). A guild with a `channels` map and no `"*"` channel gets an explicit unlisted
 * `<guildId>:*`, so its other channels are denied even when a `"*"` guild exists.
 */
export const discordGroups = (guilds: DiscordFields["guilds"]): Record<string, GroupRule> | undefined => {
  if (guilds === undefined) return undefined
  const out: Record<string, GroupRule> = {}
  for (const [guildId, guild] of Object.entries(guilds)) {
    // The guild map is the allowlist: without `users`, anyone in a listed guild/channel may speak.
    const guildRule: GroupRule = { requireMention: guild.requireMention, allowFrom: ids(guild.users) ?? ["*"] }
    const channels = guild.channels
    const prefix = guildId === "*" ? "*" : guildId
    if (channels === undefined) {
      out[guildId === "*" ? "*" : `${prefix}:*`] = guildRule
      continue
    }
    for (const [channelId, ch] of Object.entries(channels)) {
      const enabled = ch.allow ?? ch.enabled
      out[`${prefix}:${channelId}`] = {
        requireMention: ch.requireMention ?? guild.requireMention,
        allowFrom: ids(ch.users) ?? guildRule.allowFrom,
        ...(enabled === false ? { enabled: false } : {})
      }
    }
    if (channels["*"] === undefined) out[`${prefix}:*`] = { listed: false }
  }
  return out
}

/** The `groups` keys a guild message matches, most specific first. */
export const discordGroupKeys = (guildId: string, channelId: string): ReadonlyArray<string> =>
  [`${guildId}:${channelId}`, `${guildId}:*`, `*:${channelId}`, "*:*"]

/**
 * The accounts of `channels.discord`: as Telegram's (named accounts inherit the root's lists and
 * policies; an account's `guilds` replaces the root's); `DISCORD_BOT_TOKEN` serves the default account.
 */
export const discordAccounts = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<DiscordAccountPlan> => {
  const envToken = env["DISCORD_BOT_TOKEN"]?.trim()
  return planAccounts<DiscordFields, DiscordAccountPlan>(discordSection(config), envToken !== undefined && envToken !== "", (id, root, account) => plan(id, root, account, config, env))
}

const plan = (accountId: string, root: DiscordFields, account: DiscordFields, config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): DiscordAccountPlan => {
  const pick = <K extends keyof DiscordFields>(key: K): DiscordFields[K] => account[key] ?? root[key]
  const resolved = resolveSecret(pick("token"), env)
  const envToken = accountId === "default" ? env["DISCORD_BOT_TOKEN"]?.trim() : undefined
  const token: DiscordAccountPlan["token"] = resolved.value !== undefined
    ? { source: "config", value: resolved.value.trim() }
    : envToken !== undefined && envToken !== ""
    ? { source: "env", value: envToken }
    : { source: "none", unresolved: resolved.unresolved }
  const scope = pick("mentionPatterns")
  return {
    accountId,
    name: account.name ?? (accountId === "default" ? root.name : undefined),
    enabled: (root.enabled ?? true) && (account.enabled ?? true),
    historyLimit: pick("historyLimit"),
    token,
    access: {
      dmPolicy: pick("dmPolicy") ?? "pairing",
      allowFrom: ids(pick("allowFrom")) ?? [],
      groupPolicy: pick("groupPolicy") ?? config.channels?.defaults?.groupPolicy ?? "allowlist",
      groupAllowFrom: ids(pick("groupAllowFrom")),
      groups: discordGroups(account.guilds ?? root.guilds),
      mentionPatternScope: scope
    }
  }
}

/** The outbound default: `defaultAccount`, else `default`, else the first account. */
export const discordDefaultAccountId = (config: OpenClawConfig): string => {
  const section = discordSection(config)
  const ids = Object.keys(section?.accounts ?? {})
  if (section?.defaultAccount !== undefined) return section.defaultAccount
  if (ids.length === 0 || ids.includes("default")) return "default"
  return ids[0] ?? "default"
}
