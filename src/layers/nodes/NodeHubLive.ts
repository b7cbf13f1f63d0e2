import { Clock, Deferred, Duration, Effect, Layer, Option, Ref } from "effect"
import { randomUUID } from "node:crypto"
import type { Decision } from "../../domain/approvals/document.js"
import { commandConfig, type CommandRejection, commandRejectionMessage, pendingCommands, policyAllows, usableCommands } from "../../domain/nodes/commandPolicy.js"
import { InvalidRequest, Unavailable } from "../../domain/protocol/errors.js"
import type { ApprovalRequestParams, NodeEntry, NodeInvokeReply, NodeInvokeResult, NodePaired, NodePairRequest, PendingApproval } from "../../domain/protocol/nodeMethods.js"
import { EventBus } from "../../services/EventBus.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayRuntime, type Session } from "../../services/GatewayRuntime.js"
import { NodeHub, type InvokeRequest } from "../../services/NodeHub.js"
import type { NodesFile } from "./nodeStore.js"

const DEFAULT_INVOKE_TIMEOUT_MS = 30_000
const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000
const IDEMPOTENCY_TTL_MS = 5 * 60_000

type InvokeOutcome = { readonly ok: true; readonly result: NodeInvokeResult } | { readonly ok: false; readonly error: InvalidRequest | Unavailable }

const nodeFailure = (code: string, message: string, dispatched: boolean) =>
  new Unavailable({ message: `${code}: ${message}`, retryable: false, details: { nodeError: { code, message }, nodeCommandDispatched: dispatched } })

const sameCommands = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n")

/** What the node-pairing methods need besides the hub itself. */
export interface NodeHubInternals {
  readonly state: Ref.Ref<NodesFile>
  readonly save: (state: NodesFile) => Effect.Effect<void>
  readonly reconcile: Effect.Effect<void>
  readonly sessionOf: (nodeId: string) => Effect.Effect<Session | undefined>
  readonly deliverReply: (reply: NodeInvokeReply, fromNodeId: string | undefined) => Effect.Effect<boolean>
  readonly resolveApproval: (id: string, decision: Decision) => Effect.Effect<{ readonly alreadyResolved: boolean }, InvalidRequest>
  readonly pendingApprovals: Effect.Effect<ReadonlyArray<PendingApproval>>
  readonly hub: NodeHub["Type"]
}

/**
 * Builds the hub over the running gateway: connected nodes come from the runtime's sessions (role
 * `node`), their approved commands from the node store, invocations ride `node.invoke.request` events to
 * the node's own socket and come back through `node.invoke.result`.
 */
