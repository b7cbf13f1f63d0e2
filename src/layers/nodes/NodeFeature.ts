import { Clock, Context, Deferred, Effect, Either, FiberId, Layer, Ref } from "effect"
import { randomUUID } from "node:crypto"
import type { AgentTool } from "../../domain/agent/tools.js"
import { adminOnlyCommand } from "../../domain/nodes/commandPolicy.js"
import { InvalidRequest, MissingScope } from "../../domain/protocol/errors.js"
import { type ApprovalsSnapshot, NodeMethods } from "../../domain/protocol/nodeMethods.js"
import { scopeSatisfied } from "../../domain/protocol/scopes.js"
import { shortenHome } from "../../domain/text/shortenHome.js"
import { EventBus } from "../../services/EventBus.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import type { NodeHub } from "../../services/NodeHub.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { makeApprovalsFile, parseApprovals } from "../approvals/approvalsFile.js"
import { makeExecTool } from "./execTool.js"
import { makeNodeHub } from "./NodeHubLive.js"
import { makeNodeStore } from "./nodeStore.js"

const missing = (scope: string) => new MissingScope({ message: `missing scope: ${scope}`, missingScope: scope, requiredScopes: [scope] })

const snapshotOf = (payload: unknown): Effect.Effect<ApprovalsSnapshot, InvalidRequest> => {
  const record = payload as Partial<ApprovalsSnapshot> | undefined
  if (record === undefined || typeof record !== "object" || record.file === undefined) {
    return Effect.fail(new InvalidRequest({ message: "node returned no exec approvals snapshot" }))
  }
  const file = parseApprovals(record.file)
  if (Either.isLeft(file)) return Effect.fail(new InvalidRequest({ message: `node returned an invalid exec approvals file: ${file.left}` }))
  return Effect.succeed({ path: String(record.path ?? ""), exists: record.exists === true, hash: String(record.hash ?? ""), file: file.right, ...(record.resolvedDefaults === undefined ? {} : { resolvedDefaults: record.resolvedDefaults }) })
}

/**
 * The gateway's nodes feature: node.*, node.pair.*, exec.approvals.* (this host's document and, through
 * the node, a node's), exec.approval.* prompts; plus the agent's `exec` tool, which runs through the hub
 * once the gateway has built it.
 */
