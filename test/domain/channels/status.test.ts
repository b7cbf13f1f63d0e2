import { describe, expect, it } from "@effect/vitest"
import { type AccountSnapshot, accountIssues, accountStatusLine, warningLines } from "../../../src/domain/channels/status.js"

const now = 1_800_000_000_000
const base: AccountSnapshot = {
  accountId: "default", enabled: true, configured: true, running: true, connected: true, lastError: null,
  lastStartAt: now - 600_000, lastStopAt: null, lastInboundAt: now - 60_000, lastOutboundAt: now - 60_000,
  mode: "polling", tokenSource: "config", botUsername: "name", probe: { ok: true, status: 200, error: null, elapsedMs: 5 }
}

describe("channels status lines", () => {
  it("prints the bits in the original's order", () => {
    expect(accountStatusLine("Telegram", base, now)).toBe("- Telegram default: enabled, configured, running, connected, in:1m ago, out:1m ago, mode:polling, bot:@name, token:***, works")
  })

  it("an error comes right after configured, as the original prints it, and earns warnings with their fixes", () => {
    const broken: AccountSnapshot = { ...base, connected: false, lastError: "getUpdates returned 401: Unauthorized", lastInboundAt: null, lastOutboundAt: null, botUsername: undefined as never, probe: { ok: false, status: 401, error: "getMe returned 401: Unauthorized", elapsedMs: 3 } }
    const { botUsername: _, ...withoutBot } = broken
    expect(accountStatusLine("Telegram", withoutBot, now)).toBe("- Telegram default: enabled, configured, error:getUpdates returned 401: Unauthorized, running, disconnected, mode:polling, token:***, health:disconnected, probe failed")
    const lines = warningLines(accountIssues("telegram", withoutBot))
    expect(lines).toEqual([
      "",
      "Warnings:",
      "- telegram default: Channel reports running, but the runtime is disconnected. (restart the channel or gateway)",
      "- telegram default: Probe failed: getMe returned 401: Unauthorized (the bot token was revoked or is wrong: get a new one from @BotFather, then run: openclaw channels add --channel telegram --token <token>)",
      "- Run: openclaw doctor"
    ])
  })

  it("a stopped account says health:not-running and what to do", () => {
    const stopped: AccountSnapshot = { ...base, running: false, connected: false, probe: undefined as never }
    const { probe: _, ...rest } = stopped
    expect(accountStatusLine("Telegram", rest, now)).toContain("stopped, disconnected")
    expect(accountIssues("telegram", rest)[0]?.message).toBe("Channel is enabled and configured, but its runtime is not running.")
  })
})

describe("Discord and Slack bits", () => {
  it("intents:content= after the credentials; a disabled Message Content intent earns a warning with the Developer Portal fix", () => {
    const { mode: _m, tokenSource: _t, ...discord } = base
    const disabled: AccountSnapshot = { ...discord, tokenSource: "config", intents: { content: "disabled" } }
    expect(accountStatusLine("Discord", disabled, now)).toBe("- Discord default: enabled, configured, running, connected, in:1m ago, out:1m ago, bot:@name, token:***, intents:content=disabled, works")
    expect(accountIssues("discord", disabled)).toMatchObject([{ kind: "intent", fix: expect.stringContaining("enable Message Content Intent in the Developer Portal") }])
  })

  it("Slack's credential sources (bot:, app:, signing:) and the audit, each problem a warning with its fix", () => {
    const { tokenSource: _t, ...rest } = base
    const slack: AccountSnapshot = {
      ...rest, mode: "socket", botTokenSource: "config", appTokenSource: "env", signingSecretSource: "none",
      audit: { ok: false, problems: [{ target: "channel C1", error: "not_in_channel", fix: "invite the bot to the channel: /invite @<bot> in <#C1>" }] }
    }
    expect(accountStatusLine("Slack", slack, now)).toBe("- Slack default: enabled, configured, running, connected, in:1m ago, out:1m ago, mode:socket, bot:@name, bot:config, app:env, works, audit failed")
    expect(warningLines(accountIssues("slack", slack))).toContain("- slack default: channel C1: not_in_channel (invite the bot to the channel: /invite @<bot> in <#C1>)")
  })
})
