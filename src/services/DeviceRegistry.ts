import { Context, type Effect, type Option, type Queue, type Scope } from "effect"
import type { DeviceMetadata, PairedDevice, PairingReason, PendingRequest } from "../domain/pairing/records.js"
import type { ConfigIoError } from "../domain/errors.js"
import type { InvalidRequest } from "../domain/protocol/errors.js"

/** What a connecting device asks for. */
export interface PairingAsk extends DeviceMetadata {
  readonly deviceId: string
  readonly publicKey: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly reason: PairingReason
  readonly isRepair: boolean
}

/** A device token as handed to a client. */
export interface IssuedToken {
  readonly token: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly issuedAtMs: number
}

export type TokenCheck =
  | { readonly _tag: "Valid"; readonly scopes: ReadonlyArray<string> }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "ScopeMismatch" }

/** A change other parts of the gateway must react to (events, closing sessions). */
export type RegistryChange =
  | { readonly _tag: "Requested"; readonly request: PendingRequest }
  | { readonly _tag: "Resolved"; readonly requestId: string; readonly deviceId: string; readonly decision: "approved" | "rejected"; readonly ts: number }
  | { readonly _tag: "TokenInvalidated"; readonly deviceId: string; readonly role: string | undefined; readonly reason: string }

/**
 * Paired devices, pending pairing requests and per-(device, role) tokens, persisted in the state dir.
 * Authorization (who may approve what) is the caller's job; this service keeps the records right.
 */
export class DeviceRegistry extends Context.Tag("openclaw/DeviceRegistry")<DeviceRegistry, {
  readonly get: (deviceId: string) => Effect.Effect<Option.Option<PairedDevice>, ConfigIoError>
  readonly list: Effect.Effect<{ readonly pending: ReadonlyArray<PendingRequest>; readonly paired: ReadonlyArray<PairedDevice> }, ConfigIoError>
  /** Files or reuses the single pending request of a device (an identical ask reuses it; a changed one supersedes it). */
  readonly request: (ask: PairingAsk) => Effect.Effect<PendingRequest, ConfigIoError>
  /** Approves a pending request: records role and scopes (union with earlier approvals). */
  readonly approve: (requestId: string) => Effect.Effect<PairedDevice, InvalidRequest | ConfigIoError>
  /** Approves inline (local auto-approval) without a stored pending request. */
  readonly approveDirect: (ask: PairingAsk) => Effect.Effect<PairedDevice, ConfigIoError>
  readonly reject: (requestId: string) => Effect.Effect<{ readonly requestId: string; readonly deviceId: string }, InvalidRequest | ConfigIoError>
  readonly pendingById: (requestId: string) => Effect.Effect<Option.Option<PendingRequest>, ConfigIoError>
  readonly remove: (deviceId: string) => Effect.Effect<void, InvalidRequest | ConfigIoError>
  readonly rename: (deviceId: string, label: string) => Effect.Effect<PairedDevice, InvalidRequest | ConfigIoError>
  /** Reuses the unrevoked token of (device, role) when it covers `scopes`, else mints one with `scopes`. */
  readonly issueToken: (deviceId: string, role: string, scopes: ReadonlyArray<string>) => Effect.Effect<IssuedToken, InvalidRequest | ConfigIoError>
  /** Constant-time check of a presented token; updates lastUsedAtMs when valid. */
  readonly verifyToken: (deviceId: string, role: string, token: string, requestedScopes: ReadonlyArray<string>) => Effect.Effect<TokenCheck, ConfigIoError>
  /** Replaces the token of (device, role); omitted scopes keep the current ones. */
  readonly rotateToken: (deviceId: string, role: string, scopes: ReadonlyArray<string> | undefined) => Effect.Effect<IssuedToken & { readonly rotatedAtMs: number }, InvalidRequest | ConfigIoError>
  readonly revokeToken: (deviceId: string, role: string) => Effect.Effect<{ readonly revokedAtMs: number }, InvalidRequest | ConfigIoError>
  /** Changes since subscription (for events and closing invalidated sessions). */
  readonly changes: Effect.Effect<Queue.Dequeue<RegistryChange>, never, Scope.Scope>
}>() {}
