import { Schema } from "effect"
import { PairedDevice, PendingRequest } from "../pairing/records.js"
import { opt } from "../opt.js"

const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const Empty = Schema.Struct({})

/** Who may call a method: any authenticated socket, node role only, or an operator scope. */
export type MethodAccess = "any" | "node" | `operator.${string}`

/** One RPC, declared once: the server decodes params and checks access, the client decodes results. */
export interface MethodSpec<P = unknown, R = unknown> {
  readonly name: string
  readonly access: MethodAccess
  readonly params: Schema.Schema<P, unknown>
  readonly result: Schema.Schema<R, unknown>
  /** Counted by the control-plane write limiter (30 per 60 s per method, device and IP). */
  readonly controlPlaneWrite?: boolean
}

const method = <P, PI, R, RI>(
  name: string,
  access: MethodAccess,
  params: Schema.Schema<P, PI>,
  result: Schema.Schema<R, RI>,
  extra: { readonly controlPlaneWrite?: boolean } = {}
): MethodSpec<P, R> => ({ name, access, params: params as Schema.Schema<P, unknown>, result: result as Schema.Schema<R, unknown>, ...extra })

export const HealthResult = Schema.Struct({
  ok: Schema.Boolean,
  ts: Schema.Number,
  durationMs: Schema.Number,
  channels: AnyRecord,
  sessions: AnyRecord,
  version: opt(Schema.String),
  uptimeMs: opt(Schema.Number)
})
export type HealthResult = typeof HealthResult.Type

export const StatusResult = Schema.Struct({
  runtimeVersion: Schema.String,
  pid: Schema.Number,
  uptimeMs: Schema.Number,
  authMode: Schema.String,
  bind: Schema.String,
  port: Schema.Number,
  connections: Schema.Number,
  configPath: opt(Schema.String),
  stateDir: opt(Schema.String)
})
export type StatusResult = typeof StatusResult.Type

export const PresenceEntry = Schema.Struct({
  ts: Schema.Number,
  host: opt(Schema.String),
  version: opt(Schema.String),
  platform: opt(Schema.String),
  mode: opt(Schema.String),
  deviceId: opt(Schema.String),
  roles: opt(Schema.Array(Schema.String)),
  scopes: opt(Schema.Array(Schema.String)),
  connId: opt(Schema.String),
  clientId: opt(Schema.String)
})
export type PresenceEntry = typeof PresenceEntry.Type

export const ConfigGetResult = Schema.Struct({
  path: Schema.String,
  exists: Schema.Boolean,
  raw: Schema.NullOr(Schema.String),
  config: Schema.Unknown,
  hash: Schema.NullOr(Schema.String),
  valid: Schema.Boolean,
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
})

export const ConfigPatchParams = Schema.Struct({
  raw: Schema.String,
  baseHash: opt(Schema.String),
  replacePaths: opt(Schema.Array(Schema.String)),
  sessionKey: opt(Schema.String),
  note: opt(Schema.String),
  restartDelayMs: opt(Schema.Number)
})

export const ConfigPatchResult = Schema.Struct({
  ok: Schema.Boolean,
  changed: Schema.Boolean,
  path: Schema.String,
  hash: Schema.NullOr(Schema.String),
  paths: Schema.Array(Schema.String),
  hint: opt(Schema.String)
})

export const LogsTailParams = Schema.Struct({
  cursor: opt(Schema.Number.pipe(Schema.nonNegative())),
  limit: opt(Schema.Int.pipe(Schema.between(1, 5000))),
  maxBytes: opt(Schema.Int.pipe(Schema.between(1, 1_000_000)))
})
export const LogsTailResult = Schema.Struct({
  file: Schema.String,
  cursor: Schema.Number,
  size: Schema.Number,
  lines: Schema.Array(Schema.String),
  truncated: opt(Schema.Boolean),
  reset: opt(Schema.Boolean)
})

/** A token as listed to operators: never the secret. */
export const TokenSummary = Schema.Struct({
  role: Schema.String,
  scopes: Schema.Array(Schema.String),
  createdAtMs: Schema.Number,
  rotatedAtMs: opt(Schema.Number),
  revokedAtMs: opt(Schema.Number),
  lastUsedAtMs: opt(Schema.Number)
})

