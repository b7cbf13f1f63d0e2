import { describe, expect, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import { pairingRequestId, publicPairingAccount, publicPairingRequest } from "../../../src/domain/channels/pairingView.js"

const account = { channel: "telegram", channelLabel: "Telegram", accountId: "default", accountLabel: "Ops bot" }
const request = { id: "123456", code: "ABCD2345", createdAt: "2026-12-06T10:00:00.000Z", lastSeenAt: "2026-12-06T10:05:00.000Z", meta: { username: "alice", senderId: "123456", accountId: "default", firstName: "" } }

describe("channels.pairing.list rows (the original Control UI's shape)", () => {
  it("a pending request shows sender, labels, metadata without ids or empty values, an expiry one hour on, and never the code", () => {
    const row = publicPairingRequest(account, request)
    expect(row).toEqual({
      requestId: pairingRequestId("telegram", "default", request),
      channel: "telegram",
      channelLabel: "Telegram",
      accountId: "default",
      accountLabel: "Ops bot",
      senderId: "123456",
      senderLabel: "telegramUserId",
      metadata: { username: "alice" },
      createdAt: "2026-12-06T10:00:00.000Z",
      lastSeenAt: "2026-12-06T10:05:00.000Z",
      expiresAt: "2026-12-06T11:00:00.000Z",
      notifySupported: false
    })
    expect(JSON.stringify(row)).not.toContain("ABCD2345")
  })

  it("the request id is the original's: sha256 of channel, account, sender and creation time, base64url, 32 characters", () => {
    const expected = createHash("sha256").update(["telegram", "default", "123456", "2026-12-06T10:00:00.000Z"].join("\u0000")).digest("base64url").slice(0, 32)
    expect(pairingRequestId("telegram", "default", request)).toBe(expected)
    expect(pairingRequestId("telegram", "work", request)).not.toBe(expected)
  })

  it("an account without a name has no accountLabel", () => {
    expect(publicPairingAccount({ channel: "slack", channelLabel: "Slack", accountId: "default" })).toEqual({ channel: "slack", channelLabel: "Slack", accountId: "default", notifySupported: false })
  })
})