export const makeNodeHub = (initial: NodesFile, persist: (state: NodesFile) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    const runtime = yield* GatewayRuntime
    const bus = yield* EventBus
    const log = yield* GatewayLog
    const state = yield* Ref.make(initial)
    const lock = yield* Effect.makeSemaphore(1)
    const invokes = new Map<string, { readonly deferred: Deferred.Deferred<NodeInvokeReply>; readonly nodeId: string }>()
    const idempotent = new Map<string, { readonly outcome: Deferred.Deferred<InvokeOutcome>; readonly expiresAtMs: number }>()
    const approvals = new Map<string, { readonly record: PendingApproval; readonly deferred: Deferred.Deferred<Decision | undefined> }>()
    const resolved = new Map<string, Decision>()

    const save = (next: NodesFile) => Effect.zipRight(Ref.set(state, next), persist(next))
    const nodeSessions = Effect.map(runtime.sessions, (all) => all.filter((s) => s.role === "node" && s.deviceId !== undefined))
    const sessionOf = (nodeId: string) => Effect.map(nodeSessions, (all) => all.filter((s) => s.deviceId === nodeId).sort((a, b) => b.connectedAtMs - a.connectedAtMs)[0])
    const policyConfig = Effect.map(runtime.settings, (s) => commandConfig(s.config))

    /** Files a node-pairing request for every connected node whose declared commands wait for approval. */
    const reconcile = lock.withPermits(1)(Effect.gen(function*() {
      const sessions = yield* nodeSessions
      const config = yield* policyConfig
      let current = yield* Ref.get(state)
      let changed = false
      const now = yield* Clock.currentTimeMillis
      for (const session of sessions) {
        const nodeId = session.deviceId as string
        const declared = session.connect?.commands ?? []
        const record = current.paired[nodeId]
        const waiting = pendingCommands(declared, record?.approvedCommands ?? [], config)
        if (record !== undefined) {
          if (record.lastConnectedAtMs !== session.connectedAtMs) {
            current = { ...current, paired: { ...current.paired, [nodeId]: { ...record, lastConnectedAtMs: session.connectedAtMs, platform: session.platform, version: session.clientVersion, remoteIp: session.ip } } }
            changed = true
          }
          if (waiting.length === 0) continue
        }
        const existing = Object.values(current.pending).find((p) => p.nodeId === nodeId)
        if (existing !== undefined && sameCommands(existing.commands, waiting)) continue
        const pending = { ...current.pending }
        if (existing !== undefined) {
          delete pending[existing.requestId]
          yield* bus.publish({ event: "node.pair.resolved", payload: { requestId: existing.requestId, nodeId, decision: "rejected", ts: now }, scope: "operator.pairing" })
        }
        const request: NodePairRequest = {
          requestId: randomUUID(),
          nodeId,
          ...(session.connect?.client.displayName === undefined ? {} : { displayName: session.connect.client.displayName }),
          platform: session.platform,
          version: session.clientVersion,
          remoteIp: session.ip,
          commands: waiting,
          ts: now
        }
        pending[request.requestId] = request
        current = { ...current, pending }
        changed = true
        yield* bus.publish({ event: "node.pair.requested", payload: request, scope: "operator.pairing" })
        yield* log.write({ level: "info", message: `node pairing requested: ${nodeId} (${waiting.join(", ") || "no commands"})`, fields: { subsystem: "gateway/nodes", nodeId, requestId: request.requestId } })
      }
      if (changed) yield* save(current)
    }))

    const nodes = Effect.gen(function*() {
      yield* reconcile
      const sessions = yield* nodeSessions
      const config = yield* policyConfig
      const { paired } = yield* Ref.get(state)
      const ids = new Set([...Object.keys(paired), ...sessions.map((s) => s.deviceId as string)])
      return [...ids].sort().map((nodeId): NodeEntry => {
        const record: NodePaired | undefined = paired[nodeId]
        const session = sessions.filter((s) => s.deviceId === nodeId).sort((a, b) => b.connectedAtMs - a.connectedAtMs)[0]
        const declared = session?.connect?.commands ?? []
        const approved = record?.approvedCommands ?? []
        const displayName = record?.displayName ?? session?.connect?.client.displayName
        const platform = session?.platform ?? record?.platform
        const version = session?.clientVersion ?? record?.version
        const remoteIp = session?.ip ?? record?.remoteIp
        const deviceFamily = session?.connect?.client.deviceFamily
        const modelIdentifier = session?.connect?.client.modelIdentifier
        return {
          nodeId,
          ...(displayName === undefined ? {} : { displayName }),
          ...(platform === undefined ? {} : { platform }),
          ...(version === undefined ? {} : { version }),
          ...(deviceFamily === undefined ? {} : { deviceFamily }),
          ...(modelIdentifier === undefined ? {} : { modelIdentifier }),
          ...(remoteIp === undefined ? {} : { remoteIp }),
          caps: session?.connect?.caps ?? [],
          commands: session === undefined ? approved : usableCommands(declared, approved, config),
          permissions: session?.connect?.permissions ?? {},
          paired: record !== undefined,
          connected: session !== undefined,
          ...(session === undefined ? {} : { connectedAtMs: session.connectedAtMs }),
          ...(record?.lastConnectedAtMs === undefined ? {} : { lastConnectedAtMs: record.lastConnectedAtMs }),
          pendingCommands: session === undefined ? [] : pendingCommands(declared, approved, config),
          declaredCommands: declared
        }
      })
    })

    const dispatchInvoke = (request: InvokeRequest) =>
      Effect.gen(function*() {
        const session = yield* sessionOf(request.nodeId)
        if (session === undefined) return yield* nodeFailure("NOT_CONNECTED", "node not connected", false)
        if (request.internal !== true) {
          const record = (yield* Ref.get(state)).paired[request.nodeId]
          const declared = session.connect?.commands ?? []
          const usable = usableCommands(declared, record?.approvedCommands ?? [], yield* policyConfig)
          if (!usable.includes(request.command)) {
            // Declared but blocked by gateway.nodes.commands (deny, dangerous without allow), or declared,
            // permitted and still awaiting the operator's approval.
            const config = yield* policyConfig
            const reason: CommandRejection = !declared.includes(request.command)
              ? "command not declared by node"
              : !policyAllows(request.command, config) || (record?.approvedCommands ?? []).includes(request.command) ? "command not allowlisted" : "node did not declare commands"
            const message = commandRejectionMessage(reason, request.command, session.platform ?? record?.platform, config, declared)
            return yield* new InvalidRequest({ message, details: { reason, nodeId: request.nodeId, command: request.command } })
          }
        }
        const id = randomUUID()
        const deferred = yield* Deferred.make<NodeInvokeReply>()
        invokes.set(id, { deferred, nodeId: request.nodeId })
        const timeoutMs = request.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS
        const cancel = (reason: string) => bus.publish({ event: "node.invoke.cancel", payload: { id, nodeId: request.nodeId, reason }, connId: session.connId })
        yield* bus.publish({
          event: "node.invoke.request",
          payload: { id, nodeId: request.nodeId, command: request.command, paramsJSON: request.params === undefined ? null : JSON.stringify(request.params), timeoutMs, idempotencyKey: request.idempotencyKey },
          connId: session.connId
        })
        const gone = (session.closed ?? Effect.never).pipe(Effect.as({ _tag: "gone" } as const))
        const replied = Deferred.await(deferred).pipe(Effect.map((reply) => ({ _tag: "reply", reply } as const)))
        const outcome = yield* Effect.raceFirst(replied, gone).pipe(
          Effect.timeoutOption(Duration.millis(timeoutMs)),
          Effect.onInterrupt(() => cancel("cancelled")),
          Effect.ensuring(Effect.sync(() => invokes.delete(id)))
        )
        if (Option.isNone(outcome)) {
          yield* cancel("timeout")
          return yield* nodeFailure("TIMEOUT", `node invoke timed out after ${timeoutMs}ms`, true)
        }
        if (outcome.value._tag === "gone") return yield* nodeFailure("NODE_DISCONNECTED", "node disconnected during invoke", true)
        const reply = outcome.value.reply
        if (!reply.ok) {
          // The node's own code and message pass through verbatim (SYSTEM_RUN_DENIED, *_PERMISSION_REQUIRED, ...).
          return yield* nodeFailure(reply.error?.code ?? "UNAVAILABLE", reply.error?.message ?? "node command failed", true)
        }
        return {
          ok: true,
          nodeId: request.nodeId,
          command: request.command,
          ...(reply.payload === undefined ? {} : { payload: reply.payload }),
          ...(reply.payloadJSON === undefined ? {} : { payloadJSON: reply.payloadJSON })
        } satisfies NodeInvokeResult
      })

    const invoke = (request: InvokeRequest) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        for (const [key, entry] of idempotent) if (entry.expiresAtMs < now) idempotent.delete(key)
        const key = `${request.nodeId}\u0000${request.command}\u0000${request.idempotencyKey}`
        const known = idempotent.get(key)
        // A repeat (in flight or recent) gets the first call's outcome; the node runs the command once.
        const outcome = known !== undefined
          ? yield* Deferred.await(known.outcome)
          : yield* Effect.gen(function*() {
            const deferred = yield* Deferred.make<InvokeOutcome>()
            idempotent.set(key, { outcome: deferred, expiresAtMs: now + IDEMPOTENCY_TTL_MS })
            const result = yield* dispatchInvoke(request).pipe(
              Effect.map((result): InvokeOutcome => ({ ok: true, result })),
              Effect.catchAll((error) => Effect.succeed<InvokeOutcome>({ ok: false, error })),
              // A caller gone mid-invoke: repeats waiting on this key are told, and the key may be used again.
              Effect.onInterrupt(() =>
                Effect.zipRight(
                  Effect.sync(() => idempotent.delete(key)),
                  Deferred.succeed(deferred, { ok: false, error: nodeFailure("CANCELLED", "node invoke cancelled by its caller", true) })
                ))
            )
            // An outcome that never reached the node may be retried with the same key.
            if (!result.ok && result.error._tag === "Unavailable" && result.error.message.startsWith("NOT_CONNECTED")) idempotent.delete(key)
            yield* Deferred.succeed(deferred, result)
            return result
          })
        return outcome.ok ? outcome.result : yield* Effect.fail(outcome.error)
      })

    const deliverReply = (reply: NodeInvokeReply, fromNodeId: string | undefined) =>
      Effect.suspend(() => {
        const entry = invokes.get(reply.id)
        // A late reply (after a timeout) or one from another node is dropped.
        if (entry === undefined || entry.nodeId !== fromNodeId) return Effect.succeed(false)
        return Effect.as(Deferred.succeed(entry.deferred, reply), true)
      })

    const summaryOf = (request: ApprovalRequestParams) => request.plan.rawCommand ?? request.plan.argv.join(" ")

    const requestApproval = (request: ApprovalRequestParams) =>
      Effect.gen(function*() {
        const id = randomUUID()
        const createdAtMs = yield* Clock.currentTimeMillis
        const timeoutMs = request.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS
        const record: PendingApproval = {
          id,
          kind: "exec",
          request,
          summary: summaryOf(request),
          createdAtMs,
          expiresAtMs: createdAtMs + timeoutMs,
          allowedDecisions: ["allow-once", "allow-always", "deny"]
        }
        const deferred = yield* Deferred.make<Decision | undefined>()
        approvals.set(id, { record, deferred })
        yield* bus.publish({ event: "exec.approval.requested", payload: record, scope: "operator.approvals" })
        yield* log.write({ level: "info", message: `exec approval requested: ${id} ${record.summary}`, fields: { subsystem: "gateway/approvals", id } })
        const decision = yield* Deferred.await(deferred).pipe(
          Effect.timeoutOption(Duration.millis(timeoutMs)),
          Effect.map(Option.getOrUndefined),
          Effect.ensuring(Effect.sync(() => approvals.delete(id)))
        )
        if (decision === undefined) {
          yield* bus.publish({ event: "exec.approval.resolved", payload: { id, decision: null, reason: "timeout", ts: yield* Clock.currentTimeMillis }, scope: "operator.approvals" })
        }
        return { id, decision }
      })

    const resolveApproval = (id: string, decision: Decision) =>
      Effect.gen(function*() {
        const entry = approvals.get(id)
        if (entry === undefined) {
          const earlier = resolved.get(id)
          if (earlier === decision) return { alreadyResolved: true }
          if (earlier !== undefined) return yield* new InvalidRequest({ message: `approval ${id} was already resolved as ${earlier}` })
          return yield* new InvalidRequest({ message: `unknown or expired approval id: ${id}` })
        }
        approvals.delete(id)
        resolved.set(id, decision)
        yield* Deferred.succeed(entry.deferred, decision)
        yield* bus.publish({ event: "exec.approval.resolved", payload: { id, decision, ts: yield* Clock.currentTimeMillis }, scope: "operator.approvals" })
        return { alreadyResolved: false }
      })

    const hub = NodeHub.of({ nodes, invoke, requestApproval, config: Effect.map(runtime.settings, (s) => s.config) })
    return {
      state,
      save,
      reconcile,
      sessionOf,
      deliverReply,
      resolveApproval,
      pendingApprovals: Effect.sync(() => [...approvals.values()].map((a) => a.record)),
      hub
    } satisfies NodeHubInternals
  })

export const NodeHubTagLive = (internals: NodeHubInternals) => Layer.succeed(NodeHub, internals.hub)
