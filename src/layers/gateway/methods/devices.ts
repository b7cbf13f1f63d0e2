import { summarizePaired } from "../../../domain/pairing/summary.js"
import { Effect, Layer, Option } from "effect"
import { ownEntry } from "../../../domain/ownEntry.js"
import { mayManageDevice } from "../../../domain/pairing/authority.js"
import type { PairedDevice } from "../../../domain/pairing/records.js"
import { InvalidRequest } from "../../../domain/protocol/errors.js"
import { Methods, type PairedDeviceSummary } from "../../../domain/protocol/methods.js"
import { scopeSatisfied, scopesCovered } from "../../../domain/protocol/scopes.js"
import { DeviceRegistry } from "../../../services/DeviceRegistry.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { type CallContext, MethodRegistry } from "../../../services/MethodRegistry.js"

const isAdmin = (caller: CallContext) => scopeSatisfied(caller.scopes, "operator.admin")

/** A session authenticated by its own device token, without admin, manages only its own device. */
const selfScoped = (caller: CallContext) => caller.authMethod === "device-token" && !isAdmin(caller)

const deny = (what: string) => new InvalidRequest({ message: `${what} denied` })

const hasNonOperatorRole = (device: PairedDevice) => device.roles.some((role) => role !== "operator")

/**
 * device.pair.* and device.token.*, with the management rules of spec section 5; a caller never acts on a
 * device holding scopes it lacks.
 */
export const DeviceMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const methods = yield* MethodRegistry
    const registry = yield* DeviceRegistry
    const runtime = yield* GatewayRuntime

    const summarize = (device: PairedDevice) =>
      Effect.map(runtime.sessions, (sessions): PairedDeviceSummary => summarizePaired(device, sessions.filter((s) => s.deviceId === device.deviceId).map((s) => s.connectedAtMs)))

    const deviceOrFail = (deviceId: string) =>
      Effect.flatMap(registry.get(deviceId).pipe(Effect.orDie), Option.match({
        onNone: () => Effect.fail(new InvalidRequest({ message: "unknown deviceId" })),
        onSome: Effect.succeed
      }))

    const guardTarget = (caller: CallContext, deviceId: string, what: string) =>
      selfScoped(caller) && caller.deviceId !== deviceId ? Effect.fail(deny(what)) : Effect.void

    yield* methods.register(Methods.devicePairList, (_params, caller) =>
      Effect.gen(function*() {
        const { paired, pending } = yield* registry.list.pipe(Effect.orDie)
        const mine = (id: string) => !selfScoped(caller) || id === caller.deviceId
        return {
          // `roles` and `silent` as the original lists a request (a filed request is never a silent one).
          pending: pending.filter((p) => mine(p.deviceId)).map((p) => ({ ...p, roles: [p.role], silent: p.silent ?? false })),
          paired: yield* Effect.forEach(paired.filter((d) => mine(d.deviceId)), summarize)
        }
      }))

    yield* methods.register(Methods.devicePairApprove, ({ requestId }, caller) =>
      Effect.gen(function*() {
        const pending = yield* Effect.flatMap(registry.pendingById(requestId).pipe(Effect.orDie), Option.match({
          onNone: () => Effect.fail(new InvalidRequest({ message: "unknown requestId" })),
          onSome: Effect.succeed
        }))
        yield* guardTarget(caller, pending.deviceId, "device pairing approval")
        if (pending.role !== "operator" && !isAdmin(caller)) return yield* deny("device pairing approval")
        if (!scopesCovered(caller.scopes, pending.scopes)) return yield* deny("device pairing approval")
        const device = yield* registry.approve(requestId).pipe(Effect.catchTag("StateIoError", Effect.die))
        return { requestId, device: yield* summarize(device) }
      }))

    yield* methods.register(Methods.devicePairReject, ({ requestId }, caller) =>
      Effect.gen(function*() {
        const pending = yield* registry.pendingById(requestId).pipe(Effect.orDie)
        if (Option.isSome(pending)) yield* guardTarget(caller, pending.value.deviceId, "device pairing rejection")
        return yield* registry.reject(requestId).pipe(Effect.catchTag("StateIoError", Effect.die))
      }))

    yield* methods.register(Methods.devicePairRemove, ({ deviceId }, caller) =>
      Effect.gen(function*() {
        yield* guardTarget(caller, deviceId, "device pairing removal")
        const device = yield* deviceOrFail(deviceId)
        if (hasNonOperatorRole(device) && !isAdmin(caller)) return yield* deny("device pairing removal")
        if (!mayManageDevice(caller, device)) return yield* deny("device pairing removal")
        yield* registry.remove(deviceId).pipe(Effect.catchTag("StateIoError", Effect.die))
        return { deviceId }
      }))

    yield* methods.register(Methods.devicePairRename, ({ deviceId, label }, caller) =>
      Effect.gen(function*() {
        yield* guardTarget(caller, deviceId, "device pairing rename")
        const device = yield* deviceOrFail(deviceId)
        if (hasNonOperatorRole(device) && !isAdmin(caller)) return yield* deny("device pairing rename")
        if (!mayManageDevice(caller, device)) return yield* deny("device pairing rename")
        const renamed = yield* registry.rename(deviceId, label).pipe(Effect.catchTag("StateIoError", Effect.die))
        return { deviceId, label: renamed.operatorLabel ?? label }
      }))

    yield* methods.register(Methods.deviceTokenRotate, ({ deviceId, role, scopes }, caller) =>
      Effect.gen(function*() {
        yield* guardTarget(caller, deviceId, "device token rotation")
        const device = yield* deviceOrFail(deviceId)
        if (role !== "operator" && !isAdmin(caller)) return yield* deny("device token rotation")
        if (!mayManageDevice(caller, device)) return yield* deny("device token rotation")
        const current = ownEntry(device.tokens, role)?.scopes ?? []
        if (!isAdmin(caller) && !scopesCovered(caller.scopes, scopes ?? current)) return yield* deny("device token rotation")
        const rotated = yield* registry.rotateToken(deviceId, role, scopes).pipe(Effect.catchTag("StateIoError", Effect.die))
        const inBand = caller.deviceId === deviceId
        return {
          deviceId,
          role,
          scopes: rotated.scopes,
          rotatedAtMs: rotated.rotatedAtMs,
          tokenDelivery: inBand ? "in-band" as const : "withheld-cross-device" as const,
          ...(inBand ? { token: rotated.token } : {})
        }
      }))

    yield* methods.register(Methods.deviceTokenRevoke, ({ deviceId, role }, caller) =>
      Effect.gen(function*() {
        yield* guardTarget(caller, deviceId, "device token revocation")
        const device = yield* deviceOrFail(deviceId)
        if (role !== "operator" && !isAdmin(caller)) return yield* deny("device token revocation")
        if (!mayManageDevice(caller, device)) return yield* deny("device token revocation")
        if (!isAdmin(caller) && !scopesCovered(caller.scopes, ownEntry(device.tokens, role)?.scopes ?? [])) return yield* deny("device token revocation")
        const revoked = yield* registry.revokeToken(deviceId, role).pipe(Effect.catchTag("StateIoError", Effect.die))
        return { deviceId, role, revokedAtMs: revoked.revokedAtMs }
      }))
  })
)
