import { Schema } from "effect"
import { timingSafeEqual } from "node:crypto"
import { scopesCovered } from "../protocol/scopes.js"
import { type DeviceMetadata, type DeviceTokenRecord, PairedDevice, PendingRequest } from "./records.js"

/** A pending request expires this long after its last retry (`ts`). */
export const PENDING_TTL_MS = 5 * 60_000

/** `lastUsedAtMs` is rewritten at most this often per token. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000

/** `devices/paired.json`: paired devices keyed by deviceId. */
export const PairedFile = Schema.Record({ key: Schema.String, value: PairedDevice })
export type PairedFile = typeof PairedFile.Type

/** `devices/pending.json`: pending requests keyed by requestId. */
export const PendingFile = Schema.Record({ key: Schema.String, value: PendingRequest })
export type PendingFile = typeof PendingFile.Type

/** What an approval records about a device: its key, metadata, and the role and scopes asked for. */
export interface ApprovalSource extends DeviceMetadata {
  readonly deviceId: string
  readonly publicKey: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly remoteIp?: string | undefined
}

/** `a` followed by the members of `b` it lacks, without duplicates. */
export const unionOf = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): ReadonlyArray<string> => [...new Set([...a, ...b])]

export const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((item) => right.has(item))
}

/** Only the metadata fields of a value (a PairingAsk carries more than a record should keep). */
export const pickMetadata = (source: DeviceMetadata): DeviceMetadata => ({
  ...(source.displayName === undefined ? {} : { displayName: source.displayName }),
  ...(source.platform === undefined ? {} : { platform: source.platform }),
  ...(source.deviceFamily === undefined ? {} : { deviceFamily: source.deviceFamily }),
  ...(source.clientId === undefined ? {} : { clientId: source.clientId }),
  ...(source.clientMode === undefined ? {} : { clientMode: source.clientMode })
})

/** A request is live until PENDING_TTL_MS after its last `ts`. */
export const isExpired = (request: PendingRequest, now: number) => now - request.ts >= PENDING_TTL_MS

/** The live requests only. */
export const dropExpired = (pending: PendingFile, now: number): PendingFile =>
  Object.fromEntries(Object.entries(pending).filter(([, request]) => !isExpired(request, now)))

/** A retry asking for the same thing as `request` (role, scopes as a set, key) reuses it. */
export const sameAsk = (request: PendingRequest, ask: { readonly publicKey: string; readonly role: string; readonly scopes: ReadonlyArray<string> }) =>
  request.publicKey === ask.publicKey && request.role === ask.role && sameSet(request.scopes, ask.scopes)

/**
 * The paired record after approving `source`: key and metadata from the source, roles and scopes
 * unioned with earlier approvals, tokens dropped when the key changed (`keyChanged`).
 */
export type ApprovedVia = "silent" | "owner"

export const applyApproval = (
  existing: PairedDevice | undefined,
  source: ApprovalSource,
  now: number,
  via: ApprovedVia
): { readonly device: PairedDevice; readonly keyChanged: boolean } => {
  const metadata = pickMetadata(source)
  if (existing === undefined) {
    return {
      device: {
        deviceId: source.deviceId,
        publicKey: source.publicKey,
        ...metadata,
        roles: [source.role],
        approvedScopes: unionOf([], source.scopes),
        tokens: {},
        approvedAtMs: now,
        ...(source.remoteIp === undefined ? {} : { remoteIp: source.remoteIp }),
        approvedVia: via
      },
      keyChanged: false
    }
  }
  const keyChanged = existing.publicKey !== source.publicKey
  // Drop the old metadata (replaced wholesale) but keep any other field, including ones a newer writer added.
  const { displayName: _d, platform: _p, deviceFamily: _f, clientId: _c, clientMode: _m, ...kept } = existing
  return {
    device: {
      ...kept,
      ...metadata,
      deviceId: source.deviceId,
      publicKey: source.publicKey,
      roles: unionOf(existing.roles, [source.role]),
      approvedScopes: unionOf(existing.approvedScopes, source.scopes),
      tokens: keyChanged ? {} : existing.tokens,
      approvedAtMs: now,
      ...(source.remoteIp === undefined ? {} : { remoteIp: source.remoteIp }),
      approvedVia: via
    },
    keyChanged
  }
}

/** The label an operator may set: 1-64 characters after trimming. */
export const normalizeLabel = (label: string): string | undefined => {
  const trimmed = label.trim()
  return trimmed.length >= 1 && trimmed.length <= 64 ? trimmed : undefined
}

/** The stored token can be handed out again for `scopes`. */
export const tokenReusable = (record: DeviceTokenRecord | undefined, scopes: ReadonlyArray<string>): record is DeviceTokenRecord =>
  record !== undefined && record.revokedAtMs === undefined && scopesCovered(record.scopes, scopes)

/** Constant-time comparison; different lengths are simply unequal. */
export const tokensEqual = (expected: string, presented: string) => {
  const a = Buffer.from(expected, "utf8")
  const b = Buffer.from(presented, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/** When the token was last (re-)issued. */
export const issuedAt = (record: DeviceTokenRecord) => record.rotatedAtMs ?? record.createdAtMs
