import { Either } from "effect"
import { ownEntry } from "../ownEntry.js"
import { InvalidRequest } from "../protocol/errors.js"
import type { RegistryChange } from "./changes.js"
import { decidePairing } from "./decide.js"
import type { DeviceMetadata, DeviceTokenRecord, PairedDevice, PairingReason, PendingRequest } from "./records.js"
import { type ApprovalSource, applyApproval, type ApprovedVia, issuedAt, normalizeLabel, type PairedFile, type PendingFile, pickMetadata, sameAsk, tokenReusable } from "./registryState.js"

/**
 * The registry's decisions as pure functions of the files: each returns what to write (only the files
 * given) and the changes to publish after the write. The layer supplies time, fresh ids and tokens.
 */
export interface Outcome<A> {
  readonly result: A
  readonly paired?: PairedFile
  readonly pending?: PendingFile
  readonly changes?: ReadonlyArray<RegistryChange>
}

/** What a connecting device asks for. */
export interface PairingAsk extends DeviceMetadata {
  readonly deviceId: string
  readonly publicKey: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly reason: PairingReason
  readonly isRepair: boolean
  readonly remoteIp?: string | undefined
}

/** A device token as handed to a client. */
export interface IssuedToken {
  readonly token: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly issuedAtMs: number
}

type Decision<A> = Either.Either<Outcome<A>, InvalidRequest>

const unknownRequest = () => new InvalidRequest({ message: "unknown requestId" })
const unknownDevice = () => new InvalidRequest({ message: "unknown deviceId" })
const roleNotApproved = () => new InvalidRequest({ message: "role not approved for device" })

/** Files or reuses the single pending request of a device: an identical ask reuses it, a changed one supersedes it. */
export const fileRequest = (pending: PendingFile, ask: PairingAsk, now: number, newRequestId: string): Outcome<PendingRequest> => {
  const own = Object.values(pending).filter((r) => r.deviceId === ask.deviceId)
  const reusable = own.find((r) => sameAsk(r, ask))
  const others = Object.fromEntries(Object.entries(pending).filter(([, r]) => r.deviceId !== ask.deviceId))
  if (reusable !== undefined) {
    // Same ask: keep the requestId, refresh the expiry and the metadata approval will pin.
    const { displayName: _d, platform: _p, deviceFamily: _f, clientId: _c, clientMode: _m, ...kept } = reusable
    const refreshed: PendingRequest = { ...kept, ...pickMetadata(ask), ...(ask.remoteIp === undefined ? {} : { remoteIp: ask.remoteIp }), ts: now }
    return { result: refreshed, pending: { ...others, [refreshed.requestId]: refreshed } }
  }
  const created: PendingRequest = {
    requestId: newRequestId,
    deviceId: ask.deviceId,
    publicKey: ask.publicKey,
    ...pickMetadata(ask),
    role: ask.role,
    scopes: [...ask.scopes],
    reason: ask.reason,
    ...(ask.remoteIp === undefined ? {} : { remoteIp: ask.remoteIp }),
    isRepair: ask.isRepair,
    ts: now
  }
  const superseded = own.map((r): RegistryChange => ({ _tag: "Resolved", requestId: r.requestId, deviceId: r.deviceId, decision: "rejected", ts: now }))
  return {
    result: created,
    pending: { ...others, [created.requestId]: created },
    changes: [...superseded, { _tag: "Requested", request: created }]
  }
}

/** The paired file after approving `source`, plus the changes that follow from it. */
const approveInto = (paired: PairedFile, source: ApprovalSource, requestId: string, now: number, via: ApprovedVia) => {
  const { device, keyChanged } = applyApproval(ownEntry(paired, source.deviceId), source, now, via)
  const hadTokens = Object.keys(ownEntry(paired, source.deviceId)?.tokens ?? {}).length > 0
  const changes: Array<RegistryChange> = []
  if (keyChanged && hadTokens) {
    changes.push({ _tag: "TokenInvalidated", deviceId: device.deviceId, role: undefined, reason: "device identity changed" })
  }
  changes.push({ _tag: "Resolved", requestId, deviceId: device.deviceId, decision: "approved", ts: now })
  return { device, paired: { ...paired, [device.deviceId]: device }, changes }
}

/** Approves a pending request: records role and scopes (union with earlier approvals). */
export const approveRequest = (paired: PairedFile, pending: PendingFile, requestId: string, now: number): Decision<PairedDevice> => {
  const found = ownEntry(pending, requestId)
  if (found === undefined) return Either.left(unknownRequest())
  const next = approveInto(paired, found, requestId, now, "owner")
  const { [requestId]: _removed, ...rest } = pending
  return Either.right({ result: next.device, paired: next.paired, pending: rest, changes: next.changes })
}

/** The stored record when it already covers the ask (key, metadata, role and scopes), else undefined. */
export const coveredDevice = (paired: PairedFile, ask: PairingAsk): PairedDevice | undefined => {
  const current = ownEntry(paired, ask.deviceId)
  return current !== undefined && decidePairing(current, ask) === undefined ? current : undefined
}

/**
 * Approves inline (local auto-approval) without a stored pending request. An ask the stored record already
 * covers (the same device's other connects, approved a moment earlier) changes nothing: no write, no event.
 */
export const approveAsk = (paired: PairedFile, ask: PairingAsk, now: number, requestId: string): Outcome<PairedDevice> => {
  const current = coveredDevice(paired, ask)
  if (current !== undefined) return { result: current }
  const next = approveInto(paired, ask, requestId, now, "silent")
  return { result: next.device, paired: next.paired, changes: next.changes }
}

