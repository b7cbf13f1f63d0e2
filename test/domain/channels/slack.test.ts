import { describe, expect, it } from "@effect/vitest"
import { decideAccess } from "../../../src/domain/channels/access.js"
import { slackAccounts, slackErrorFix } from "../../../src/domain/channels/slackAccounts.js"
import type { OpenClawConfig } from "../../../src/domain/config/ConfigSchema.js"

const config = (slack: unknown) => ({ channels: { slack } }) as unknown as OpenClawConfig

const decide = (slack: unknown, conversationId: string, mentioned: boolean, senderId = "U1") =>
  decideAccess({
    access: slackAccounts(config(slack), {})[0]!.access,
    facts: { channel: "slack", chatType: "channel", senderId, conversationId, text: "hi", nativeMention: mentioned, groupNoun: "channel" },
    approved: [],
    patterns: [],
    botId: "UBOT"
  })

describe("Slack accounts and the channels allowlist", () => {
  it("a channels map is an allowlist; `*` opens the rest; `users` restricts senders", () => {
    const slack = { channels: { C1: { allow: true }, C2: { users: ["U9"] } } }
    expect(decide(slack, "C1", true)).toMatchObject({ _tag: "Allow" })
    expect(decide(slack, "C1", false)).toMatchObject({ _tag: "Drop", reason: "no-mention", log: "slack: drop channel message (mention required, botId=UBOT)" })
    expect(decide(slack, "C3", true)).toMatchObject({ _tag: "Drop", reason: "group-not-allowlisted" })
    expect(decide(slack, "C2", true)).toMatchObject({ _tag: "Drop", reason: "group-sender-not-allowlisted" })
    expect(decide({ channels: { "*": { requireMention: false } } }, "C7", false)).toMatchObject({ _tag: "Allow" })
  })

  it("credentials: config first, then SLACK_BOT_TOKEN / SLACK_APP_TOKEN for the default account; sources, never values, leave this module's callers", () => {
    const [account] = slackAccounts(config({ botToken: "xoxb-1", channels: { C1: {}, "*": {} } }), { SLACK_APP_TOKEN: "xapp-1", SLACK_BOT_TOKEN: "xoxb-env" })
    expect(account).toMatchObject({ botToken: { source: "config", value: "xoxb-1" }, appToken: { source: "env", value: "xapp-1" }, signingSecret: { source: "none" }, listedChannels: ["C1"] })
    expect(slackAccounts({} as OpenClawConfig, {})).toEqual([])
  })

  it("each provider error gets the fix a user can act on", () => {
    expect(slackErrorFix("missing_scope", "chat:write", undefined)).toContain("add the chat:write scope")
    expect(slackErrorFix("not_in_channel", undefined, "C1")).toBe("invite the bot to the channel: /invite @<bot> in <#C1>")
  })
})
