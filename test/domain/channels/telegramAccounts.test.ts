import { describe, expect, it } from "@effect/vitest"
import { telegramAccounts, telegramDefaultAccountId } from "../../../src/domain/channels/telegramAccounts.js"
import { mentionsBot } from "../../../src/domain/channels/telegramApi.js"

describe("Telegram accounts from config", () => {
  it("no section: only TELEGRAM_BOT_TOKEN makes a default account; the root is the default account otherwise", () => {
    expect(telegramAccounts({}, {})).toEqual([])
    expect(telegramAccounts({}, { TELEGRAM_BOT_TOKEN: "t" })[0]).toMatchObject({ accountId: "default", token: { source: "env", value: "t" }, access: { dmPolicy: "pairing", groupPolicy: "allowlist" } })
    const [root] = telegramAccounts({ channels: { telegram: { botToken: "cfg", dmPolicy: "open", allowFrom: [1, "2"] } } }, { TELEGRAM_BOT_TOKEN: "env" })
    expect(root).toMatchObject({ token: { source: "config", value: "cfg" }, apiRoot: "https://api.telegram.org", access: { dmPolicy: "open", allowFrom: ["1", "2"] } })
  })

  it("named accounts inherit allowFrom and policies; an account's groups replace the root's; env serves default only", () => {
    const accounts = telegramAccounts({
      channels: {
        defaults: { groupPolicy: "open" },
        telegram: {
          allowFrom: ["7"],
          groups: { "*": { requireMention: true } },
          apiRoot: "http://127.0.0.1:9",
          accounts: { default: {}, work: { tokenFile: "/run/secrets/tg", groups: { "-5": { requireMention: false } } } }
        }
      }
    }, { TELEGRAM_BOT_TOKEN: "env" })
    expect(accounts.map((a) => [a.accountId, a.token.source])).toEqual([["default", "env"], ["work", "tokenFile"]])
    expect(accounts[1]).toMatchObject({ apiRoot: "http://127.0.0.1:9", access: { allowFrom: ["7"], groupPolicy: "open", groups: { "-5": { requireMention: false } } } })
    expect(accounts[0]?.access.groups).toEqual({ "*": { enabled: undefined, requireMention: true, groupPolicy: undefined, allowFrom: undefined } })
  })

  it("the outbound default: defaultAccount, else default, else the first", () => {
    expect(telegramDefaultAccountId({ channels: { telegram: { accounts: { a: {}, b: {} } } } })).toBe("a")
    expect(telegramDefaultAccountId({ channels: { telegram: { accounts: { a: {}, default: {} } } } })).toBe("default")
    expect(telegramDefaultAccountId({ channels: { telegram: { defaultAccount: "b", accounts: { a: {}, b: {} } } } })).toBe("b")
  })

  it("a native mention is the bot's @username entity or a text_mention of its id", () => {
    const bot = { id: 9, username: "ClawBot" }
    const base = { message_id: 1, date: 1, chat: { id: -1, type: "group" } }
    expect(mentionsBot({ ...base, text: "@clawbot hi", entities: [{ type: "mention", offset: 0, length: 8 }] }, bot)).toBe(true)
    expect(mentionsBot({ ...base, text: "@other hi", entities: [{ type: "mention", offset: 0, length: 6 }] }, bot)).toBe(false)
    expect(mentionsBot({ ...base, text: "Claw hi", entities: [{ type: "text_mention", offset: 0, length: 4, user: { id: 9 } }] }, bot)).toBe(true)
    expect(mentionsBot({ ...base, text: "clawbot hi" }, bot)).toBe(false)
  })
})
