import { Schema } from "effect"
import { opt } from "../opt.js"

/** The pairing code alphabet: uppercase, no `0O1I` (spec 2.3). */
export const PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
export const PAIRING_CODE_LENGTH = 8
export const PAIRING_TTL_MS = 60 * 60 * 1000
export const PAIRING_MAX_PENDING = 3

/** One pending DM pairing request (the original's record). */
export const PairingRequest = Schema.Struct({
  id: Schema.String,
  code: Schema.String,
  createdAt: Schema.String,
  lastSeenAt: Schema.String,
  accountId: opt(Schema.String),
  meta: opt(Schema.Record({ key: Schema.String, value: Schema.String }))
})
export type PairingRequest = typeof PairingRequest.Type

/** `<channel>-pairing.json`: the pending requests of every account of one channel. */
export const PairingFile = Schema.Struct({ version: Schema.Literal(1), requests: Schema.Array(PairingRequest) })
export type PairingFile = typeof PairingFile.Type

/** `<channel>-<accountId>-allowFrom.json`: the senders approved by pairing for one account. */
export const AllowFromFile = Schema.Struct({ version: Schema.Literal(1), allowFrom: Schema.Array(Schema.String) })
export type AllowFromFile = typeof AllowFromFile.Type

export const emptyPairingFile: PairingFile = { version: 1, requests: [] }

/** A code from random bytes (one byte per character; the alphabet has 32 letters, so no bias). */
export const codeFromBytes = (bytes: Uint8Array): string => {
  let code = ""
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[(bytes[i] ?? 0) % PAIRING_ALPHABET.length]
  return code
}

const accountOf = (request: PairingRequest) => request.accountId ?? "default"

const alive = (request: PairingRequest, nowMs: number) => nowMs - Date.parse(request.createdAt) < PAIRING_TTL_MS

/** Requests still inside their hour. */
export const prunePairing = (file: PairingFile, nowMs: number): PairingFile => ({ version: 1, requests: file.requests.filter((r) => alive(r, nowMs)) })

export type UpsertOutcome =
  /** A new request: send the code. */
  | { readonly _tag: "Created"; readonly file: PairingFile; readonly request: PairingRequest }
  /** The sender already waits: refresh `lastSeenAt`, send nothing. */
  | { readonly _tag: "Pending"; readonly file: PairingFile; readonly request: PairingRequest }
  /** The account already has the maximum pending: ignored until one expires or is approved. */
  | { readonly _tag: "Full"; readonly file: PairingFile }

/** Records a DM pairing request for `senderId` on `accountId` (spec 2.3: 1 h TTL, at most 3 pending per account). */
export const upsertPairing = (input: {
  readonly file: PairingFile
  readonly accountId: string
  readonly senderId: string
  readonly meta: Readonly<Record<string, string>>
  readonly nowMs: number
  /** A fresh code (only used when a request is created; must not collide with a pending one). */
  readonly newCode: () => string
}): UpsertOutcome => {
  const now = new Date(input.nowMs).toISOString()
  const file = prunePairing(input.file, input.nowMs)
  const existing = file.requests.find((r) => r.id === input.senderId && accountOf(r) === input.accountId)
  if (existing !== undefined) {
    const request = { ...existing, lastSeenAt: now }
    return { _tag: "Pending", request, file: { version: 1, requests: file.requests.map((r) => (r === existing ? request : r)) } }
  }
  if (file.requests.filter((r) => accountOf(r) === input.accountId).length >= PAIRING_MAX_PENDING) return { _tag: "Full", file }
  const taken = new Set(file.requests.map((r) => r.code))
  let code = input.newCode()
  for (let i = 0; taken.has(code) && i < 16; i++) code = input.newCode()
  const request: PairingRequest = {
    id: input.senderId,
    code,
    createdAt: now,
    lastSeenAt: now,
    ...(input.accountId === "default" ? {} : { accountId: input.accountId }),
    ...(Object.keys(input.meta).length === 0 ? {} : { meta: { ...input.meta } })
  }
  return { _tag: "Created", request, file: { version: 1, requests: [...file.requests, request] } }
}

/** Takes the request with `code` (case-insensitive) out of the file, when it is pending for `accountId` (any account when undefined). */
export const takePairing = (file: PairingFile, code: string, accountId: string | undefined, nowMs: number): { readonly file: PairingFile; readonly request: PairingRequest } | undefined => {
  const wanted = code.trim().toUpperCase()
  return takePairingWhere(file, (r) => r.code === wanted && (accountId === undefined || accountOf(r) === accountId), nowMs)
}

/** The first unexpired request `matches` picks, and the file without it. */
export const takePairingWhere = (file: PairingFile, matches: (request: PairingRequest) => boolean, nowMs: number): { readonly file: PairingFile; readonly request: PairingRequest } | undefined => {
  const pruned = prunePairing(file, nowMs)
  const request = pruned.requests.find(matches)
  if (request === undefined) return undefined
  return { request, file: { version: 1, requests: pruned.requests.filter((r) => r !== request) } }
}

export const pairingAccountOf = accountOf

/** The reply an unknown sender gets (spec 2.3), as HTML for Telegram's `parse_mode: "HTML"`. */
export const pairingReplyHtml = (channel: string, idLine: string, code: string): string =>
  [
    "OpenClaw: access not configured.",
    "",
    escapeHtml(idLine),
    "",
    `Pairing code: <code>${code}</code>`,
    "",
    "Ask the bot owner to approve with:",
    `<code>openclaw pairing approve ${channel} ${code}</code>`
  ].join("\n")

/** The same reply as plain text (channels without markup). */
export const pairingReplyText = (channel: string, idLine: string, code: string): string =>
  ["OpenClaw: access not configured.", "", idLine, "", `Pairing code: ${code}`, "", "Ask the bot owner to approve with:", `openclaw pairing approve ${channel} ${code}`].join("\n")

/** What `pairing approve --notify` sends to the approved sender. */
export const PAIRING_APPROVED_NOTICE = "✅ OpenClaw access approved. Send a message to start chatting."

export const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
