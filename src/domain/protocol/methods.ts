import { Schema } from "effect"
import { DeviceMetadata, PendingRequest } from "../pairing/records.js"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })
/** Params of a method that takes none and ignores whatever is sent. */
const NoParams = Schema.Struct({})
/**
 * Params of a method that takes none and refuses any key. An empty Struct accepts every object even
 * with `onExcessProperty: "error"`, so each key is reported here, as the excess check would.
 */
const Empty = Schema.Struct({}).pipe(
  Schema.filter((params) => Object.keys(params).map((key) => ({ path: [key], message: "is unexpected" })))
)

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
  /**
   * Unknown params are refused unless this says `ignore`: the original ignores them on its read-only
   * probes (`health`, `status`, `system-presence`) and refuses them everywhere else.
   */
  readonly unknownParams?: "ignore"
}

const method = defineMethod

// Sub-objects we report but never read back are kept open, so a newer original's additions decode.
const SessionsBlock = Schema.Struct({ path: Schema.String, count: Schema.Number, recent: Schema.Array(Schema.Unknown) })

/**
 * `health`, field for field as the original 2026.9.6 answers (what its clients read), then ours
 * (`version`, `uptimeMs`, `connections`). Only `ok`, `ts`, `durationMs` are required, so our client
 * decodes any gateway's answer; the gateway always sends every field.
 */
export const HealthResult = Schema.Struct({
  ok: Schema.Boolean,
  ts: Schema.Number,
  durationMs: Schema.Number,
  plugins: opt(Schema.Struct({ loaded: Schema.Array(Schema.String), errors: Schema.Array(Schema.Unknown), unavailable: Schema.Array(Schema.Unknown) })),
  configReload: opt(AnyRecord),
  channels: opt(AnyRecord),
  channelOrder: opt(Schema.Array(Schema.String)),
  channelLabels: opt(AnyRecord),
  heartbeatSeconds: opt(Schema.Number),
  defaultAgentId: opt(Schema.String),
  agents: opt(Schema.Array(Schema.Struct({ agentId: Schema.String, isDefault: Schema.Boolean, heartbeat: AnyRecord, sessions: SessionsBlock }))),
  sessions: opt(SessionsBlock),
  modelRuntime: opt(AnyRecord),
  eventLoop: opt(AnyRecord),
  version: opt(Schema.String),
  uptimeMs: opt(Schema.Number),
  connections: opt(Schema.Number)
})
export type HealthResult = typeof HealthResult.Type

/**
 * `status`, the original's fields (its `openclaw status --json` reads `sessions.byAgent`, `heartbeat`,
 * `channelSummary`, ...), then ours (`uptimeMs`, `authMode`, `bind`, `port`, `connections`, and for
 * admins `configPath`, `stateDir`). Our client needs only `runtimeVersion`.
 */
/** What the original CLI's `status` asks for: its config projection (agents, update channel), no channel summary. */
export const StatusParams = Schema.Struct({ includeCliProjection: opt(Schema.Boolean), includeChannelSummary: opt(Schema.Boolean) })

export const StatusResult = Schema.Struct({
  runtimeVersion: Schema.String,
  /** Only when asked (`includeCliProjection`): what the original CLI's `status --json` shows as `agents.defaultId` etc. */
  cliProjection: opt(AnyRecord),
  hostDesktop: opt(AnyRecord),
  heartbeat: opt(Schema.Struct({ defaultAgentId: Schema.String, agents: Schema.Array(AnyRecord) })),
  channelSummary: opt(Schema.Array(Schema.Unknown)),
  queuedSystemEvents: opt(Schema.Array(Schema.Unknown)),
  degradedSecretOwners: opt(Schema.Array(Schema.Unknown)),
  degradedPlugins: opt(Schema.Array(Schema.Unknown)),
  tasks: opt(AnyRecord),
  taskAudit: opt(AnyRecord),
  sessions: opt(Schema.Struct({
    paths: Schema.Array(Schema.String),
    count: Schema.Number,
    defaults: Schema.Struct({ model: Schema.NullOr(Schema.String), contextTokens: Schema.NullOr(Schema.Number) }),
    recent: Schema.Array(Schema.Unknown),
    byAgent: Schema.Array(Schema.Struct({ agentId: Schema.String, path: Schema.String, count: Schema.Number, recent: Schema.Array(Schema.Unknown) }))
  })),
  modelRuntime: opt(AnyRecord),
  eventLoop: opt(AnyRecord),
  processMemory: opt(AnyRecord),
  workerPools: opt(AnyRecord),
  shutdownBudget: opt(AnyRecord),
  pid: opt(Schema.Number),
  uptimeMs: opt(Schema.Number),
  authMode: opt(Schema.String),
  bind: opt(Schema.String),
  port: opt(Schema.Number),
  connections: opt(Schema.Number),
  configPath: opt(Schema.String),
  stateDir: opt(Schema.String)
})
export type StatusResult = typeof StatusResult.Type

