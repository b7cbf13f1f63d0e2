import { Context, type Effect } from "effect"
import type { Decision } from "../domain/approvals/document.js"
import type { InvalidRequest, Unavailable } from "../domain/protocol/errors.js"
import type { ApprovalRequestParams, NodeEntry, NodeInvokeResult } from "../domain/protocol/nodeMethods.js"

export interface InvokeRequest {
  readonly nodeId: string
  readonly command: string
  readonly params?: unknown
  readonly timeoutMs?: number | undefined
  readonly idempotencyKey: string
  /** Internal forwarding (`exec.approvals.node.*`) skips the usable-command check; the RPC needed admin. */
  readonly internal?: boolean
}

/** The gateway's nodes: who is connected with what, invocation, and the exec approval prompts. */
export class NodeHub extends Context.Tag("openclaw/NodeHub")<NodeHub, {
  readonly nodes: Effect.Effect<ReadonlyArray<NodeEntry>>
  /** The gateway's current config (the exec tool reads `tools.exec` from it). */
  readonly config: Effect.Effect<unknown>
  readonly invoke: (request: InvokeRequest) => Effect.Effect<NodeInvokeResult, InvalidRequest | Unavailable>
  /** Asks the operators; `undefined` when nobody answered in time. */
  readonly requestApproval: (request: ApprovalRequestParams) => Effect.Effect<{ readonly id: string; readonly decision: Decision | undefined }>
}>() {}
