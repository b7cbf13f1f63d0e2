import { Clock, Deferred, type Duration, Effect, Either, Exit, FiberSet, Option, Queue, Ref, Schema, Scope } from "effect"
import { randomUUID } from "node:crypto"
import type { IncomingMessage } from "node:http"
import type { RawData, WebSocket } from "ws"
import { BUILD_ID, VERSION } from "../../domain/BuildInfo.js"
import { sessionDefaults } from "../../domain/gateway/sessionDefaults.js"
import { configuredSelection } from "../../domain/models/selection.js"
import type { PeerInfo } from "../../domain/auth/locality.js"
import { type FlowLimits, mustAwaitDrain, mustYieldTurn, sendVerdict, shouldPauseReading, shouldResumeReading } from "../../domain/gateway/socketFlow.js"
import { connectFailureClose, type GatewayWireError, InvalidRequest, type ProtocolMismatch, toErrorShape, truncateCloseReason } from "../../domain/protocol/errors.js"
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_IMAGE_BYTES,
  MAX_PAYLOAD_BYTES,
  MIN_PROBE_PROTOCOL,
  PRE_AUTH_MAX_BYTES,
  PROTOCOL_VERSION,
  ConnectClient,
  InboundFrame,
  RequestFrame,
  MODEL_CATALOG_SNAPSHOT,
  SERVER_CAPABILITIES,
  TICK_INTERVAL_MS
} from "../../domain/protocol/frames.js"
import { EVENTS } from "../../domain/protocol/methods.js"
import { protocolMismatchLine } from "../../domain/protocol/mismatchLog.js"
import { scopeSatisfied } from "../../domain/protocol/scopes.js"
import { type BusEvent, EventBus } from "../../services/EventBus.js"
import { GatewayHealth } from "../../services/GatewayHealth.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { type AcceptedConnect, runConnect } from "./connect.js"
import { dispatch } from "./dispatch.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { type EventFrame, eventFrame } from "./eventText.js"
import { makeOutbox } from "./outbox.js"

// JSON first, then the frame: a text that is not JSON and a JSON value that is no frame get different replies.
const decodeJson = Schema.decodeEither(Schema.parseJson())
const decodeInbound = Schema.decodeUnknownEither(InboundFrame)
const decodeFrameId = Schema.decodeUnknownOption(Schema.Struct({ id: RequestFrame.fields.id }))

/** The client part of connect params, for the protocol-mismatch log line. */
const MismatchClient = Schema.Struct({ client: ConnectClient })

/** Counts requests in flight across all sockets, so shutdown can drain them. */
export interface InFlight {
  readonly inc: Effect.Effect<void>
  readonly dec: Effect.Effect<void>
}

const peerOf = (req: IncomingMessage): PeerInfo => {
  const headers: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(req.headers)) headers[key] = Array.isArray(value) ? value.join(",") : value
  return { ip: req.socket.remoteAddress ?? "", host: headers["host"], origin: headers["origin"], headers }
}

const textOf = (data: RawData): string =>
  Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8")

/** Resumes in the event loop's check phase, after pending I/O has been handled. */
const nextTurn = Effect.async<void>((resume) => {
  const timer = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(timer))
})

const EXPECTED_REQUEST = "expected {type:\"req\", id, method, params?}"

const sizeOf = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : Buffer.isBuffer(data) ? data.length : data.byteLength

/** What the server shares with each socket it serves. */
export interface SocketContext {
  readonly policy: { readonly handshakeTimeout: Duration.DurationInput; readonly socketFlow: FlowLimits }
  readonly inFlight: InFlight
  /** Sockets being served: incremented when serving starts, decremented when its scope is released. */
  readonly openSockets: Ref.Ref<number>
  readonly localAddresses: ReadonlyArray<string>
}

