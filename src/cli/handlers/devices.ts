import { Clock, Console, Effect } from "effect"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { accessLine, approvalNote, approvalState, approveCommand, authFlagReminder, latestRequest } from "../../domain/pairing/approvalPreview.js"
import { type MethodSpec, Methods } from "../../domain/protocol/methods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { table } from "../table.js"

const print = (json: boolean, payload: unknown, human: string) => Console.log(json ? JSON.stringify(payload, null, 2) : human)
const short = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id)
const age = (now: number, ts: number) => {
  const s = Math.max(0, Math.round((now - ts) / 1000))
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`
}

const withClient = <A, E>(f: (client: GatewayClient["Type"]) => Effect.Effect<A, E>) => Effect.flatMap(GatewayClient, f)

/** `openclaw devices list`. */
export const list = (json: boolean, options: ConnectOptions) =>
  withClient((client) =>
    Effect.gen(function*() {
      const result = yield* client.call(Methods.devicePairList, {}, options)
      if (json) return yield* print(true, result, "")
      const now = yield* Clock.currentTimeMillis
      const lines: Array<string> = []
      lines.push(`Pending (${result.pending.length})`)
      if (result.pending.length > 0) {
        lines.push(table(["Request", "Device", "Role", "Scopes", "Reason", "Client", "Age"], result.pending.map((p) => [
          p.requestId, short(p.deviceId), p.role, p.scopes.join(",") || "-", p.reason ?? "-", `${p.clientId ?? "?"}/${p.platform ?? "?"}`, age(now, p.ts)
        ])))
        lines.push(`Approve with: openclaw devices approve <requestId>  (--latest previews the newest)`)
      }
      lines.push("", `Paired (${result.paired.length})`)
      if (result.paired.length > 0) {
        lines.push(table(["Device", "Name", "Roles", "Scopes", "Connected"], result.paired.map((d) => [
          short(d.deviceId), d.operatorLabel ?? d.displayName ?? d.clientId ?? "-", d.roles.join(","), d.scopes.join(",") || "-", d.connected ? "yes" : "no"
        ])))
      }
      yield* Console.log(lines.join("\n"))
    }))

/**
 * `openclaw devices approve <requestId>` approves that request. Without one, or with `--latest`, it only
 * previews the newest pending request and the exact command that approves it, and exits 1: as the
 * original, nothing is approved without its request id.
 */
export const approve = (requestId: string | undefined, latest: boolean, json: boolean, options: ConnectOptions) =>
  withClient((client) =>
    Effect.gen(function*() {
      const id = requestId?.trim()
      if (id === undefined || id === "" || latest) {
        const listed = yield* client.call(Methods.devicePairList, {}, options)
        const selected = latestRequest(listed.pending)
        if (selected === undefined) {
          yield* Console.error("No pending device pairing requests to approve")
          return yield* new CliExit({ code: 1 })
        }
        const state = approvalState(selected, listed.paired.find((d) => d.deviceId === selected.deviceId))
        const command = approveCommand(selected.requestId, { url: options.url, timeoutMs: options.timeoutMs, json })
        if (json) {
          yield* print(true, { selected, approvalState: state, approveCommand: command, requiresAuthFlags: { token: Boolean(options.token?.trim()), password: Boolean(options.password?.trim()) } }, "")
          return yield* new CliExit({ code: 1 })
        }
        yield* Console.log([
          `Selected pending device request ${selected.requestId}`,
          `  Device: ${selected.displayName?.trim() || selected.deviceId}`,
          `  Requested: ${accessLine(state.requested)}`,
          ...(state.approved === null ? [] : [`  Approved: ${accessLine(state.approved)}`]),
          ...(selected.remoteIp === undefined ? [] : [`  IP:     ${selected.remoteIp}`]),
          `  Note:   ${approvalNote(state.kind)}`
        ].join("\n"))
        yield* Console.error(`Approve this exact request with: ${command}`)
        const reminder = authFlagReminder(options)
        if (reminder !== undefined) yield* Console.error(reminder)
        return yield* new CliExit({ code: 1 })
      }
      const result = yield* client.call(Methods.devicePairApprove, { requestId: id }, options)
      yield* print(json, result, `Approved ${short(result.device.deviceId)} (${result.device.roles.join(",")}; scopes ${result.device.scopes.join(",") || "none"}). The device can connect now.`)
    }))

export const reject = (requestId: string, json: boolean, options: ConnectOptions) =>
  withClient((client) => Effect.flatMap(client.call(Methods.devicePairReject, { requestId }, options), (r) => print(json, r, `Rejected request ${r.requestId} (device ${short(r.deviceId)}).`)))

export const remove = (deviceId: string, json: boolean, options: ConnectOptions) =>
  withClient((client) => Effect.flatMap(client.call(Methods.devicePairRemove, { deviceId }, options), (r) => print(json, r, `Removed device ${short(r.deviceId)}; its tokens no longer work.`)))

/** The device a command acts on, given as `<deviceId>` or the original's `--device <id>`. */
const requireDevice = (command: string, deviceId: string | undefined) =>
  deviceId === undefined || deviceId.trim() === ""
    ? Effect.fail(new ConfigValueInvalid({ message: `devices ${command} needs a device: <deviceId> or --device <id> (see openclaw devices list).` }))
    : Effect.succeed(deviceId.trim())

export const rename = (deviceId: string | undefined, label: string | undefined, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const id = yield* requireDevice("rename", deviceId)
    if (label === undefined) return yield* new ConfigValueInvalid({ message: "devices rename needs a label: <label> or --name <label>." })
    return yield* withClient((client) => Effect.flatMap(client.call(Methods.devicePairRename, { deviceId: id, label }, options), (r) => print(json, r, `Renamed ${short(r.deviceId)} to ${r.label}.`)))
  })

/** `scopes` undefined keeps the token's scopes; an empty list (`--no-scopes`) rotates to none. */
export const rotate = (deviceId: string | undefined, role: string, scopes: ReadonlyArray<string> | undefined, json: boolean, options: ConnectOptions) =>
  Effect.flatMap(requireDevice("rotate", deviceId), (id) =>
    withClient((client) =>
      Effect.flatMap(client.call(Methods.deviceTokenRotate, { deviceId: id, role, ...(scopes === undefined ? {} : { scopes: [...scopes] }) }, options), (r) =>
        print(json, r, `Rotated the ${r.role} token of ${short(r.deviceId)} (scopes ${r.scopes.join(",") || "none"}); ${r.tokenDelivery === "in-band" ? "the new token was returned to this device" : "the device must reconnect to receive it"}.`))))

export const revoke = (deviceId: string | undefined, role: string, json: boolean, options: ConnectOptions) =>
  Effect.flatMap(requireDevice("revoke", deviceId), (id) =>
    withClient((client) => Effect.flatMap(client.call(Methods.deviceTokenRevoke, { deviceId: id, role }, options), (r) => print(json, r, `Revoked the ${r.role} token of ${short(r.deviceId)}.`))))

/**
 * `openclaw devices clear --yes [--pending]`: removes every paired device (and with `--pending` rejects
 * every pending request), as the original. Without `--yes` nothing is touched and the exit code is 1.
 */
export const clear = (yes: boolean, pending: boolean, json: boolean, options: ConnectOptions) =>
  withClient((client) =>
    Effect.gen(function*() {
      if (!yes) {
        yield* Console.error("Refusing to clear pairing table without --yes")
        return yield* new CliExit({ code: 1 })
      }
      // One connection for the whole clear; this CLI's own device goes last, since removing it ends the connection.
      const { removedDevices, rejectedPending } = yield* Effect.scoped(Effect.gen(function*() {
        const connection = yield* client.connect(options)
        const send = <P, R>(spec: MethodSpec<P, R>, params: P) => connection.call(spec, params, options.timeoutMs)
        const listed = yield* send(Methods.devicePairList, {})
        const rejected: Array<string> = []
        if (pending) for (const request of listed.pending) rejected.push((yield* send(Methods.devicePairReject, { requestId: request.requestId })).requestId)
        const ordered = [...listed.paired.filter((d) => d.deviceId !== connection.deviceId), ...listed.paired.filter((d) => d.deviceId === connection.deviceId)]
        const removed: Array<string> = []
        for (const device of ordered) removed.push((yield* send(Methods.devicePairRemove, { deviceId: device.deviceId })).deviceId)
        return { removedDevices: removed, rejectedPending: rejected }
      }))
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`
      const human = [`Cleared ${plural(removedDevices.length, "paired device")}`, ...(pending ? [`Rejected ${plural(rejectedPending.length, "pending request")}`] : [])].join("\n")
      yield* print(json, { removedDevices, rejectedPending }, human)
    }))
