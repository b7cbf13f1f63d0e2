import { Schema } from "effect"
import { opt } from "../opt.js"

/** A device token for one role of one paired device. */
export const DeviceTokenRecord = Schema.Struct({
  token: Schema.String,
  role: Schema.String,
  scopes: Schema.Array(Schema.String),
  createdAtMs: Schema.Number,
  rotatedAtMs: opt(Schema.Number),
  revokedAtMs: opt(Schema.Number),
  lastUsedAtMs: opt(Schema.Number)
})
export type DeviceTokenRecord = typeof DeviceTokenRecord.Type

/** Metadata a device presents at connect, pinned at approval. */
export const DeviceMetadata = Schema.Struct({
  displayName: opt(Schema.String),
  platform: opt(Schema.String),
  deviceFamily: opt(Schema.String),
  clientId: opt(Schema.String),
  clientMode: opt(Schema.String)
})
export type DeviceMetadata = typeof DeviceMetadata.Type

/** An approved device. */
export const PairedDevice = Schema.Struct({
  deviceId: Schema.String,
  publicKey: Schema.String,
  ...DeviceMetadata.fields,
  operatorLabel: opt(Schema.String),
  roles: Schema.Array(Schema.String),
  approvedScopes: Schema.Array(Schema.String),
  tokens: Schema.Record({ key: Schema.String, value: DeviceTokenRecord }),
  approvedAtMs: Schema.Number,
  /** The address of the approved request, as the original keeps it. */
  remoteIp: opt(Schema.String),
  /** How the last approval came: `silent` (local auto-approval) or `owner` (an operator), as the original records it. */
  approvedVia: opt(Schema.String)
})
export type PairedDevice = typeof PairedDevice.Type

export const PairingReason = Schema.Literal("not-paired", "role-upgrade", "scope-upgrade", "metadata-upgrade")
export type PairingReason = typeof PairingReason.Type

/** A request waiting for approval; one per device. */
export const PendingRequest = Schema.Struct({
  requestId: Schema.String,
  deviceId: Schema.String,
  publicKey: Schema.String,
  ...DeviceMetadata.fields,
  role: Schema.String,
  scopes: Schema.Array(Schema.String),
  reason: PairingReason,
  /** The address the request came from, as the original lists it. */
  remoteIp: opt(Schema.String),
  silent: opt(Schema.Boolean),
  isRepair: opt(Schema.Boolean),
  ts: Schema.Number
})
export type PendingRequest = typeof PendingRequest.Type