export const PresenceEntry = Schema.Struct({
  ts: Schema.Number,
  host: opt(Schema.String),
  ip: opt(Schema.String),
  version: opt(Schema.String),
  platform: opt(Schema.String),
  deviceFamily: opt(Schema.String),
  mode: opt(Schema.String),
  /** Why the entry is there: `self` for the gateway's own entry. */
  reason: opt(Schema.String),
  instanceId: opt(Schema.String),
  /** One human line, as the original renders it. */
  text: opt(Schema.String),
  deviceId: opt(Schema.String),
  roles: opt(Schema.Array(Schema.String)),
  scopes: opt(Schema.Array(Schema.String)),
  connId: opt(Schema.String),
  clientId: opt(Schema.String)
})
export type PresenceEntry = typeof PresenceEntry.Type

/**
 * `config.get`, the original's fields (`parsed`, `sourceConfig`, `resolved`, `runtimeConfig`, the
 * include lists, `warnings`, `legacyIssues`, `configRevisionHash`, `appliedConfigHash`) around ours.
 * Everything is redacted. Our client reads only `path`, `exists`, `hash`, `config`.
 */
export const ConfigGetResult = Schema.Struct({
  path: Schema.String,
  includedPaths: opt(Schema.Array(Schema.String)),
  includeProvenance: opt(Schema.Array(Schema.Unknown)),
  agentRosterIncludeOwned: opt(Schema.Boolean),
  bindingsIncludeOwned: opt(Schema.Boolean),
  exists: Schema.Boolean,
  raw: Schema.NullOr(Schema.String),
  parsed: opt(Schema.Unknown),
  sourceConfig: opt(Schema.Unknown),
  resolved: opt(Schema.Unknown),
  valid: Schema.Boolean,
  runtimeConfig: opt(Schema.Unknown),
  config: Schema.Unknown,
  hash: Schema.NullOr(Schema.String),
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  warnings: opt(Schema.Array(Schema.Unknown)),
  legacyIssues: opt(Schema.Array(Schema.Unknown)),
  configRevisionHash: opt(Schema.NullOr(Schema.String)),
  appliedConfigHash: opt(Schema.String)
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

/**
 * A paired device as `device.pair.list` shows it: the original's fields (`role`, `scopes`,
 * `createdAtMs`, `lastSeenAtMs`, tokens without secrets, `connected`), then ours (`approvedScopes`,
 * the same list under our record's name). Metadata is optional, so any gateway's answer decodes.
 */
export const PairedDeviceSummary = Schema.Struct({
  deviceId: Schema.String,
  publicKey: opt(Schema.String),
  ...DeviceMetadata.fields,
  operatorLabel: opt(Schema.String),
  role: opt(Schema.String),
  roles: Schema.Array(Schema.String),
  scopes: Schema.Array(Schema.String),
  approvedScopes: opt(Schema.Array(Schema.String)),
  createdAtMs: opt(Schema.Number),
  approvedAtMs: opt(Schema.Number),
  approvedVia: opt(Schema.String),
  remoteIp: opt(Schema.String),
  lastSeenAtMs: opt(Schema.Number),
  lastSeenReason: opt(Schema.String),
  tokens: Schema.Array(TokenSummary),
  /** Always sent here; the original leaves it out of `device.pair.approve`'s answer. */
  connected: opt(Schema.Boolean)
})
export type PairedDeviceSummary = typeof PairedDeviceSummary.Type

/** A pending request as listed; `reason` is open so a newer gateway's reasons still decode. */
export const PendingSummary = Schema.Struct({
  ...PendingRequest.fields,
  publicKey: opt(Schema.String),
  /** The original's: the requested role as a list. */
  roles: opt(Schema.Array(Schema.String)),
  reason: opt(Schema.String)
})

export const DevicePairListResult = Schema.Struct({
  pending: Schema.Array(PendingSummary),
  paired: Schema.Array(PairedDeviceSummary)
})

const RequestIdParams = Schema.Struct({ requestId: Schema.String.pipe(Schema.minLength(1)) })
const DeviceIdParams = Schema.Struct({ deviceId: Schema.String.pipe(Schema.minLength(1)) })

/** The method table: every RPC this gateway serves. */
export const Methods = {
  health: method("health", "any", Schema.Struct({ probe: opt(Schema.Boolean) }), HealthResult, { unknownParams: "ignore" }),
  status: method("status", "operator.read", StatusParams, StatusResult, { unknownParams: "ignore" }),
  systemPresence: method("system-presence", "operator.read", NoParams, Schema.Array(PresenceEntry), { unknownParams: "ignore" }),
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
  "chat",
  "models.snapshot",
  "sessions.changed",
  "session.message"
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