export const rejectRequest = (pending: PendingFile, requestId: string, now: number): Decision<{ readonly requestId: string; readonly deviceId: string }> => {
  const found = ownEntry(pending, requestId)
  if (found === undefined) return Either.left(unknownRequest())
  const { [requestId]: _removed, ...rest } = pending
  return Either.right({
    result: { requestId, deviceId: found.deviceId },
    pending: rest,
    changes: [{ _tag: "Resolved", requestId, deviceId: found.deviceId, decision: "rejected", ts: now }]
  })
}

export const removeDevice = (paired: PairedFile, deviceId: string): Decision<void> => {
  if (ownEntry(paired, deviceId) === undefined) return Either.left(unknownDevice())
  const { [deviceId]: _removed, ...rest } = paired
  return Either.right({
    result: undefined,
    paired: rest,
    changes: [{ _tag: "TokenInvalidated", deviceId, role: undefined, reason: "device removed" }]
  })
}

/** The label must be valid before anything is read; see `normalizeLabel`. */
export const validLabel = (label: string): Either.Either<string, InvalidRequest> => {
  const operatorLabel = normalizeLabel(label)
  return operatorLabel === undefined ? Either.left(new InvalidRequest({ message: "invalid label" })) : Either.right(operatorLabel)
}

export const renameDevice = (paired: PairedFile, deviceId: string, operatorLabel: string): Decision<PairedDevice> => {
  const device = ownEntry(paired, deviceId)
  if (device === undefined) return Either.left(unknownDevice())
  const renamed: PairedDevice = { ...device, operatorLabel }
  return Either.right({ result: renamed, paired: { ...paired, [deviceId]: renamed } })
}

const withToken = (paired: PairedFile, device: PairedDevice, record: DeviceTokenRecord): PairedFile => ({
  ...paired,
  [device.deviceId]: { ...device, tokens: { ...device.tokens, [record.role]: record } }
})

/** The token as handed to a client. */
export const issued = (record: DeviceTokenRecord): IssuedToken => ({
  token: record.token,
  role: record.role,
  scopes: record.scopes,
  issuedAtMs: issuedAt(record)
})

/** The stored token of (device, role) when it can be handed out again without a write. */
export const reusableToken = (paired: PairedFile, deviceId: string, role: string, scopes: ReadonlyArray<string>): IssuedToken | undefined => {
  const device = ownEntry(paired, deviceId)
  const existing = device === undefined ? undefined : ownEntry(device.tokens, role)
  return device !== undefined && device.roles.includes(role) && tokenReusable(existing, scopes) ? issued(existing) : undefined
}

/** Reuses the unrevoked token of (device, role) when it covers `scopes`, else mints `fresh` with `scopes`. */
export const issueToken = (paired: PairedFile, deviceId: string, role: string, scopes: ReadonlyArray<string>, now: number, fresh: string): Decision<IssuedToken> => {
  const device = ownEntry(paired, deviceId)
  if (device === undefined || !device.roles.includes(role)) return Either.left(roleNotApproved())
  const stored = ownEntry(device.tokens, role)
  if (tokenReusable(stored, scopes)) return Either.right({ result: issued(stored) })
  const minted: DeviceTokenRecord = { token: fresh, role, scopes: [...scopes], createdAtMs: now }
  return Either.right({ result: issued(minted), paired: withToken(paired, device, minted) })
}

/** Records a use of `token`; only the token that was verified, since it may have been rotated or revoked meanwhile. */
export const stampLastUsed = (paired: PairedFile, deviceId: string, role: string, token: string, now: number): Outcome<void> => {
  const device = ownEntry(paired, deviceId)
  const latest = device === undefined ? undefined : ownEntry(device.tokens, role)
  if (device === undefined || latest === undefined || latest.token !== token || latest.revokedAtMs !== undefined) return { result: undefined }
  return { result: undefined, paired: withToken(paired, device, { ...latest, lastUsedAtMs: now }) }
}

/** Replaces the token of (device, role) with `fresh`; omitted scopes keep the current ones. */
export const rotateToken = (
  paired: PairedFile,
  deviceId: string,
  role: string,
  scopes: ReadonlyArray<string> | undefined,
  now: number,
  fresh: string
): Decision<IssuedToken & { readonly rotatedAtMs: number }> => {
  const device = ownEntry(paired, deviceId)
  if (device === undefined) return Either.left(unknownDevice())
  if (!device.roles.includes(role)) return Either.left(roleNotApproved())
  const previous = ownEntry(device.tokens, role)
  const rotated: DeviceTokenRecord = {
    token: fresh,
    role,
    scopes: [...(scopes ?? previous?.scopes ?? [])],
    createdAtMs: previous?.createdAtMs ?? now,
    rotatedAtMs: now
  }
  return Either.right({
    result: { ...issued(rotated), rotatedAtMs: now },
    paired: withToken(paired, device, rotated),
    changes: [{ _tag: "TokenInvalidated", deviceId, role, reason: "token rotated" }]
  })
}

export const revokeToken = (paired: PairedFile, deviceId: string, role: string, now: number): Decision<{ readonly revokedAtMs: number }> => {
  const device = ownEntry(paired, deviceId)
  if (device === undefined) return Either.left(unknownDevice())
  const record = ownEntry(device.tokens, role)
  if (record === undefined) return Either.left(new InvalidRequest({ message: "unknown device token" }))
  if (record.revokedAtMs !== undefined) return Either.right({ result: { revokedAtMs: record.revokedAtMs } })
  return Either.right({
    result: { revokedAtMs: now },
    paired: withToken(paired, device, { ...record, revokedAtMs: now }),
    changes: [{ _tag: "TokenInvalidated", deviceId, role, reason: "token revoked" }]
  })
}
