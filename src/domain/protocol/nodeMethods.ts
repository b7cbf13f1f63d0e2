import { Schema } from "effect"
import { ApprovalsFile, Ask, AskFallback, Decision, Security } from "../approvals/document.js"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

const NonEmpty = Schema.String.pipe(Schema.minLength(1))
const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const spec = defineMethod

/** A node as `node.list` / `node.describe` report it (spec 4.2), plus the command surface. */
export const NodeEntry = Schema.Struct({
  nodeId: Schema.String,
  displayName: opt(Schema.String),
  platform: opt(Schema.String),
  version: opt(Schema.String),
  deviceFamily: opt(Schema.String),
  modelIdentifier: opt(Schema.String),
  remoteIp: opt(Schema.String),
  caps: Schema.Array(Schema.String),
  commands: Schema.Array(Schema.String),
  permissions: Schema.Record({ key: Schema.String, value: Schema.Boolean }),
  paired: Schema.Boolean,
  connected: Schema.Boolean,
  connectedAtMs: opt(Schema.Number),
  lastConnectedAtMs: opt(Schema.Number),
  /** Declared by the node but not usable yet: waiting for `nodes approve`. */
  pendingCommands: opt(Schema.Array(Schema.String)),
  /** Declared by the node (usable or not). */
  declaredCommands: opt(Schema.Array(Schema.String))
})
export type NodeEntry = typeof NodeEntry.Type

export const NodePairRequest = Schema.Struct({
  requestId: Schema.String,
  nodeId: Schema.String,
  displayName: opt(Schema.String),
  platform: opt(Schema.String),
  version: opt(Schema.String),
  remoteIp: opt(Schema.String),
  commands: Schema.Array(Schema.String),
  ts: Schema.Number
})
export type NodePairRequest = typeof NodePairRequest.Type

export const NodePaired = Schema.Struct({
  nodeId: Schema.String,
  displayName: opt(Schema.String),
  platform: opt(Schema.String),
  version: opt(Schema.String),
  remoteIp: opt(Schema.String),
  approvedCommands: Schema.Array(Schema.String),
  approvedAtMs: Schema.Number,
  lastConnectedAtMs: opt(Schema.Number)
})
export type NodePaired = typeof NodePaired.Type

/** `node.invoke` params (spec: `{nodeId, command, params?, timeoutMs?, idempotencyKey}`). */
export const NodeInvokeParams = Schema.Struct({
  nodeId: NonEmpty,
  command: NonEmpty,
  params: opt(Schema.Unknown),
  timeoutMs: opt(Schema.Int.pipe(Schema.between(1, 600_000))),
  idempotencyKey: NonEmpty
})
export type NodeInvokeParams = typeof NodeInvokeParams.Type

export const NodeInvokeResult = Schema.Struct({
  ok: Schema.Boolean,
  nodeId: Schema.String,
  command: Schema.String,
  payload: opt(Schema.Unknown),
  payloadJSON: opt(Schema.NullOr(Schema.String))
})
export type NodeInvokeResult = typeof NodeInvokeResult.Type

/** What a node sends back for one `node.invoke.request`. */
export const NodeInvokeReply = Schema.Struct({
  id: NonEmpty,
  nodeId: NonEmpty,
  ok: Schema.Boolean,
  payload: opt(Schema.Unknown),
  payloadJSON: opt(Schema.NullOr(Schema.String)),
  error: opt(Schema.Struct({ code: opt(Schema.String), message: opt(Schema.String) }))
})
export type NodeInvokeReply = typeof NodeInvokeReply.Type

/** The approvals snapshot `exec.approvals.get` answers (as the original: path, exists, hash, file, resolved defaults). */
export const ApprovalsSnapshot = Schema.Struct({
  path: Schema.String,
  exists: Schema.Boolean,
  hash: Schema.String,
  file: ApprovalsFile,
  resolvedDefaults: opt(Schema.Struct({ security: Security, ask: Ask, askFallback: AskFallback, autoAllowSkills: Schema.Boolean }))
})
export type ApprovalsSnapshot = typeof ApprovalsSnapshot.Type

/** The canonical run plan a prompt is about; an approved run executes exactly this. */
export const RunPlan = Schema.Struct({
  argv: Schema.Array(Schema.String),
  cwd: opt(Schema.String),
  /** The binary argv[0] resolved to when the plan was made (the run uses this path). */
  resolvedPath: opt(Schema.String),
  envKeys: opt(Schema.Array(Schema.String)),
  rawCommand: opt(Schema.String)
})
export type RunPlan = typeof RunPlan.Type

export const ApprovalRequestParams = Schema.Struct({
  plan: RunPlan,
  host: Schema.Literal("node", "gateway"),
  nodeId: opt(Schema.String),
  agentId: opt(Schema.String),
  sessionKey: opt(Schema.String),
  security: opt(Security),
  ask: opt(Ask),
  timeoutMs: opt(Schema.Int.pipe(Schema.between(1, 3_600_000)))
})
export type ApprovalRequestParams = typeof ApprovalRequestParams.Type

export const PendingApproval = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("exec"),
  request: ApprovalRequestParams,
  summary: Schema.String,
  createdAtMs: Schema.Number,
  expiresAtMs: Schema.Number,
  allowedDecisions: Schema.Array(Decision)
})
export type PendingApproval = typeof PendingApproval.Type

