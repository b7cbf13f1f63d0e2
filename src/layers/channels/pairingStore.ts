import { Clock, Effect, Either, Schema } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import type { StateIoError } from "../../domain/errors.js"
import {
  AllowFromFile,
  codeFromBytes,
  emptyPairingFile,
  PAIRING_CODE_LENGTH,
  PairingFile,
  type PairingRequest,
  prunePairing,
  takePairing,
  takePairingWhere,
  type UpsertOutcome,
  upsertPairing
} from "../../domain/channels/pairing.js"
import { StateFiles } from "../../services/StateFiles.js"

/** Pairing writes are short; another process (the CLI approving) holds the lock for milliseconds. */
const LOCK_POLICY = { timeout: "5 seconds", poll: "10 millis" } as const

const decodePairing = Schema.decodeUnknownEither(Schema.parseJson(PairingFile), { onExcessProperty: "preserve" })
const decodeAllow = Schema.decodeUnknownEither(Schema.parseJson(AllowFromFile), { onExcessProperty: "preserve" })

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/**
 * DM pairing state under `<stateDir>/credentials/` (the layout the original used before SQLite):
 * `<channel>-pairing.json` (pending requests) and `<channel>-<accountId>-allowFrom.json` (approved
 * senders). Every change is a locked read-modify-write with an atomic 0600 replace, shared by the
 * gateway (new requests) and the CLI (approvals). A file that does not decode is treated as empty for
 * reads and refused for writes, so nothing a person could still recover is overwritten.
 */
export const makePairingStore = (stateDir: string) =>
  Effect.gen(function*() {
    const files = yield* StateFiles
    const dir = path.join(stateDir, "credentials")
    const pairingPath = (channel: string) => path.join(dir, `${channel}-pairing.json`)
    const allowPath = (channel: string, accountId: string) => path.join(dir, `${channel}-${accountId}-allowFrom.json`)
    const lockPath = path.join(dir, ".pairing.lock")

    const readPairing = (channel: string) =>
      Effect.map(files.readIfExists(pairingPath(channel)), (text) =>
        text === undefined || text.trim() === "" ? emptyPairingFile : Either.getOrElse(decodePairing(text), () => emptyPairingFile))

    const readAllow = (channel: string, accountId: string) =>
      Effect.map(files.readIfExists(allowPath(channel, accountId)), (text) =>
        text === undefined || text.trim() === "" ? [] : Either.match(decodeAllow(text), { onLeft: () => [], onRight: (f) => f.allowFrom }))

    const locked = <A, E>(effect: Effect.Effect<A, E>) =>
      Effect.zipRight(files.ensurePrivateDir(dir), files.withLock(lockPath, LOCK_POLICY, effect))

    const approveWhere = (channel: string, take: (file: PairingFile, nowMs: number) => { readonly file: PairingFile; readonly request: PairingRequest } | undefined) =>
      locked(Effect.gen(function*() {
        const taken = take(yield* readPairing(channel), yield* Clock.currentTimeMillis)
        if (taken === undefined) return undefined
        const account = taken.request.accountId ?? "default"
        const allow = yield* readAllow(channel, account)
        const next = allow.includes(taken.request.id) ? allow : [...allow, taken.request.id]
        // The allowlist first: a crash between the writes leaves an approved sender with a stale request, never the reverse.
        yield* files.atomicWrite(allowPath(channel, account), json({ version: 1, allowFrom: next }))
        yield* files.atomicWrite(pairingPath(channel), json(taken.file))
        return taken.request
      }))

    return {
      /** Senders approved by pairing for this account. */
      approved: (channel: string, accountId: string): Effect.Effect<ReadonlyArray<string>, StateIoError> => readAllow(channel, accountId),
      /** Pending requests still inside their hour (every account, or one). */
      pending: (channel: string, accountId?: string): Effect.Effect<ReadonlyArray<PairingRequest>, StateIoError> =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const file = prunePairing(yield* readPairing(channel), now)
          return accountId === undefined ? file.requests : file.requests.filter((r) => (r.accountId ?? "default") === accountId)
        }),
      /** Records a request for an unknown DM sender; `Created` means the code must be sent. */
      request: (channel: string, accountId: string, senderId: string, meta: Readonly<Record<string, string>>): Effect.Effect<UpsertOutcome, StateIoError> =>
        locked(Effect.gen(function*() {
          const nowMs = yield* Clock.currentTimeMillis
          const outcome = upsertPairing({ file: yield* readPairing(channel), accountId, senderId, meta, nowMs, newCode: () => codeFromBytes(randomBytes(PAIRING_CODE_LENGTH)) })
          if (outcome._tag !== "Full") yield* files.atomicWrite(pairingPath(channel), json(outcome.file))
          return outcome
        })),
      /** Approves a pending code: the sender joins the account's allowFrom file and the request is removed. */
      approve: (channel: string, code: string, accountId: string | undefined): Effect.Effect<PairingRequest | undefined, StateIoError> =>
        approveWhere(channel, (file, nowMs) => takePairing(file, code, accountId, nowMs)),
      /** Approves the pending request `matches` picks (the Control UI names requests by id, not by code). */
      approveMatching: (channel: string, matches: (request: PairingRequest) => boolean): Effect.Effect<PairingRequest | undefined, StateIoError> =>
        approveWhere(channel, (file, nowMs) => takePairingWhere(file, matches, nowMs)),
      /** Removes the pending request `matches` picks without approving it: the sender may ask again later. */
      dismissMatching: (channel: string, matches: (request: PairingRequest) => boolean): Effect.Effect<PairingRequest | undefined, StateIoError> =>
        locked(Effect.gen(function*() {
          const taken = takePairingWhere(yield* readPairing(channel), matches, yield* Clock.currentTimeMillis)
          if (taken === undefined) return undefined
          yield* files.atomicWrite(pairingPath(channel), json(taken.file))
          return taken.request
        }))
    }
  })

export type PairingStore = Effect.Effect.Success<ReturnType<typeof makePairingStore>>
