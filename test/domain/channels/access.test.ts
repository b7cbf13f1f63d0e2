import { describe, expect, it } from "@effect/vitest"
import { type AccountAccess, compileMentionPatterns, decideAccess, type InboundFacts, normalizeEntry, patternsApplyIn } from "../../../src/domain/channels/access.js"

const access = (over: Partial<AccountAccess> = {}): AccountAccess => ({ dmPolicy: "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: undefined, groups: undefined, mentionPatternScope: undefined, ...over })
const dm = (senderId: string): InboundFacts => ({ channel: "telegram", chatType: "direct", senderId, conversationId: senderId, text: "hi" })
const group = (senderId: string, over: Partial<InboundFacts> = {}): InboundFacts => ({ channel: "telegram", chatType: "group", senderId, conversationId: "-100", text: "hello", ...over })
const decide = (a: AccountAccess, facts: InboundFacts, approved: ReadonlyArray<string> = [], patterns: ReadonlyArray<string> = []) =>
  decideAccess({ access: a, facts, approved, patterns: compileMentionPatterns(patterns), botId: "999" })

describe("DM policy", () => {
  it("pairing: allowFrom or a pairing approval admits; anyone else is asked to pair", () => {
    expect(decide(access({ allowFrom: ["tg:42"] }), dm("42"))._tag).toBe("Allow")
    expect(decide(access(), dm("42"), ["42"])._tag).toBe("Allow")
    expect(decide(access(), dm("43"), ["42"])).toEqual({ _tag: "Pair", reason: "pairing-required" })
  })

  it("allowlist and open read allowFrom only (never the pairing store); open is public only with \"*\"", () => {
    expect(decide(access({ dmPolicy: "allowlist", allowFrom: ["42"] }), dm("43"), ["43"])).toMatchObject({
      _tag: "Drop",
      reason: "dm-not-allowlisted",
      log: "Blocked unauthorized telegram sender 43 (dmPolicy=allowlist, not in allowFrom)"
    })
    expect(decide(access({ dmPolicy: "open", allowFrom: ["42"] }), dm("43"))._tag).toBe("Drop")
    expect(decide(access({ dmPolicy: "open", allowFrom: ["*"] }), dm("43"))).toMatchObject({ _tag: "Allow", reason: "dmPolicy=open matched *" })
  })

  it("disabled drops with the runbook's signature", () => {
    expect(decide(access({ dmPolicy: "disabled", allowFrom: ["*"] }), dm("42"))).toMatchObject({ _tag: "Drop", reason: "dm-disabled", log: "telegram: drop dm (dmPolicy=disabled sender=42)" })
  })
})

describe("group policy, allowlists and mention gating", () => {
  it("disabled, a chat missing from a present groups map, and a sender missing from groupAllowFrom are dropped", () => {
    expect(decide(access({ groupPolicy: "disabled" }), group("1"))).toMatchObject({ reason: "group-disabled" })
    expect(decide(access({ groupPolicy: "open", groups: { "-200": {} } }), group("1"))).toMatchObject({ reason: "group-not-allowlisted" })
    expect(decide(access({ groupAllowFrom: ["2"] }), group("1", { nativeMention: true }))).toMatchObject({ reason: "group-sender-not-allowlisted" })
  })

  it("groupAllowFrom falls back to allowFrom, never to pairing approvals", () => {
    expect(decide(access({ allowFrom: ["1"] }), group("1", { nativeMention: true }))._tag).toBe("Allow")
    expect(decide(access(), group("1", { nativeMention: true }), ["1"])).toMatchObject({ reason: "group-sender-not-allowlisted" })
  })

  it("\"*\" admits every group; a group's own rule wins over \"*\"", () => {
    const a = access({ groupPolicy: "open", groups: { "*": { requireMention: false }, "-100": { requireMention: true } } })
    expect(decide(a, group("1", { conversationId: "-300" }))).toMatchObject({ _tag: "Allow", reason: "requireMention=false" })
    expect(decide(a, group("1"))).toMatchObject({ _tag: "Drop", reason: "no-mention", log: "telegram: drop group message (mention required, botId=999)" })
  })

  it("mentioned by a native mention, a reply to the bot, or a pattern where patterns apply", () => {
    const a = access({ groupPolicy: "open" })
    expect(decide(a, group("1", { nativeMention: true }))).toMatchObject({ _tag: "Allow", reason: "mentioned (native)" })
    expect(decide(a, group("1", { replyToBot: true }))).toMatchObject({ _tag: "Allow", reason: "mentioned (reply-to-bot)" })
    expect(decide(a, group("1", { text: "Hey CLAW, what's up" }), [], ["\\bclaw\\b"])).toMatchObject({ _tag: "Allow", reason: "mentioned (pattern)" })
    expect(decide(access({ groupPolicy: "open", mentionPatternScope: { denyIn: ["-100"] } }), group("1", { text: "claw" }), [], ["claw"])._tag).toBe("Drop")
    // An invalid pattern is skipped, not fatal.
    expect(compileMentionPatterns(["(", "ok"])).toHaveLength(1)
  })

  it("mention pattern scope: denyIn always wins; mode deny applies patterns only in allowIn", () => {
    expect(patternsApplyIn(undefined, "a")).toBe(true)
    expect(patternsApplyIn({ mode: "deny", allowIn: ["a"] }, "a")).toBe(true)
    expect(patternsApplyIn({ mode: "deny", allowIn: ["a"] }, "b")).toBe(false)
    expect(patternsApplyIn({ mode: "deny", allowIn: ["a"], denyIn: ["a"] }, "a")).toBe(false)
  })

  it("allowlist entries are compared without case and channel prefixes", () => {
    expect(normalizeEntry("telegram", " Telegram:123 ")).toBe("123")
    expect(normalizeEntry("telegram", "tg:123")).toBe("123")
  })
})
