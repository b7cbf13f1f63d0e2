import { Clock, Effect, Either, Layer, Option, ParseResult, PubSub, Schema } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { ConfigIoError } from "../domain/errors.js"
import type { DeviceTokenRecord, PairedDevice, PendingRequest } from "../domain/pairing/records.js"
import {
  type ApprovalSource,
  applyApproval,
  dropExpired,
  issuedAt,
  LAST_USED_WRITE_INTERVAL_MS,
  normalizeLabel,
  PairedFile,
  PendingFile,
  pickMetadata,
  sameAsk,
  tokenReusable,
  tokensEqual
} from "../domain/pairing/registryState.js"
import { InvalidRequest } from "../domain/protocol/errors.js"
import { scopesCovered } from "../domain/protocol/scopes.js"
import { fileTimestamp } from "../domain/WriteGuard.js"
import { DeviceRegistry, type IssuedToken, type PairingAsk, type RegistryChange, type TokenCheck } from "../services/DeviceRegistry.js"
import { Paths } from "../services/Paths.js"
import { atomicWrite, ensurePrivateDir, io, readIfExists, sweepStaleTemps } from "./fs/files.js"
import { withFileLock } from "./fs/fileLock.js"

/** Pairing mutations are short; another process (the CLI) holds the lock for milliseconds. */
const LOCK_POLICY = { timeout: "5 seconds", poll: "10 millis" } as const

/** Unknown fields (written by a newer or the original OpenClaw) are kept, not rejected or dropped. */
const decodeOptions = { errors: "all", onExcessProperty: "preserve" } as const

const newToken = () => randomBytes(32).toString("base64url")

interface Snapshot {
  readonly paired: PairedFile
  readonly pending: PendingFile
  readonly now: number
}

/** What a transaction changes: files to write (only those given) and changes to publish after the write. */
interface Outcome<A> {
  readonly result: A
  readonly paired?: PairedFile
  readonly pending?: PendingFile
  readonly changes?: ReadonlyArray<RegistryChange>
}

type Loaded<A> = { readonly _tag: "Ok"; readonly value: A } | { readonly _tag: "Corrupt"; readonly detail: string }

const unknownRequest = () => new InvalidRequest({ message: "unknown requestId" })
const unknownDevice = () => new InvalidRequest({ message: "unknown deviceId" })
const roleNotApproved = () => new InvalidRequest({ message: "role not approved for device" })