export const makeNodeFeature = (context: Context.Context<StateFiles | Paths>) => {
  const hubReady = Deferred.unsafeMake<NodeHub["Type"]>(FiberId.none)
  const feature = Layer.scopedDiscard(Effect.gen(function*() {
    const methods = yield* MethodRegistry
    const files = Context.get(context, StateFiles)
    const paths = Context.get(context, Paths)
    const bus = yield* EventBus
    const store = makeNodeStore(files, paths.stateDir)
    const initial = yield* store.load.pipe(Effect.orDie)
    const internals = yield* makeNodeHub(initial, (state) => store.save(state).pipe(Effect.orDie))
    yield* Deferred.succeed(hubReady, internals.hub)
    const approvalsFile = makeApprovalsFile(files, paths.stateDir, shortenHome(`${paths.stateDir}/exec-approvals.json`, paths.home))

    const pendingOrFail = (requestId: string) =>
      Effect.flatMap(Ref.get(internals.state), (s) => {
        const request = s.pending[requestId]
        return request === undefined ? Effect.fail(new InvalidRequest({ message: "unknown requestId" })) : Effect.succeed(request)
      })

    yield* methods.register(NodeMethods.nodeList, () =>
      Effect.map(Effect.zip(Clock.currentTimeMillis, internals.hub.nodes), ([ts, nodes]) => ({ ts, nodes })))

    yield* methods.register(NodeMethods.nodeDescribe, ({ nodeId }) =>
      Effect.gen(function*() {
        const node = (yield* internals.hub.nodes).find((n) => n.nodeId === nodeId)
        if (node === undefined) return yield* new InvalidRequest({ message: "unknown nodeId" })
        return { ...node, ts: yield* Clock.currentTimeMillis }
      }))

    yield* methods.register(NodeMethods.nodePairList, () =>
      Effect.gen(function*() {
        yield* internals.reconcile
        const s = yield* Ref.get(internals.state)
        return { pending: Object.values(s.pending).sort((a, b) => a.ts - b.ts), paired: Object.values(s.paired) }
      }))

    yield* methods.register(NodeMethods.nodePairApprove, ({ requestId }, caller) =>
      Effect.gen(function*() {
        const request = yield* pendingOrFail(requestId)
        // Ordinary commands need write on top of pairing; shell and approvals commands need admin.
        if (request.commands.some(adminOnlyCommand) && !scopeSatisfied(caller.scopes, "operator.admin")) return yield* missing("operator.admin")
        if (request.commands.length > 0 && !scopeSatisfied(caller.scopes, "operator.write")) return yield* missing("operator.write")
        const s = yield* Ref.get(internals.state)
        const now = yield* Clock.currentTimeMillis
        const before = s.paired[request.nodeId]
        const node = {
          ...before,
          nodeId: request.nodeId,
          ...(before?.displayName ?? request.displayName) === undefined ? {} : { displayName: (before?.displayName ?? request.displayName) as string },
          ...(request.platform === undefined ? {} : { platform: request.platform }),
          ...(request.version === undefined ? {} : { version: request.version }),
          ...(request.remoteIp === undefined ? {} : { remoteIp: request.remoteIp }),
          approvedCommands: [...new Set([...(before?.approvedCommands ?? []), ...request.commands])],
          approvedAtMs: now
        }
        const { [requestId]: _gone, ...pending } = s.pending
        yield* internals.save({ paired: { ...s.paired, [request.nodeId]: node }, pending })
        return { requestId, node }
      }).pipe(Effect.tap(({ node }) => publishResolved(requestId, node.nodeId, "approved"))))

    const publishResolved = (requestId: string, nodeId: string, decision: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (ts) => bus.publish({ event: "node.pair.resolved", payload: { requestId, nodeId, decision, ts }, scope: "operator.pairing" }))

    yield* methods.register(NodeMethods.nodePairReject, ({ requestId }) =>
      Effect.gen(function*() {
        const request = yield* pendingOrFail(requestId)
        const s = yield* Ref.get(internals.state)
        const { [requestId]: _gone, ...pending } = s.pending
        yield* internals.save({ ...s, pending })
        yield* publishResolved(requestId, request.nodeId, "rejected")
        return { requestId, nodeId: request.nodeId }
      }))

    yield* methods.register(NodeMethods.nodePairRemove, ({ nodeId }, caller) =>
      Effect.gen(function*() {
        const s = yield* Ref.get(internals.state)
        const record = s.paired[nodeId]
        if (record === undefined) return yield* new InvalidRequest({ message: "unknown nodeId" })
        if (record.approvedCommands.some(adminOnlyCommand) && !scopeSatisfied(caller.scopes, "operator.admin")) return yield* missing("operator.admin")
        const { [nodeId]: _gone, ...paired } = s.paired
        const pending = Object.fromEntries(Object.entries(s.pending).filter(([, p]) => p.nodeId !== nodeId))
        yield* internals.save({ paired, pending })
        return { nodeId }
      }))

    yield* methods.register(NodeMethods.nodeRename, ({ nodeId, displayName }) =>
      Effect.gen(function*() {
        const s = yield* Ref.get(internals.state)
        const record = s.paired[nodeId]
        if (record === undefined) return yield* new InvalidRequest({ message: "unknown nodeId" })
        const name = displayName.trim()
        if (name.length === 0) return yield* new InvalidRequest({ message: "invalid node.rename params: displayName: must not be blank" })
        yield* internals.save({ ...s, paired: { ...s.paired, [nodeId]: { ...record, displayName: name } } })
        return { nodeId, displayName: name }
      }))

    yield* methods.register(NodeMethods.nodeInvoke, (params) =>
      internals.hub.invoke({ nodeId: params.nodeId, command: params.command, params: params.params, timeoutMs: params.timeoutMs, idempotencyKey: params.idempotencyKey }))

    yield* methods.register(NodeMethods.nodeInvokeResult, (reply, caller) =>
      Effect.map(internals.deliverReply(reply, caller.deviceId), (ok) => ({ ok })))

    yield* methods.register(NodeMethods.nodeEvent, () => Effect.succeed({ ok: true }))

    yield* methods.register(NodeMethods.execApprovalsGet, () => approvalsFile.snapshot.pipe(Effect.catchTag("StateIoError", (e) => Effect.fail(new InvalidRequest({ message: e.message })))))

    yield* methods.register(NodeMethods.execApprovalsSet, ({ file, baseHash }) =>
      Effect.gen(function*() {
        const parsed = parseApprovals(file)
        if (Either.isLeft(parsed)) return yield* new InvalidRequest({ message: `invalid exec approvals file: ${parsed.left}` })
        return yield* approvalsFile.write(parsed.right, baseHash)
      }).pipe(Effect.catchTag("StateIoError", (e) => Effect.fail(new InvalidRequest({ message: e.message })))))

    const viaNode = (nodeId: string, command: string, params: unknown) =>
      Effect.flatMap(
        internals.hub.invoke({ nodeId, command, params, idempotencyKey: randomUUID(), internal: true, timeoutMs: 15_000 }),
        (result) => snapshotOf(result.payload ?? (result.payloadJSON == null ? undefined : JSON.parse(result.payloadJSON)))
      )

    yield* methods.register(NodeMethods.execApprovalsNodeGet, ({ nodeId }) => viaNode(nodeId, "system.execApprovals.get", {}))
    yield* methods.register(NodeMethods.execApprovalsNodeSet, ({ nodeId, file, baseHash }) =>
      Effect.gen(function*() {
        const parsed = parseApprovals(file)
        if (Either.isLeft(parsed)) return yield* new InvalidRequest({ message: `invalid exec approvals file: ${parsed.left}` })
        return yield* viaNode(nodeId, "system.execApprovals.set", { file: parsed.right, ...(baseHash === undefined ? {} : { baseHash }) })
      }))

    yield* methods.register(NodeMethods.execApprovalRequest, (request, caller) =>
      Effect.map(internals.hub.requestApproval({ ...request, host: "node", ...(caller.deviceId === undefined ? {} : { nodeId: caller.deviceId }) }), ({ id, decision }) => ({ id, decision: decision ?? null })))

    yield* methods.register(NodeMethods.execApprovalResolve, ({ id, decision }) =>
      Effect.map(internals.resolveApproval(id, decision), ({ alreadyResolved }) => ({ ok: true, id, decision, ...(alreadyResolved ? { alreadyResolved } : {}) })))

    yield* methods.register(NodeMethods.execApprovalList, () => Effect.map(internals.pendingApprovals, (approvals) => ({ approvals })))

    // Standing grants are minted only by allow-always on automation (cron) exec approvals, which this
    // version does not raise (cron turns run the exec tool under the host policy, prompting operators
    // like any other run): the list is truthfully empty and every id is unknown.
    yield* methods.register(NodeMethods.execApprovalGrantsList, () => Effect.succeed({ grants: [] }))
    yield* methods.register(NodeMethods.execApprovalGrantsRevoke, () => Effect.succeed({ outcome: "not-found" as const }))

    // Node pairing requests are filed as soon as a node's session appears (presence changes ride the bus).
    const queue = yield* bus.subscribe
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(queue.take, (event) => (event.event === "presence" ? internals.reconcile.pipe(Effect.ignore) : Effect.void))))
  }))
  const gatewayPaths = Context.get(context, Paths)
  const gatewayApprovals = makeApprovalsFile(Context.get(context, StateFiles), gatewayPaths.stateDir, shortenHome(`${gatewayPaths.stateDir}/exec-approvals.json`, gatewayPaths.home))
  const tools: ReadonlyArray<AgentTool<any, any>> = [makeExecTool(Deferred.await(hubReady), { approvals: gatewayApprovals, home: gatewayPaths.home })]
  return { feature, tools }
}