export const PairedDeviceSummary = Schema.Struct({
  ...PairedDevice.fields,
  tokens: Schema.Array(TokenSummary),
  connected: Schema.Boolean
})
export type PairedDeviceSummary = typeof PairedDeviceSummary.Type

export const DevicePairListResult = Schema.Struct({
  pending: Schema.Array(PendingRequest),
  paired: Schema.Array(PairedDeviceSummary)
})

const RequestIdParams = Schema.Struct({ requestId: Schema.String.pipe(Schema.minLength(1)) })
const DeviceIdParams = Schema.Struct({ deviceId: Schema.String.pipe(Schema.minLength(1)) })

/** The method table: every RPC this gateway serves. */
export const Methods = {
  health: method("health", "any", Schema.Struct({ probe: opt(Schema.Boolean) }), HealthResult),
  status: method("status", "operator.read", Empty, StatusResult),
  systemPresence: method("system-presence", "operator.read", Empty, Schema.Array(PresenceEntry)),
  configGet: method("config.get", "operator.read", Empty, ConfigGetResult),
  configPatch: method("config.patch", "operator.admin", ConfigPatchParams, ConfigPatchResult, { controlPlaneWrite: true }),
  logsTail: method("logs.tail", "operator.read", LogsTailParams, LogsTailResult),
  devicePairList: method("device.pair.list", "operator.pairing", Empty, DevicePairListResult),
  devicePairApprove: method("device.pair.approve", "operator.pairing", RequestIdParams, Schema.Struct({ requestId: Schema.String, device: PairedDeviceSummary })),
  devicePairReject: method("device.pair.reject", "operator.pairing", RequestIdParams, Schema.Struct({ requestId: Schema.String, deviceId: Schema.String })),
  devicePairRemove: method("device.pair.remove", "operator.pairing", DeviceIdParams, Schema.Struct({ deviceId: Schema.String })),
  devicePairRename: method(
    "device.pair.rename",
    "operator.pairing",
    Schema.Struct({ deviceId: Schema.String.pipe(Schema.minLength(1)), label: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)) }),
    Schema.Struct({ deviceId: Schema.String, label: Schema.String })
  ),
  deviceTokenRotate: method(
    "device.token.rotate",
    "operator.pairing",
    Schema.Struct({ deviceId: Schema.String.pipe(Schema.minLength(1)), role: Schema.String, scopes: opt(Schema.Array(Schema.String)) }),
    Schema.Struct({
      deviceId: Schema.String,
      role: Schema.String,
      token: opt(Schema.String),
      scopes: Schema.Array(Schema.String),
      rotatedAtMs: Schema.Number,
      tokenDelivery: Schema.Literal("in-band", "withheld-cross-device")
    })
  ),
  deviceTokenRevoke: method(
    "device.token.revoke",
    "operator.pairing",
    Schema.Struct({ deviceId: Schema.String.pipe(Schema.minLength(1)), role: Schema.String }),
    Schema.Struct({ deviceId: Schema.String, role: Schema.String, revokedAtMs: Schema.Number })
  )
} as const

/** Events this gateway emits. */
export const EVENTS = [
  "connect.challenge",
  "tick",
  "shutdown",
  "health",
  "presence",
  "device.pair.requested",
  "device.pair.resolved",
  "config.changed",
  "agent",
  "chat"
] as const

// Scope families of methods this gateway does not serve yet, so their scope errors match the original.
const ADMIN_PREFIXES = ["config.", "exec.approvals.", "wizard.", "update."]
const NODE_ONLY = new Set(["node.invoke.result", "node.event", "node.pending.pull", "node.pending.ack", "skills.bins"])

const byName = new Map<string, MethodSpec>(Object.values(Methods).map((spec) => [spec.name, spec as MethodSpec]))

/** The spec of a method this gateway serves. */
export const findMethod = (name: string): MethodSpec | undefined => byName.get(name)

/** Who may call a method, including ones this gateway does not serve (unclassified means admin). */
export const accessOf = (name: string): MethodAccess => {
  const spec = byName.get(name)
  if (spec !== undefined) return spec.access
  if (NODE_ONLY.has(name)) return "node"
  if (ADMIN_PREFIXES.some((prefix) => name.startsWith(prefix))) return "operator.admin"
  return "operator.admin"
}
