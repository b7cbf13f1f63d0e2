import { Context, type Effect, type Option, type Queue, type Scope } from "effect"
import type { StateIoError } from "../domain/errors.js"
import type { RegistryChange } from "../domain/pairing/changes.js"
import type { PairedDevice, PendingRequest } from "../domain/pairing/records.js"
import type { IssuedToken, PairingAsk } from "../domain/pairing/transitions.js"
import type { InvalidRequest } from "../domain/protocol/errors.js"

export type { IssuedToken, PairingAsk, RegistryChange }

export type TokenCheck =
  | { readonly _tag: "Valid"; readonly scopes: ReadonlyArray<string> }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "ScopeMismatch" }

/**
 * Paired devices, pending pairing requests and per-(device, role) tokens, persisted in the state dir.
 * Authorization (who may approve what) is the caller's job; this service keeps the records right.
 */
export class DeviceRegistry extends Context.Tag("openclaw/DeviceRegistry")<DeviceRegistry, {
  readonly get: (deviceId: string) => Effect.Effect<Option.Option<PairedDevice>, StateIoError>
  readonly list: Effect.Effect<{ readonly pending: ReadonlyArray<PendingRequest>; readonly paired: ReadonlyArray<PairedDevice> }, StateIoError>
  /** Files or reuses the single pending request of a device (an identical ask reuses it; a changed one supersedes it). */
  readonly request: (ask: PairingAsk) => Effect.Effect<PendingRequest, StateIoError>
  /** Approves a pending request: records role and scopes (union with earlier approvals). */
  readonly approve: (requestId: string) => Effect.Effect<PairedDevice, InvalidRequest | StateIoError>
  /** Approves inline (local auto-approval) without a stored pending request. */
  readonly approveDirect: (ask: PairingAsk) => Effect.Effect<PairedDevice, StateIoError>
  readonly reject: (requestId: string) => Effect.Effect<{ readonly requestId: string; readonly deviceId: string }, InvalidRequest | StateIoError>
  readonly pendingById: (requestId: string) => Effect.Effect<Option.Option<PendingRequest>, StateIoError>
  readonly remove: (deviceId: string) => Effect.Effect<void, InvalidRequest | StateIoError>
  readonly rename: (deviceId: string, label: string) => Effect.Effect<PairedDevice, InvalidRequest | StateIoError>
  /** Reuses the unrevoked token of (device, role) when it covers `scopes`, else mints one with `scopes`. */
  readonly issueToken: (deviceId: string, role: string, scopes: ReadonlyArray<string>) => Effect.Effect<IssuedToken, InvalidRequest | StateIoError>
  /** Constant-time check of a presented token; updates lastUsedAtMs when valid. */
  readonly verifyToken: (deviceId: string, role: string, token: string, requestedScopes: ReadonlyArray<string>) => Effect.Effect<TokenCheck, StateIoError>
  /** Replaces the token of (device, role); omitted scopes keep the current ones. */
  readonly rotateToken: (deviceId: string, role: string, scopes: ReadonlyArray<string> | undefined) => Effect.Effect<IssuedToken & { readonly rotatedAtMs: number }, InvalidRequest | StateIoError>
  readonly revokeToken: (deviceId: string, role: string) => Effect.Effect<{ readonly revokedAtMs: number }, InvalidRequest | StateIoError>
  /** Changes since subscription (for events and closing invalidated sessions). */
  readonly changes: Effect.Effect<Queue.Dequeue<RegistryChange>, never, Scope.Scope>
}>() {}
