import { Effect, Layer, Option, PubSub } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import { ownEntry } from "../domain/ownEntry.js"
import { LAST_USED_WRITE_INTERVAL_MS, tokensEqual } from "../domain/pairing/registryState.js"
import * as Transitions from "../domain/pairing/transitions.js"
import type { PairingAsk } from "../domain/pairing/transitions.js"
import { scopesCovered } from "../domain/protocol/scopes.js"
import { DeviceRegistry, type TokenCheck } from "../services/DeviceRegistry.js"
import { Paths } from "../services/Paths.js"
import { makePairingFiles } from "./devices/pairingFiles.js"

const newToken = () => randomBytes(32).toString("base64url")

/** The device registry on the real filesystem: `<stateDir>/devices/{paired,pending}.json`. */
export const DeviceRegistryLive = Layer.scoped(
  DeviceRegistry,
  Effect.gen(function*() {
    const paths = yield* Paths
    const { transact, snapshot, hub } = yield* makePairingFiles(paths.stateDir)

    // No span on the reads answered from the kept snapshot (get and issueToken on every connect, list on every
    // device.pair.list): a named span captures a stack trace per call and costs ~25 effect steps, more than the
    // lookups themselves.
    const get = (deviceId: string) => Effect.map(snapshot, (s) => Option.fromNullable(ownEntry(s.paired, deviceId)))

    const list = Effect.map(snapshot, (s) => ({ pending: Object.values(s.pending), paired: Object.values(s.paired) }))

    const pendingById = Effect.fn("DeviceRegistry.pendingById")(function*(requestId: string) {
      return Option.fromNullable(ownEntry((yield* snapshot).pending, requestId))
    })

    const request = Effect.fn("DeviceRegistry.request")((ask: PairingAsk) =>
      transact(({ pending, now }) => Effect.succeed(Transitions.fileRequest(pending, ask, now, randomUUID())))
    )

    const approve = Effect.fn("DeviceRegistry.approve")((requestId: string) =>
      transact(({ paired, pending, now }) => Transitions.approveRequest(paired, pending, requestId, now))
    )

    // Many connects of one new device at once all ask: the first approves it, the rest find it covered.
    const approveDirect = Effect.fn("DeviceRegistry.approveDirect")((ask: PairingAsk) =>
      transact(({ paired, now }) => Effect.succeed(Transitions.approveAsk(paired, ask, now, randomUUID())), {
        unlessDone: ({ paired }) => Transitions.coveredDevice(paired, ask)
      })
    )

    const reject = Effect.fn("DeviceRegistry.reject")((requestId: string) =>
      transact(({ pending, now }) => Transitions.rejectRequest(pending, requestId, now))
    )

    const remove = Effect.fn("DeviceRegistry.remove")((deviceId: string) =>
      transact(({ paired }) => Transitions.removeDevice(paired, deviceId))
    )

    const rename = Effect.fn("DeviceRegistry.rename")(function*(deviceId: string, label: string) {
      const operatorLabel = yield* Transitions.validLabel(label)
      return yield* transact(({ paired }) => Transitions.renameDevice(paired, deviceId, operatorLabel))
    })

    const issueToken = (deviceId: string, role: string, scopes: ReadonlyArray<string>) =>
      Effect.flatMap(snapshot, (s) => {
        // Every connect issues a token; reusing one needs no write, so try that without the lock first.
        const reusable = Transitions.reusableToken(s.paired, deviceId, role, scopes)
        return reusable !== undefined
          ? Effect.succeed(reusable)
          : transact(({ paired, now }) => Transitions.issueToken(paired, deviceId, role, scopes, now, newToken()))
      })

    /** Best effort: a busy lock or a failed write must not turn a valid token into a failed connect. */
    const stampLastUsed = (deviceId: string, role: string, token: string) =>
      transact(({ paired, now }) => Effect.succeed(Transitions.stampLastUsed(paired, deviceId, role, token, now))).pipe(
        Effect.catchTag("StateIoError", (error) => Effect.logWarning(`device registry: could not record token use: ${error.message}`))
      )

    const verifyToken = Effect.fn("DeviceRegistry.verifyToken")(
      function*(deviceId: string, role: string, token: string, requestedScopes: ReadonlyArray<string>) {
        const { paired, now } = yield* snapshot
        const device = ownEntry(paired, deviceId)
        const record = device === undefined ? undefined : ownEntry(device.tokens, role)
        if (record === undefined || record.revokedAtMs !== undefined || !tokensEqual(record.token, token)) {
          return { _tag: "Mismatch" } satisfies TokenCheck
        }
        if (!scopesCovered(record.scopes, requestedScopes)) return { _tag: "ScopeMismatch" } satisfies TokenCheck
        if (record.lastUsedAtMs === undefined || now - record.lastUsedAtMs >= LAST_USED_WRITE_INTERVAL_MS) {
          yield* stampLastUsed(deviceId, role, record.token)
        }
        return { _tag: "Valid", scopes: record.scopes } satisfies TokenCheck
      }
    )

    const rotateToken = Effect.fn("DeviceRegistry.rotateToken")((deviceId: string, role: string, scopes: ReadonlyArray<string> | undefined) =>
      transact(({ paired, now }) => Transitions.rotateToken(paired, deviceId, role, scopes, now, newToken()))
    )

    const revokeToken = Effect.fn("DeviceRegistry.revokeToken")((deviceId: string, role: string) =>
      transact(({ paired, now }) => Transitions.revokeToken(paired, deviceId, role, now))
    )

    return DeviceRegistry.of({
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
    })
  })
)