/**
 * A standing grant: what `allow-always` on an automation (cron) exec approval mints in the original, so
 * the job's next run of that exact command goes unprompted. The original's wire shape.
 */
export const StandingGrant = Schema.Struct({
  grantId: Schema.String,
  mintedByApprovalId: Schema.String,
  agentId: Schema.String,
  cronJobId: Schema.String,
  cronJobName: Schema.NullOr(Schema.String),
  command: Schema.String,
  cwd: Schema.NullOr(Schema.String),
  createdAtMs: Schema.Number,
  expiresAtMs: Schema.NullOr(Schema.Number),
  revokedAtMs: Schema.NullOr(Schema.Number),
  revokedBy: Schema.NullOr(Schema.String),
  lastUsedAtMs: Schema.NullOr(Schema.Number),
  useCount: Schema.Number
})
export type StandingGrant = typeof StandingGrant.Type

/** node.*, node.pair.*, exec.approvals.* and exec.approval.*, with the original's names and scopes. */
export const NodeMethods = {
  nodeList: spec("node.list", "operator.read", Schema.Struct({}), Schema.Struct({ ts: Schema.Number, nodes: Schema.Array(NodeEntry) })),
  nodeDescribe: spec("node.describe", "operator.read", Schema.Struct({ nodeId: NonEmpty }), Schema.extend(NodeEntry, Schema.Struct({ ts: Schema.Number }))),
  nodeRename: spec("node.rename", "operator.pairing", Schema.Struct({ nodeId: NonEmpty, displayName: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)) }), Schema.Struct({ nodeId: Schema.String, displayName: Schema.String })),
  nodePairList: spec("node.pair.list", "operator.pairing", Schema.Struct({}), Schema.Struct({ pending: Schema.Array(NodePairRequest), paired: Schema.Array(NodePaired) })),
  nodePairApprove: spec("node.pair.approve", "operator.pairing", Schema.Struct({ requestId: NonEmpty }), Schema.Struct({ requestId: Schema.String, node: NodePaired })),
  nodePairReject: spec("node.pair.reject", "operator.pairing", Schema.Struct({ requestId: NonEmpty }), Schema.Struct({ requestId: Schema.String, nodeId: Schema.String })),
  nodePairRemove: spec("node.pair.remove", "operator.pairing", Schema.Struct({ nodeId: NonEmpty }), Schema.Struct({ nodeId: Schema.String })),
  nodeInvoke: spec("node.invoke", "operator.write", NodeInvokeParams, NodeInvokeResult),
  nodeInvokeResult: spec("node.invoke.result", "node", NodeInvokeReply, Schema.Struct({ ok: Schema.Boolean })),
  nodeEvent: spec("node.event", "node", Schema.Struct({ event: NonEmpty, payload: opt(Schema.Unknown), payloadJSON: opt(Schema.NullOr(Schema.String)) }), Schema.Struct({ ok: Schema.Boolean })),
  execApprovalsGet: spec("exec.approvals.get", "operator.admin", Schema.Struct({}), ApprovalsSnapshot),
  execApprovalsSet: spec("exec.approvals.set", "operator.admin", Schema.Struct({ file: Schema.Unknown, baseHash: opt(Schema.String) }), ApprovalsSnapshot),
  execApprovalsNodeGet: spec("exec.approvals.node.get", "operator.admin", Schema.Struct({ nodeId: NonEmpty }), ApprovalsSnapshot),
  execApprovalsNodeSet: spec("exec.approvals.node.set", "operator.admin", Schema.Struct({ nodeId: NonEmpty, file: Schema.Unknown, baseHash: opt(Schema.String) }), ApprovalsSnapshot),
  // A node host asks the operators; the answer comes back when one resolves it (or null at the timeout).
  execApprovalRequest: spec("exec.approval.request", "node", ApprovalRequestParams, Schema.Struct({ id: Schema.String, decision: Schema.NullOr(Decision) })),
  execApprovalResolve: spec("exec.approval.resolve", "operator.approvals", Schema.Struct({ id: NonEmpty, decision: Decision }), Schema.Struct({ ok: Schema.Boolean, id: Schema.String, decision: Decision, alreadyResolved: opt(Schema.Boolean) })),
  execApprovalList: spec("exec.approval.list", "operator.approvals", Schema.Struct({}), Schema.Struct({ approvals: Schema.Array(PendingApproval) })),
  execApprovalGrantsList: spec("exec.approval.grants.list", "operator.approvals", Schema.Struct({ limit: opt(Schema.Int.pipe(Schema.positive())) }), Schema.Struct({ grants: Schema.Array(StandingGrant) })),
  execApprovalGrantsRevoke: spec("exec.approval.grants.revoke", "operator.approvals", Schema.Struct({ grantId: NonEmpty }), Schema.Struct({ outcome: Schema.Literal("revoked", "already-revoked", "not-found") }))
} as const

export const NODE_EVENTS = ["node.pair.requested", "node.pair.resolved", "node.invoke.request", "node.invoke.cancel", "exec.approval.requested", "exec.approval.resolved"] as const

export { AnyRecord as NodeParamsRecord }
