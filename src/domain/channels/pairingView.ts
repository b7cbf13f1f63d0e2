import { createHash } from "node:crypto"
import { PAIRING_TTL_MS, type PairingRequest } from "./pairing.js"

/** A channel account whose DMs go through pairing, as `channels.pairing.list` lists it. */
export interface PairingAccount {
  readonly channel: string
  readonly channelLabel: string
  readonly accountId: string
  readonly accountLabel?: string | undefined
}

/** What a sender id is, per channel (the original's pairing `idLabel`). */
const SENDER_LABELS: Readonly<Record<string, string>> = { telegram: "telegramUserId", discord: "discordUserId", slack: "slackUserId" }

/** The request's stable id, as the original derives it (channel, account, sender, creation time). */
export const pairingRequestId = (channel: string, accountId: string, request: PairingRequest) =>
  createHash("sha256").update(`${channel}\0${accountId}\0${request.id}\0${request.createdAt}`).digest("base64url").slice(0, 32)

export const publicPairingAccount = (account: PairingAccount) => ({
  channel: account.channel,
  channelLabel: account.channelLabel,
  accountId: account.accountId,
  ...(account.accountLabel === undefined ? {} : { accountLabel: account.accountLabel }),
  // Approving (and notifying the sender) is `openclaw pairing approve --notify` here, not a UI call.
  notifySupported: false
})

/** A pending request as the original's Control UI reads it (never the code: approving needs the CLI or the code). */
export const publicPairingRequest = (account: PairingAccount, request: PairingRequest) => {
  const metadata = Object.fromEntries(Object.entries(request.meta ?? {}).filter(([key, value]) => key !== "accountId" && key !== "senderId" && value !== ""))
  return {
    requestId: pairingRequestId(account.channel, account.accountId, request),
    channel: account.channel,
    channelLabel: account.channelLabel,
    accountId: account.accountId,
    ...(account.accountLabel === undefined ? {} : { accountLabel: account.accountLabel }),
    senderId: request.meta?.["senderId"] ?? request.id,
    senderLabel: SENDER_LABELS[account.channel] ?? "senderId",
    ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
    createdAt: request.createdAt,
    lastSeenAt: request.lastSeenAt,
    expiresAt: new Date(Date.parse(request.createdAt) + PAIRING_TTL_MS).toISOString(),
    notifySupported: false
  }
}