/**
 * Serves one WebSocket: challenge, the connect handshake, then requests and events until it closes.
 * Everything it starts lives in its own scope, released on every way out (close, error, handshake
 * timeout, interruption at server shutdown): the session is removed and the socket terminated.
 */
export const serveSocket = (ws: WebSocket, req: IncomingMessage, context: SocketContext) =>
  Effect.gen(function*() {
    const { inFlight, localAddresses, policy } = context
    const flow = policy.socketFlow
    yield* Effect.acquireRelease(Ref.update(context.openSockets, (n) => n + 1), () => Ref.update(context.openSockets, (n) => n - 1))
    const runtime = yield* GatewayRuntime
    const bus = yield* EventBus
    const log = yield* GatewayLog
    const registry = yield* MethodRegistry
    const health = yield* GatewayHealth
    const paths = yield* Paths
    const scope = yield* Effect.scope
    const connId = randomUUID()
    const nonce = randomUUID()
    const peer = peerOf(req)
    const phase = yield* Ref.make<"pre" | "connecting" | "ready" | "closed">("pre")
    const seq = yield* Ref.make(0)
    // Bounded by flow control: reading stops while too much is queued here (see the 'message' listener).
    const incoming = yield* Queue.unbounded<{ readonly data: RawData; readonly bytes: number }>()
    let queued = { frames: 0, bytes: 0 }
    const requests = yield* FiberSet.make<void, never>()
    // One socket's requests in flight are capped; the next frame waits here (and the socket is not read meanwhile).
    const slots = yield* Effect.makeSemaphore(flow.maxInFlight)
    const outbox = makeOutbox(ws, req.socket)
    let session: AcceptedConnect | undefined

    const close = (code: number, reason: string) =>
      Effect.sync(() => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, truncateCloseReason(reason))
      })
    /** Writes a frame unless the client's unread bytes are past the limit: then drop it (droppable) or close 1008. */
    const sendText = (text: () => string | EventFrame, droppable = false) =>
      Effect.suspend(() => {
        if (ws.readyState !== ws.OPEN) return Effect.void
        switch (sendVerdict(outbox.bufferedBytes(), droppable, flow)) {
          case "send":
            return Effect.sync(() => {
              const frame = text()
              if (typeof frame === "string") outbox.send(frame)
              else outbox.sendFragments(frame)
            })
          case "drop":
            return Effect.void
          case "close":
            return close(1008, "slow consumer")
        }
      })
    const sendRaw = (frame: unknown) => sendText(() => JSON.stringify(frame))
    const sendEvent = (event: BusEvent) =>
      Effect.flatMap(Ref.updateAndGet(seq, (s) => s + 1), (n) => sendText(() => eventFrame(event, n), event.droppable === true))

    const respondError = (id: string, error: GatewayWireError) => sendRaw({ type: "res", id, ok: false, error: toErrorShape(error) })

    const failHandshake = (id: string, error: GatewayWireError) =>
      Effect.gen(function*() {
        yield* Ref.set(phase, "closed")
        yield* respondError(id, error)
        const instruction = connectFailureClose(error)
        yield* close(instruction.code, instruction.reason)
        yield* log.write({
          level: "warn",
          message: `connect rejected: ${error.message}`,
          fields: { subsystem: "gateway/ws", connId, code: error.code, ip: peer.ip }
        })
      })

    // Params decoded before the protocol check, so the client fields are there.
    const logProtocolMismatch = (params: unknown, error: ProtocolMismatch) => {
      const client = Schema.decodeUnknownOption(MismatchClient)(params)
      if (Option.isNone(client)) return Effect.void
      return log.write({
        level: "warn",
        message: protocolMismatchLine({
          connId,
          remoteAddr: req.socket.remoteAddress,
          remotePort: req.socket.remotePort,
          client: client.value.client,
          minProtocol: error.clientMinProtocol,
          maxProtocol: error.clientMaxProtocol
        }, PROTOCOL_VERSION, MIN_PROBE_PROTOCOL),
        fields: { subsystem: "gateway/ws", connId, code: error.code }
      })
    }

    const hello = (accepted: AcceptedConnect) =>
      Effect.gen(function*() {
        const settings = yield* runtime.settings
        const methods = yield* registry.names
        const versions = yield* runtime.stateVersion
        const admin = accepted.scopes.includes("operator.admin")
        return {
          type: "hello-ok",
          protocol: PROTOCOL_VERSION,
          server: { version: VERSION, buildId: BUILD_ID, connId, bootId: runtime.bootId },
          features: { methods, events: [...EVENTS], capabilities: [...SERVER_CAPABILITIES] },
          snapshot: {
            presence: yield* runtime.presence,
            health: yield* health.snapshot,
            stateVersion: versions,
            uptimeMs: (yield* Clock.currentTimeMillis) - runtime.startedAtMs,
            ...(settings.configHash === undefined ? {} : { appliedConfigHash: settings.configHash }),
            sessionDefaults: sessionDefaults(configuredSelection(settings.config).primary !== undefined),
            ...(admin ? { configPath: paths.configPath, stateDir: paths.stateDir } : {}),
            authMode: settings.auth.mode
          },
          auth: {
            method: accepted.authMethod,
            role: accepted.role,
            scopes: accepted.scopes,
            ...(accepted.deviceToken === undefined ? {} : { deviceToken: accepted.deviceToken.token, issuedAtMs: accepted.deviceToken.issuedAtMs })
          },
          policy: {
            maxPayload: MAX_PAYLOAD_BYTES,
            maxBufferedBytes: flow.maxBufferedBytes,
            tickIntervalMs: TICK_INTERVAL_MS,
            attachments: { maxBytes: ATTACHMENT_MAX_BYTES, maxImageBytes: ATTACHMENT_MAX_IMAGE_BYTES }
          }
        }
      })

    const startSession = (accepted: AcceptedConnect) =>
      Effect.gen(function*() {
        session = accepted
        yield* runtime.addSession({
          connId,
          role: accepted.role,
          scopes: accepted.scopes,
          deviceId: accepted.deviceId,
          authMethod: accepted.authMethod,
          clientId: accepted.params.client.id,
          clientMode: accepted.params.client.mode,
          clientVersion: accepted.params.client.version,
          platform: accepted.params.client.platform,
          ip: peer.ip,
          connectedAtMs: yield* Clock.currentTimeMillis,
          close: (code, reason) => close(code, reason)
        })
        const queue = yield* Scope.extend(bus.subscribe, scope)
        yield* Effect.forkIn(
          Effect.forever(Effect.gen(function*() {
            const event = yield* Queue.take(queue)
            if (event.connId !== undefined && event.connId !== connId) return
            if (event.scope !== undefined && !scopeSatisfied(accepted.scopes, event.scope)) return
            yield* sendEvent(event)
          })),
          scope
        )
        yield* sendEvent({ event: "health", payload: yield* health.snapshot, droppable: true, stateVersion: yield* runtime.stateVersion })
        yield* modelSnapshot(accepted)
      })

    // The original's `models.snapshot`: a Control UI that advertises the capability and names a scope gets
    // the configured model catalog once, through an ordinary `models.list` call (its scope checks apply).
    const modelSnapshot = (accepted: AcceptedConnect) =>
      Effect.gen(function*() {
        const requested = accepted.params.modelCatalog
        const params = accepted.params
        if (requested === undefined || params.client.id !== "openclaw-control-ui" || !(params.caps ?? []).includes(MODEL_CATALOG_SNAPSHOT)) return
        if ((yield* registry.lookup("models.list")) === undefined) return
        // A named session is the scope as asked; otherwise the agent asked for (only main exists here).
        const scope = requested.sessionKey !== undefined ? requested : { agentId: DEFAULT_AGENT_ID }
        const result = yield* dispatch({ type: "req", id: `catalog:${connId}`, method: "models.list", params: { ...scope, view: "configured" } }, {
          connId,
          role: accepted.role,
          scopes: accepted.scopes,
          deviceId: accepted.deviceId,
          authMethod: accepted.authMethod,
          clientIp: peer.ip,
          clientId: params.client.id
        })
        if (result.ok) yield* sendEvent({ event: "models.snapshot", payload: { target: requested, scope, catalog: result.payload } })
      })

    const handleConnect = (frame: RequestFrame) =>
      Effect.gen(function*() {
        yield* Ref.set(phase, "connecting")
        const result = yield* runConnect(frame.params, { connId, nonce, peer, localAddresses }).pipe(Effect.either)
        if (result._tag === "Left") {
          if (result.left._tag === "ProtocolMismatch") yield* logProtocolMismatch(frame.params, result.left)
          return yield* failHandshake(frame.id, result.left)
        }
        if ((yield* Ref.get(phase)) === "closed") return
        const payload = yield* hello(result.right)
        yield* sendRaw({ type: "res", id: frame.id, ok: true, payload })
        yield* Ref.set(phase, "ready")
        yield* startSession(result.right)
      })

    let unauthorizedCalls = 0
    const handleRequest = (frame: RequestFrame, accepted: AcceptedConnect) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        yield* inFlight.inc
        const result = yield* dispatch(frame, {
          connId,
          role: accepted.role,
          scopes: accepted.scopes,
          deviceId: accepted.deviceId,
          authMethod: accepted.authMethod,
          clientIp: peer.ip,
          clientId: accepted.params.client.id,
          sendFinal: (outcome) =>
            sendRaw(outcome.ok ? { type: "res", id: frame.id, ok: true, payload: outcome.payload } : { type: "res", id: frame.id, ok: false, error: outcome.error })
        }).pipe(Effect.ensuring(inFlight.dec))
        const durationMs = (yield* Clock.currentTimeMillis) - started
        if (result.ok) yield* sendRaw({ type: "res", id: frame.id, ok: true, payload: result.payload })
        else yield* sendRaw({ type: "res", id: frame.id, ok: false, error: result.error })
        yield* log.write({
          // A follower's own polling would otherwise fill the log it is reading.
          level: result.ok ? (frame.method === "logs.tail" ? "debug" : "info") : "warn",
          message: `⇄ res ${result.ok ? "✓" : "✗"} ${frame.method} ${durationMs}ms${result.ok ? "" : ` errorCode=${result.error.code} errorMessage=${result.error.message}`} conn=${connId} id=${frame.id}`,
          fields: {
            subsystem: "gateway/ws",
            method: frame.method,
            durationMs,
            connId,
            id: frame.id,
            ...(result.ok ? {} : { errorCode: result.error.code })
          }
        })
        if (!result.ok && result.unauthorizedRole) {
          unauthorizedCalls += 1
          if (unauthorizedCalls >= 5) yield* close(1008, "repeated unauthorized calls")
        }
      })

    const invalidFrame = (id: string, reason: string) =>
      respondError(id, new InvalidRequest({ message: `invalid request frame: ${reason}` }))

    const handleMessage = (data: RawData) =>
      Effect.gen(function*() {
        const current = yield* Ref.get(phase)
        if (current === "closed") return
        if (current !== "ready") {
          if (current === "connecting") return yield* invalidFrame("invalid", "connect in progress")
          if (sizeOf(data) > PRE_AUTH_MAX_BYTES) {
            yield* Ref.set(phase, "closed")
            return yield* close(1009, "frame too large before connect")
          }
          // A binary frame holding JSON is read like a text frame, as the original does.
          const json = Either.getRight(decodeJson(textOf(data)))
          const frame = Option.isNone(json) ? undefined : Either.getRight(decodeInbound(json.value))
          if (Option.isNone(json) || frame === undefined || Option.isNone(frame) || frame.value.kind !== "request") {
            const id = Option.match(Option.flatMap(json, decodeFrameId), { onNone: () => "invalid", onSome: (f) => f.id })
            return yield* failHandshake(id, new InvalidRequest({ message: "invalid request frame" }))
          }
          if (frame.value.method !== "connect") {
            return yield* failHandshake(frame.value.id, new InvalidRequest({ message: "invalid handshake: first request must be connect" }))
          }
          return yield* handleConnect(frame.value)
        }
        // Binary frames are read as text; a frame that is not JSON is dropped unanswered, as the original does.
        const json = decodeJson(textOf(data))
        if (Either.isLeft(json)) return
        const frame = decodeInbound(json.right)
        if (Either.isLeft(frame)) return yield* invalidFrame("invalid", EXPECTED_REQUEST)
        if (frame.right.kind === "cancel") return
        if (frame.right.kind === "other") return yield* invalidFrame(frame.right.id, EXPECTED_REQUEST)
        if (frame.right.method === "connect") return yield* respondError(frame.right.id, new InvalidRequest({ message: "already connected" }))
        const accepted = session
        if (accepted === undefined) return
        // Replies the client has not drained hold new requests back; then a free slot is needed.
        if (mustAwaitDrain(outbox.bufferedBytes(), flow)) yield* outbox.awaitDrain(flow.pauseBufferedBytes)
        yield* slots.take(1)
        // A FiberSet drops finished fibers; forking each request into the socket scope would keep them all.
        yield* FiberSet.run(requests, handleRequest(frame.right, accepted).pipe(Effect.ensuring(slots.release(1))))
      })

    const closed = yield* Deferred.make<void>()
    ws.on("message", (data) => {
      const bytes = sizeOf(data)
      queued = { frames: queued.frames + 1, bytes: queued.bytes + bytes }
      if (!ws.isPaused && shouldPauseReading(queued, flow)) ws.pause()
      Queue.unsafeOffer(incoming, { data, bytes })
    })
    ws.once("close", () => {
      Deferred.unsafeDone(closed, Exit.void)
    })
    ws.on("error", () => {
      ws.terminate()
    })
    // Released last, whatever ended the socket: the forked fibers below are interrupted first.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Ref.set(phase, "closed")
        if (session !== undefined) yield* runtime.removeSession(connId)
        yield* Effect.sync(() => {
          ws.removeAllListeners("message")
          if (ws.readyState !== ws.CLOSED) ws.terminate()
        })
      })
    )

    yield* sendRaw({ type: "event", event: "connect.challenge", payload: { nonce, ts: yield* Clock.currentTimeMillis, capabilities: [...SERVER_CAPABILITIES] } })
    // Messages are handled one at a time in arrival order; requests after hello fork their own fibers.
    // Fairness: after its share of frames in a row a socket lets the event loop run (I/O of other sockets,
    // new handshakes, /healthz); fibers alone would keep it in microtasks.
    let framesSinceYield = 0
    const next = Effect.gen(function*() {
      if (mustYieldTurn(++framesSinceYield, flow)) {
        framesSinceYield = 0
        yield* nextTurn
      }
      const m = yield* Queue.take(incoming)
      queued = { frames: queued.frames - 1, bytes: queued.bytes - m.bytes }
      if (ws.isPaused && shouldResumeReading(queued, flow)) ws.resume()
      return m
    })
    yield* Effect.forkIn(Effect.forever(Effect.flatMap(next, (m) => handleMessage(m.data))), scope)
    yield* Effect.forkIn(
      Effect.sleep(policy.handshakeTimeout).pipe(
        Effect.zipRight(Ref.get(phase)),
        Effect.flatMap((p) => (p === "pre" || p === "connecting" ? Effect.zipRight(Ref.set(phase, "closed"), close(1000, "handshake timeout")) : Effect.void))
      ),
      scope
    )
    yield* Deferred.await(closed)
  }).pipe(Effect.scoped)
