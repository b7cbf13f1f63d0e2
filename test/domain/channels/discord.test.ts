import { describe, expect, it } from "@effect/vitest"
import { decideAccess } from "../../../src/domain/channels/access.js"
import { discordAccounts, discordDefaultAccountId } from "../../../src/domain/channels/discordAccounts.js"
import { type DiscordMessage, discordInbound, messageContentIntent } from "../../../src/domain/channels/discordApi.js"
import type { OpenClawConfig } from "../../../src/domain/config/ConfigSchema.js"

const BOT = "880"
const config = (discord: unknown) => ({ channels: { discord } }) as unknown as OpenClawConfig

const guildMessage = (guild: string, channel: string, content: string, extra: Partial<DiscordMessage> = {}): DiscordMessage => ({
  id: "m1",
  channel_id: channel,
  guild_id: guild,
  author: { id: "42", username: "ada" },
  content,
  ...extra
})

/** The access decision for one guild message under a `channels.discord` block. */
const decide = (discord: unknown, message: DiscordMessage) => {
  const account = discordAccounts(config(discord), {})[0]!
  const inbound = discordInbound("default", message, BOT, 0)!
  return decideAccess({
    access: account.access,
    facts: { ...inbound, nativeMention: inbound.wasMentioned, groupNoun: "guild" },
    approved: [],
    patterns: [],
    botId: BOT
  })
}

describe("Discord guild/channel allowlists (guilds.<id>.channels)", () => {
  const guilds = { guilds: { g1: { channels: { c1: { allow: true }, c3: { allow: false } } }, g2: {} } }

  it("a listed channel is allowed when the bot is mentioned; unmentioned, it drops with the runbook's line", () => {
    expect(decide(guilds, guildMessage("g1", "c1", `<@${BOT}> hi`, { mentions: [{ id: BOT }] }))).toMatchObject({ _tag: "Allow" })
    expect(decide(guilds, guildMessage("g1", "c1", "hi"))).toMatchObject({ _tag: "Drop", reason: "no-mention", log: `discord: drop guild message (mention required, botId=${BOT})` })
  })

  it("a channel map is an allowlist: unlisted channels and `allow: false` are denied; a guild without a map allows all", () => {
    expect(decide(guilds, guildMessage("g1", "c2", `<@${BOT}> hi`))).toMatchObject({ _tag: "Drop", reason: "group-not-allowlisted" })
    expect(decide(guilds, guildMessage("g1", "c3", `<@${BOT}> hi`))).toMatchObject({ _tag: "Drop", reason: "group-disabled" })
    expect(decide(guilds, guildMessage("g2", "any", `<@${BOT}> hi`))).toMatchObject({ _tag: "Allow" })
    expect(decide(guilds, guildMessage("g9", "any", `<@${BOT}> hi`))).toMatchObject({ _tag: "Drop", reason: "group-not-allowlisted" })
  })

  it("a `*` channel entry opens the guild's other channels, even next to a `*` guild", () => {
    const wild = { guilds: { g1: { channels: { "*": { requireMention: false } } }, "*": { channels: { only: {} } } } }
    expect(decide(wild, guildMessage("g1", "x", "no mention needed"))).toMatchObject({ _tag: "Allow", reason: "requireMention=false" })
    expect(decide(wild, guildMessage("g5", "only", `<@${BOT}> hi`))).toMatchObject({ _tag: "Allow" })
    expect(decide(wild, guildMessage("g5", "other", `<@${BOT}> hi`))).toMatchObject({ _tag: "Drop", reason: "group-not-allowlisted" })
  })

  it("`users` restricts who may speak in a guild", () => {
    const users = { guilds: { g1: { users: ["7"] } } }
    expect(decide(users, guildMessage("g1", "c", `<@${BOT}> hi`))).toMatchObject({ _tag: "Drop", reason: "group-sender-not-allowlisted" })
    expect(decide(users, guildMessage("g1", "c", `<@${BOT}> hi`, { author: { id: "7", username: "x" } }))).toMatchObject({ _tag: "Allow" })
  })
})

describe("Discord messages as Inbound", () => {
  it("native mentions (`<@id>`, `<@!id>`, mentions[]) and replies to the bot count as mentions; the markup is stripped", () => {
    const m = discordInbound("default", guildMessage("g", "c", `<@!${BOT}> what now?`), BOT, 0)
    expect(m).toMatchObject({ chatType: "channel", conversationId: "c", text: "what now?", wasMentioned: true, groupKeys: ["g:c", "g:*", "*:c", "*:*"] })
    const reply = discordInbound("default", guildMessage("g", "c", "and then?", { referenced_message: { author: { id: BOT } } }), BOT, 0)
    expect(reply).toMatchObject({ wasMentioned: false, replyToBot: true })
  })

  it("a DM has no guild; bots (the bot itself included) and empty messages are not answered", () => {
    expect(discordInbound("default", { id: "1", channel_id: "d", author: { id: "42", username: "a" }, content: "hi" }, BOT, 5)).toMatchObject({ chatType: "direct", conversationId: "d", ts: 5 })
    expect(discordInbound("default", guildMessage("g", "c", "hi", { author: { id: BOT, username: "me", bot: true } }), BOT, 0)).toBeUndefined()
    expect(discordInbound("default", guildMessage("g", "c", "   "), BOT, 0)).toBeUndefined()
  })

  it("the Message Content intent from the application flags", () => {
    expect(messageContentIntent(1 << 19)).toBe("enabled")
    expect(messageContentIntent(1 << 18)).toBe("limited")
    expect(messageContentIntent(0)).toBe("disabled")
  })
})

describe("Discord accounts", () => {
  it("DISCORD_BOT_TOKEN serves the default account; named accounts inherit the root's policies", () => {
    expect(discordAccounts({} as OpenClawConfig, { DISCORD_BOT_TOKEN: "t" })).toMatchObject([{ accountId: "default", token: { source: "env", value: "t" } }])
    const accounts = discordAccounts(config({ dmPolicy: "allowlist", allowFrom: ["1"], accounts: { work: { token: "w" }, home: {} } }), { DISCORD_BOT_TOKEN: "t" })
    expect(accounts).toMatchObject([
      { accountId: "work", token: { source: "config", value: "w" }, access: { dmPolicy: "allowlist", allowFrom: ["1"] } },
      { accountId: "home", token: { source: "none" } }
    ])
    expect(discordDefaultAccountId(config({ accounts: { work: {} } }))).toBe("work")
  })
})

describe("channels.discord in config validation", () => {
  it("the keys this version reads are type-checked with their path; the original's other keys are kept", async () => {
    const { validateConfig } = await import("../../../src/domain/config/validate.js")
    const bad = validateConfig({ channels: { discord: { guilds: { g1: { requireMention: "yes" } } } } })
    expect(bad._tag).toBe("Left")
    expect(JSON.stringify(bad)).toContain("requireMention")
    const kept = validateConfig({ channels: { discord: { token: "t", textChunkLimit: 1500, guilds: { g1: { slug: "x", channels: { c1: { allow: true, autoThread: true } } } } } } })
    expect(kept._tag).toBe("Right")
    // Kept untouched and reported, as every section this version validates reports the original's keys it does not read.
    if (kept._tag === "Right") expect(kept.right.unsupported).toEqual(["channels.discord.textChunkLimit", "channels.discord.guilds.g1.slug", "channels.discord.guilds.g1.channels.c1.autoThread"])
  })
})