const serialize = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** The device registry on the real filesystem: `<stateDir>/devices/{paired,pending}.json`. */
export const DeviceRegistryLive = Layer.scoped(
  DeviceRegistry,
  Effect.gen(function*() {
    const paths = yield* Paths
    const dir = path.join(paths.stateDir, "devices")
    const pairedPath = path.join(dir, "paired.json")
    const pendingPath = path.join(dir, "pending.json")
    const lockPath = path.join(dir, ".lock")
    const writeLock = yield* Effect.makeSemaphore(1)
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<RegistryChange>(), PubSub.shutdown)

    const decodeFile = <A>(schema: Schema.Schema<A, A>, file: string) => {
      const decode = Schema.decodeUnknownEither(Schema.parseJson(schema), decodeOptions)
      return readIfExists(file).pipe(
        Effect.map((text): Loaded<A | undefined> => {
          if (text === undefined || text.trim() === "") return { _tag: "Ok", value: undefined }
          return Either.match(decode(text), {
            onLeft: (error) => ({
              _tag: "Corrupt",
              detail: ParseResult.ArrayFormatter.formatErrorSync(error)
                .slice(0, 3)
                .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
                .join("; ")
            }),
            onRight: (value) => ({ _tag: "Ok", value })
          })
        })
      )
    }

    /** Moves an undecodable file aside (never overwritten in place) so a human can recover it. */
    const quarantine = (file: string, detail: string) =>
      Effect.gen(function*() {
        const stamp = fileTimestamp(new Date(yield* Clock.currentTimeMillis))
        const target = yield* io(file, "moving aside", async () => {
          for (let attempt = 0; ; attempt++) {
            const candidate = attempt === 0 ? `${file}.corrupt.${stamp}` : `${file}.corrupt.${stamp}-${attempt}`
            const taken = await fs.access(candidate).then(() => true, () => false)
            if (taken) continue
            await fs.rename(file, candidate)
            return candidate
          }
        })
        yield* Effect.logWarning(`device registry: ${file} could not be read (${detail}); moved it to ${target} and starting empty`)
      })

    /** Reads one file; under the lock a corrupt file is moved aside, outside it `Corrupt` is reported. */
    const loadLocked = <A>(schema: Schema.Schema<A, A>, file: string, empty: A) =>
      Effect.gen(function*() {
        const loaded = yield* decodeFile(schema, file)
        if (loaded._tag === "Ok") return loaded.value ?? empty
        yield* quarantine(file, loaded.detail)
        return empty
      })

    const prepareDir = Effect.gen(function*() {
      yield* ensurePrivateDir(dir)
      yield* io(dir, "restricting", async () => {
        const stat = await fs.stat(dir)
        if ((stat.mode & 0o077) !== 0) await fs.chmod(dir, 0o700)
      })
    })

    /**
     * Serialised read-modify-write: in-process (semaphore) and across processes (lock file). The files
     * are re-read under the lock, since another process may have changed them.
     */
    const transact = <A, E>(body: (snapshot: Snapshot) => Effect.Effect<Outcome<A>, E>): Effect.Effect<A, E | ConfigIoError> =>
      Effect.gen(function*() {
        yield* prepareDir
        const outcome = yield* withFileLock(lockPath, LOCK_POLICY, Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const paired = yield* loadLocked(PairedFile, pairedPath, {})
          const pending = dropExpired(yield* loadLocked(PendingFile, pendingPath, {}), now)
          const result = yield* body({ paired, pending, now })
          if (result.paired !== undefined) {
            yield* sweepStaleTemps(pairedPath)
            yield* atomicWrite(pairedPath, serialize(result.paired))
          }
          if (result.pending !== undefined) {
            yield* sweepStaleTemps(pendingPath)
            yield* atomicWrite(pendingPath, serialize(result.pending))
          }
          return result
        }))
        if (outcome.changes !== undefined) yield* PubSub.publishAll(hub, outcome.changes)
        return outcome.result
      }).pipe(writeLock.withPermits(1))

    /** A lock-free read (files are replaced atomically); a corrupt file sends it through the lock to be moved aside. */
    const snapshot: Effect.Effect<Snapshot, ConfigIoError> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const paired = yield* decodeFile(PairedFile, pairedPath)
      const pending = yield* decodeFile(PendingFile, pendingPath)
      if (paired._tag === "Ok" && pending._tag === "Ok") {
        return { paired: paired.value ?? {}, pending: dropExpired(pending.value ?? {}, now), now }
      }
      return yield* transact((s) => Effect.succeed({ result: s }))
    })

    const get = (deviceId: string) => Effect.map(snapshot, (s) => Option.fromNullable(s.paired[deviceId]))

    const list = Effect.map(snapshot, (s) => ({ pending: Object.values(s.pending), paired: Object.values(s.paired) }))

    const pendingById = (requestId: string) => Effect.map(snapshot, (s) => Option.fromNullable(s.pending[requestId]))

    const request = (ask: PairingAsk) =>
      transact(({ pending, now }) => {
        const own = Object.values(pending).filter((r) => r.deviceId === ask.deviceId)
        const reusable = own.find((r) => sameAsk(r, ask))
        const others = Object.fromEntries(Object.entries(pending).filter(([, r]) => r.deviceId !== ask.deviceId))
        if (reusable !== undefined) {
          // Same ask: keep the requestId, refresh the expiry and the metadata approval will pin.
          const { displayName: _d, platform: _p, deviceFamily: _f, clientId: _c, clientMode: _m, ...kept } = reusable
          const refreshed: PendingRequest = { ...kept, ...pickMetadata(ask), ts: now }
          return Effect.succeed({ result: refreshed, pending: { ...others, [refreshed.requestId]: refreshed } })
        }
        const created: PendingRequest = {
          requestId: randomUUID(),
          deviceId: ask.deviceId,
          publicKey: ask.publicKey,
          ...pickMetadata(ask),
          role: ask.role,
          scopes: [...ask.scopes],
          reason: ask.reason,
          isRepair: ask.isRepair,
          ts: now
        }
        const superseded = own.map((r): RegistryChange => ({
          _tag: "Resolved",
          requestId: r.requestId,
          deviceId: r.deviceId,
          decision: "rejected",
          ts: now
        }))
        return Effect.succeed({
          result: created,
          pending: { ...others, [created.requestId]: created },
          changes: [...superseded, { _tag: "Requested", request: created }]
        })
      })

    /** The paired file after approving `source`, plus the changes that follow from it. */
    const approveInto = (paired: PairedFile, source: ApprovalSource, requestId: string, now: number) => {
      const { device, keyChanged } = applyApproval(paired[source.deviceId], source, now)
      const hadTokens = Object.keys(paired[source.deviceId]?.tokens ?? {}).length > 0
      const changes: Array<RegistryChange> = []
      if (keyChanged && hadTokens) {
        changes.push({ _tag: "TokenInvalidated", deviceId: device.deviceId, role: undefined, reason: "device identity changed" })
      }
      changes.push({ _tag: "Resolved", requestId, deviceId: device.deviceId, decision: "approved", ts: now })
      return { device, paired: { ...paired, [device.deviceId]: device }, changes }
    }

    const approve = (requestId: string) =>
      transact(({ paired, pending, now }) => {
        const found = pending[requestId]
        if (found === undefined) return Effect.fail(unknownRequest())
        const next = approveInto(paired, found, requestId, now)
        const { [requestId]: _removed, ...rest } = pending
        return Effect.succeed({ result: next.device, paired: next.paired, pending: rest, changes: next.changes })
      })

    const approveDirect = (ask: PairingAsk) =>
      transact(({ paired, now }) => {
        const next = approveInto(paired, ask, randomUUID(), now)
        return Effect.succeed({ result: next.device, paired: next.paired, changes: next.changes })
      })

    const reject = (requestId: string) =>
      transact(({ pending, now }) => {
        const found = pending[requestId]
        if (found === undefined) return Effect.fail(unknownRequest())
        const { [requestId]: _removed, ...rest } = pending
        return Effect.succeed({
          result: { requestId, deviceId: found.deviceId },
          pending: rest,
          changes: [{ _tag: "Resolved", requestId, deviceId: found.deviceId, decision: "rejected", ts: now } satisfies RegistryChange]
        })
      })

    const remove = (deviceId: string) =>
      transact(({ paired }) => {
        if (paired[deviceId] === undefined) return Effect.fail(unknownDevice())
        const { [deviceId]: _removed, ...rest } = paired
        return Effect.succeed({
          result: undefined,
          paired: rest,
          changes: [{ _tag: "TokenInvalidated", deviceId, role: undefined, reason: "device removed" } satisfies RegistryChange]
        })
      })

    const rename = (deviceId: string, label: string) =>
      Effect.gen(function*() {
        const operatorLabel = normalizeLabel(label)
        if (operatorLabel === undefined) return yield* new InvalidRequest({ message: "invalid label" })
        return yield* transact(({ paired }) => {
          const device = paired[deviceId]
          if (device === undefined) return Effect.fail(unknownDevice())
          const renamed: PairedDevice = { ...device, operatorLabel }
          return Effect.succeed({ result: renamed, paired: { ...paired, [deviceId]: renamed } })
        })
      })

    const withToken = (paired: PairedFile, device: PairedDevice, record: DeviceTokenRecord): PairedFile => ({
      ...paired,
      [device.deviceId]: { ...device, tokens: { ...device.tokens, [record.role]: record } }
    })

    const issued = (record: DeviceTokenRecord): IssuedToken => ({
      token: record.token,
      role: record.role,
      scopes: record.scopes,
      issuedAtMs: issuedAt(record)
    })

    const issueToken = (deviceId: string, role: string, scopes: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        // Every connect issues a token; reusing one needs no write, so try that without the lock first.
        const current = (yield* snapshot).paired[deviceId]
        const existing = current?.tokens[role]
        if (current !== undefined && current.roles.includes(role) && tokenReusable(existing, scopes)) return issued(existing)
        return yield* transact(({ paired, now }) => {
          const device = paired[deviceId]
          if (device === undefined || !device.roles.includes(role)) return Effect.fail(roleNotApproved())
          const stored = device.tokens[role]
          if (tokenReusable(stored, scopes)) return Effect.succeed({ result: issued(stored) })
          const minted: DeviceTokenRecord = { token: newToken(), role, scopes: [...scopes], createdAtMs: now }
          return Effect.succeed({ result: issued(minted), paired: withToken(paired, device, minted) })
        })
      })

    const verifyToken = (deviceId: string, role: string, token: string, requestedScopes: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const { paired, now } = yield* snapshot
        const record = paired[deviceId]?.tokens[role]
        if (record === undefined || record.revokedAtMs !== undefined || !tokensEqual(record.token, token)) {
          return { _tag: "Mismatch" } satisfies TokenCheck
        }
        if (!scopesCovered(record.scopes, requestedScopes)) return { _tag: "ScopeMismatch" } satisfies TokenCheck
        if (record.lastUsedAtMs === undefined || now - record.lastUsedAtMs >= LAST_USED_WRITE_INTERVAL_MS) {
          yield* stampLastUsed(deviceId, role, record.token)
        }
        return { _tag: "Valid", scopes: record.scopes } satisfies TokenCheck
      })

    /** Best effort: a busy lock or a failed write must not turn a valid token into a failed connect. */
    const stampLastUsed = (deviceId: string, role: string, token: string) =>
      transact(({ paired: fresh, now: at }) => {
        const device = fresh[deviceId]
        const latest = device?.tokens[role]
        // Only stamp the token that was verified; it may have been rotated or revoked meanwhile.
        if (device === undefined || latest === undefined || latest.token !== token || latest.revokedAtMs !== undefined) {
          return Effect.succeed({ result: undefined })
        }
        return Effect.succeed({ result: undefined, paired: withToken(fresh, device, { ...latest, lastUsedAtMs: at }) })
      }).pipe(Effect.catchTag("ConfigIoError", (error) => Effect.logWarning(`device registry: could not record token use: ${error.message}`)))

    const rotateToken = (deviceId: string, role: string, scopes: ReadonlyArray<string> | undefined) =>
      transact(({ paired, now }) => {
        const device = paired[deviceId]
        if (device === undefined) return Effect.fail(unknownDevice())
        if (!device.roles.includes(role)) return Effect.fail(roleNotApproved())
        const previous = device.tokens[role]
        const rotated: DeviceTokenRecord = {
          token: newToken(),
          role,
          scopes: [...(scopes ?? previous?.scopes ?? [])],
          createdAtMs: previous?.createdAtMs ?? now,
          rotatedAtMs: now
        }
        return Effect.succeed({
          result: { ...issued(rotated), rotatedAtMs: now },
          paired: withToken(paired, device, rotated),
          changes: [{ _tag: "TokenInvalidated", deviceId, role, reason: "token rotated" } satisfies RegistryChange]
        })
      })

    const revokeToken = (deviceId: string, role: string) =>
      transact(({ paired, now }) => {
        const device = paired[deviceId]
        if (device === undefined) return Effect.fail(unknownDevice())
        const record = device.tokens[role]
        if (record === undefined) return Effect.fail(new InvalidRequest({ message: "unknown device token" }))
        if (record.revokedAtMs !== undefined) return Effect.succeed({ result: { revokedAtMs: record.revokedAtMs } })
        return Effect.succeed({
          result: { revokedAtMs: now },
          paired: withToken(paired, device, { ...record, revokedAtMs: now }),
          changes: [{ _tag: "TokenInvalidated", deviceId, role, reason: "token revoked" } satisfies RegistryChange]
        })
      })

    return {
      get,
      list,
      request,
      approve,
      approveDirect,
      reject,
      pendingById,
      remove,
      rename,
      issueToken,
      verifyToken,
      rotateToken,
      revokeToken,
      changes: PubSub.subscribe(hub)
    }
  })
)
