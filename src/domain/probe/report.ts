import { Schema } from "effect"

const Nullable = <S extends Schema.Schema.Any>(s: S) => Schema.NullOr(s)

/** What a probe could prove about its access (spec 10). */
export const Capability = Schema.Literal("admin_capable", "write_capable", "read_only", "pairing_pending", "connected_no_operator_scope", "unknown")
export type Capability = typeof Capability.Type

export const ProbeWarning = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  targetIds: Schema.optionalWith(Schema.Array(Schema.String), { exact: true })
})
export type ProbeWarning = typeof ProbeWarning.Type

export const TargetReport = Schema.Struct({
  id: Schema.String,
  kind: Schema.String,
  label: Schema.String,
  url: Schema.String,
  active: Schema.Boolean,
  tunnel: Nullable(Schema.Struct({ kind: Schema.Literal("ssh"), target: Schema.String, localPort: Schema.Number })),
  connect: Schema.Struct({
    ok: Schema.Boolean,
    rpcOk: Schema.Boolean,
    scopeLimited: Schema.Boolean,
    latencyMs: Nullable(Schema.Number),
    error: Nullable(Schema.String),
    /** The typed error code when the connect failed (`AUTH_TOKEN_MISMATCH`, `PAIRING_REQUIRED`, ...). */
    errorCode: Nullable(Schema.String),
    close: Nullable(Schema.Struct({ code: Schema.Number, reason: Schema.String }))
  }),
  auth: Schema.Struct({ role: Nullable(Schema.String), scopes: Schema.Array(Schema.String), capability: Capability }),
  server: Schema.Struct({ version: Nullable(Schema.String), connId: Nullable(Schema.String), bootId: Nullable(Schema.String) }),
  self: Nullable(Schema.Unknown),
  config: Nullable(Schema.Unknown),
  health: Nullable(Schema.Unknown),
  summary: Nullable(Schema.Unknown),
  presence: Nullable(Schema.Unknown)
})
export type TargetReport = typeof TargetReport.Type

export const ProbeReport = Schema.Struct({
  ok: Schema.Boolean,
  degraded: Schema.Boolean,
  capability: Capability,
  ts: Schema.Number,
  durationMs: Schema.Number,
  timeoutMs: Schema.Number,
  primaryTargetId: Nullable(Schema.String),
  warnings: Schema.Array(ProbeWarning),
  network: Schema.Struct({ localLoopbackUrl: Schema.String, localTailnetUrl: Nullable(Schema.String), tailnetIPv4: Nullable(Schema.String) }),
  discovery: Schema.Struct({ timeoutMs: Schema.Number, count: Schema.Number, beacons: Schema.Array(Schema.Unknown) }),
  targets: Schema.Array(TargetReport)
})
export type ProbeReport = typeof ProbeReport.Type

/** Capability from the hello scopes, a pairing failure, and whether a read RPC worked. */
export const capabilityOf = (input: {
  readonly pairingPending: boolean
  readonly connected: boolean
  readonly scopes: ReadonlyArray<string>
  readonly readRpcOk: boolean
}): Capability => {
  if (input.pairingPending) return "pairing_pending"
  if (!input.connected) return "unknown"
  if (input.scopes.includes("operator.admin")) return "admin_capable"
  if (input.scopes.includes("operator.write")) return "write_capable"
  if (input.scopes.includes("operator.read") || input.readRpcOk) return "read_only"
  return "connected_no_operator_scope"
}

const RANK: ReadonlyArray<Capability> = ["admin_capable", "write_capable", "read_only", "pairing_pending", "connected_no_operator_scope", "unknown"]

/** The best of several capabilities. */
export const bestCapability = (all: ReadonlyArray<Capability>): Capability =>
  all.reduce<Capability>((best, c) => (RANK.indexOf(c) < RANK.indexOf(best) ? c : best), "unknown")

/** How `gateway status` and `gateway probe` print a capability. */
export const capabilityLabel = (c: Capability): string =>
  ({
    admin_capable: "admin-capable",
    write_capable: "write-capable",
    read_only: "read-only",
    pairing_pending: "pairing-pending",
    connected_no_operator_scope: "connect-only",
    unknown: "unknown"
  })[c]

const PRIORITY = ["explicit", "sshTunnel", "configRemote", "localLoopback"]

export const SCOPE_LIMITED_MESSAGE =
  "Read-probe diagnostics are limited by gateway scopes (missing operator.read). Connection succeeded, but read-only status calls are incomplete. Hint: pair device identity or use credentials with operator.read."
export const RPC_FAILED_MESSAGE =
  "Gateway accepted the WebSocket connection, but follow-up read diagnostics failed. Treat this as a reachable Gateway with degraded diagnostics; compare connect.ok and connect.rpcOk in --json output."
export const SSH_FAILED_MESSAGE = "SSH tunnel failed to start; falling back to direct probes."
export const MULTIPLE_GATEWAYS_MESSAGE = "multiple reachable gateway identities detected"

/** Top-level fields and warnings from the per-target results (spec 10). */
export const summarize = (
  targets: ReadonlyArray<TargetReport>,
  extraWarnings: ReadonlyArray<ProbeWarning>,
  unresolvedRefs: ReadonlyMap<string, ReadonlyArray<string>> = new Map()
) => {
  const reachable = targets.filter((t) => t.connect.ok)
  const warnings: Array<ProbeWarning> = [...extraWarnings]
  const limited = reachable.filter((t) => t.connect.scopeLimited)
  if (limited.length > 0) warnings.push({ code: "probe_scope_limited", message: SCOPE_LIMITED_MESSAGE, targetIds: limited.map((t) => t.id) })
  const failedRpc = reachable.filter((t) => !t.connect.rpcOk && !t.connect.scopeLimited)
  if (failedRpc.length > 0) warnings.push({ code: "probe_rpc_failed", message: RPC_FAILED_MESSAGE, targetIds: failedRpc.map((t) => t.id) })
  // Several routes to one gateway share its bootId; distinct or unknown identities are ambiguous.
  const identities = new Set(reachable.map((t) => t.server.bootId ?? `unknown:${t.id}`))
  if (identities.size > 1) warnings.push({ code: "multiple_gateways", message: MULTIPLE_GATEWAYS_MESSAGE, targetIds: reachable.map((t) => t.id) })
  // An unresolved SecretRef only matters where the target then failed.
  const unresolved = targets.filter((t) => !t.connect.ok && (unresolvedRefs.get(t.id) ?? []).length > 0)
  if (unresolved.length > 0) {
    const refs = [...new Set(unresolved.flatMap((t) => unresolvedRefs.get(t.id) ?? []))]
    warnings.push({
      code: "auth_secretref_unresolved",
      message: `Gateway auth SecretRef could not be resolved (${refs.join(", ")}); pass --token/--password explicitly or fix the secret source.`,
      targetIds: unresolved.map((t) => t.id)
    })
  }
  const primary = PRIORITY.map((id) => reachable.find((t) => t.id === id)).find((t) => t !== undefined) ??
    PRIORITY.map((id) => targets.find((t) => t.id === id && t.active)).find((t) => t !== undefined)
  return {
    ok: reachable.length > 0,
    degraded: reachable.some((t) => !t.connect.rpcOk),
    capability: bestCapability(targets.map((t) => t.auth.capability)),
    primaryTargetId: primary?.id ?? null,
    warnings
  }
}
