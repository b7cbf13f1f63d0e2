import { Clock, type Context, Deferred, type Duration, Effect, Either, ExecutionStrategy, Exit, Fiber, FiberId, Option, Ref, Schema, Scope } from "effect"
import { peerInfo } from "./peer.js"
import { randomUUID } from "node:crypto"
import type { IncomingMessage } from "node:http"
import type { RawData, WebSocket } from "ws"
import { BUILD_ID, VERSION } from "../../domain/BuildInfo.js"
import { sessionDefaults } from "../../domain/gateway/sessionDefaults.js"
import { configuredSelection } from "../../domain/models/selection.js"
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
  requestFrameOf,
  MODEL_CATALOG_SNAPSHOT,
  SERVER_CAPABILITIES,
  TICK_INTERVAL_MS
} from "../../domain/protocol/frames.js"
import { EVENTS } from "../../domain/protocol/methods.js"
import { protocolMismatchLine } from "../../domain/protocol/mismatchLog.js"
import { truncateEcho } from "../../domain/text/truncateEcho.js"
import { scopeSatisfied } from "../../domain/protocol/scopes.js"
import { AuthRateLimiter } from "../../services/AuthRateLimiter.js"
import type { BusEvent, EventBus } from "../../services/EventBus.js"
import type { GatewayHealth } from "../../services/GatewayHealth.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { type CallContext, MethodRegistry } from "../../services/MethodRegistry.js"
import type { Paths } from "../../services/Paths.js"
import { type AcceptedConnect, type ConnectServices, runConnect } from "./connect.js"
import { answer, dispatch, type DispatchResult } from "./dispatch.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { eventFrame, type FrameText, responseFrame } from "./frameText.js"
import { makeOutbox } from "./outbox.js"

// JSON first, then the frame: a text that is not JSON and a JSON value that is no frame get different replies.
/** The frame's JSON value, or undefined when the text is not JSON. */
const parseJson = (text: string): { readonly value: unknown } | undefined => {
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined
  }
}
const decodeInboundUnion = Schema.decodeUnknownEither(InboundFrame)
/** An inbound frame; a valid request (nearly every frame) is checked as one, not tried against the union's members. */
const decodeInbound = (value: unknown): Either.Either<InboundFrame, unknown> => {
  const request = requestFrameOf(value)
  return request !== undefined ? Either.right({ ...request, kind: "request" as const }) : decodeInboundUnion(value)
}
const decodeFrameId = Schema.decodeUnknownOption(Schema.Struct({ id: RequestFrame.fields.id }))

/** The client part of connect params, for the protocol-mismatch log line. */
const MismatchClient = Schema.Struct({ client: ConnectClient })

/** Counts requests in flight across all sockets, so shutdown can drain them (plain calls: one pair per request). */
export interface InFlight {
  readonly inc: () => void
  readonly dec: () => void
}

const peerOf = peerInfo

const textOf = (data: RawData): string =>
  Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8")

const EXPECTED_REQUEST = "expected {type:\"req\", id, method, params?}"

const sizeOf = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : Buffer.isBuffer(data) ? data.length : data.byteLength

/** The services a socket uses, resolved once by the server: each `yield*` of a tag costs every connect a few steps. */
export interface SocketServices extends ConnectServices {
  readonly bus: Context.Tag.Service<typeof EventBus>
  readonly log: Context.Tag.Service<typeof GatewayLog>
  readonly registry: Context.Tag.Service<typeof MethodRegistry>
  readonly health: Context.Tag.Service<typeof GatewayHealth>
  readonly paths: Context.Tag.Service<typeof Paths>
}

/** What the server shares with each socket it serves. */
export interface SocketContext {
  readonly services: SocketServices
  readonly policy: { readonly handshakeTimeout: Duration.DurationInput; readonly socketFlow: FlowLimits }
  readonly inFlight: InFlight
  /** Sockets being served: incremented when serving starts, decremented when its scope is released. */
  readonly openSockets: Ref.Ref<number>
  readonly localAddresses: ReadonlyArray<string>
  /** The server's scope for its sockets: closed after the graceful shutdown, it closes any socket left. */
  readonly sockets: Scope.Scope
  /** Starts a fiber in the server's runtime; the socket interrupts its own when it closes (the server closes every socket when it stops). */
  readonly runFork: <A, E>(effect: Effect.Effect<A, E, MethodRegistry | AuthRateLimiter | GatewayLog>) => Fiber.RuntimeFiber<A, E>
}

/**
 * Serves one WebSocket: challenge, the connect handshake, then requests and events until it closes.
 * Everything it starts lives in its own scope, released on every way out (close, error, handshake
 * timeout, server shutdown): requests still running are interrupted, the session removed, the socket terminated.
 */
export const serveSocket = (ws: WebSocket, req: IncomingMessage, context: SocketContext) => {
  // Only these of the upgrade request are kept: the request itself (headers and all) is let go after setup,
  // so nothing the socket keeps may close over it.
  const upgrade: Upgrade = { peer: peerOf(req), remote: { address: req.socket.remoteAddress, port: req.socket.remotePort }, socket: req.socket }
  return Effect.flatMap(Scope.fork(context.sockets, ExecutionStrategy.sequential), (scope) =>
    setUpSocket(ws, upgrade, context, scope).pipe(
      Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)))
    ))
}

/** What a socket keeps of its upgrade request. */
interface Upgrade {
  readonly peer: ReturnType<typeof peerOf>
  readonly remote: { readonly address: string | undefined; readonly port: number | undefined }
  readonly socket: IncomingMessage["socket"]
}

/**
 * Sets the socket up and returns: from then on it runs on its listeners and the fibers it starts, and its
 * scope is closed by the socket's `close` event (or the server's shutdown). No fiber waits for it meanwhile,
 * so an idle socket holds no fiber at all.
 */
const setUpSocket = (ws: WebSocket, upgrade: Upgrade, context: SocketContext, scope: Scope.CloseableScope) =>
  Effect.gen(function*() {
    const { inFlight, localAddresses, policy } = context
    const flow = policy.socketFlow
    // Finalizers go straight to the socket's scope: acquireRelease and addFinalizer would each keep a copy of
    // this fiber's refs, kilobytes for every idle socket.
    yield* Ref.update(context.openSockets, (n) => n + 1)
    yield* Scope.addFinalizer(scope, Ref.update(context.openSockets, (n) => n - 1))
    const { runtime, bus, log, registry, health, paths } = context.services
    const connId = randomUUID()
    const nonce = randomUUID()
    const { peer, remote } = upgrade
    // This socket's state, read and written only by its own listeners and fibers (one thread).
    let phase: "pre" | "connecting" | "ready" | "closed" = "pre"
    const isClosed = () => phase === "closed"
    // Frames read and not yet handled: before hello they wait for the handshake fiber, after it for a free
    // request slot. Bounded by flow control: reading stops while too much is queued (the 'message' listener).
    const waiting: Array<{ readonly data: RawData; readonly bytes: number }> = []
    let queued = { frames: 0, bytes: 0 }
    // Requests run as fibers of the server's runtime, started straight from the listener (no queue hop), and
    // are interrupted when this socket closes: the set is the socket's, the runtime shared by every socket.
    const requests = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
    const runRequest = <A, E>(effect: Effect.Effect<A, E, MethodRegistry | AuthRateLimiter | GatewayLog>, onDone?: () => void) => {
      const fiber = context.runFork(effect)
      requests.add(fiber)
      fiber.addObserver(() => {
        requests.delete(fiber)
        onDone?.()
      })
      return fiber
    }
    let running = 0
    const outbox = makeOutbox(ws, upgrade.socket)
    let session: AcceptedConnect | undefined
    /** Who calls, for every request of this socket: built once at hello. */
    let sessionCaller: Omit<CallContext, "requestId"> | undefined
    const clock = yield* Effect.clock

    const closeNow = (code: number, reason: string) => {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, truncateCloseReason(reason))
    }
    const close = (code: number, reason: string) => Effect.sync(() => closeNow(code, reason))
    /** Writes a frame unless the client's unread bytes are past the limit: then drop it (droppable) or close 1008. */
    const writeText = (text: () => string | FrameText, droppable: boolean): void => {
      if (ws.readyState !== ws.OPEN) return
      switch (sendVerdict(outbox.bufferedBytes(), droppable, flow)) {
        case "send": {
          const frame = text()
          if (typeof frame === "string") outbox.send(frame)
          else outbox.sendFragments(frame)
          return
        }
        case "drop":
          return
        case "close":
          return closeNow(1008, "slow consumer")
      }
    }
    const sendText = (text: () => string | FrameText, droppable = false) => Effect.sync(() => writeText(text, droppable))
    const sendRaw = (frame: unknown) => sendText(() => JSON.stringify(frame))
    let seq = 0
    const writeEvent = (event: BusEvent) => writeText(() => eventFrame(event, ++seq), event.droppable === true)
    const sendEvent = (event: BusEvent) => Effect.sync(() => writeEvent(event))

    const respondError = (id: string, error: GatewayWireError) => sendRaw({ type: "res", id, ok: false, error: toErrorShape(error) })

    const failHandshake = (id: string, error: GatewayWireError) =>
      Effect.gen(function*() {
        phase = "closed"
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
          remoteAddr: remote.address,
          remotePort: remote.port,
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
          server: {
            version: VERSION,
            buildId: BUILD_ID,
            connId,
            bootId: runtime.bootId,
            // As the original: a Control UI served from gateway.controlUi.root is not ours, so its build differing is expected.
            controlUiBuildSource: settings.config.gateway?.controlUi?.root ? "configured" : "bundled"
          },
          features: { methods, events: EVENTS, capabilities: SERVER_CAPABILITIES },
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
        sessionCaller = callerOf(accepted)
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
          close: (code, reason) => close(code, reason),
          connect: accepted.params,
          closed: Deferred.await(closed)
        })
        // Delivered by the publisher itself: an idle socket holds no fiber and no queue for its events.
        yield* Scope.extend(bus.listen((event) => {
          if (event.connId !== undefined && event.connId !== connId) return
          if (event.scope !== undefined && !scopeSatisfied(accepted.scopes, event.scope)) return
          writeEvent(event)
        }), scope)
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
        if (registry.find("models.list") === undefined) return
        // A named session is the scope as asked; otherwise the agent asked for (only main exists here).
        const scope = requested.sessionKey !== undefined ? requested : { agentId: DEFAULT_AGENT_ID }
        const id = `catalog:${connId}`
        const result = yield* dispatch(registry, { type: "req", id, method: "models.list", params: { ...scope, view: "configured" } }, { ...callerOf(accepted), requestId: id })
        if (result.ok) yield* sendEvent({ event: "models.snapshot", payload: { target: requested, scope, catalog: result.payload } })
      })

    const handleConnect = (frame: RequestFrame) =>
      Effect.gen(function*() {
        phase = "connecting"
        const result = yield* runConnect(frame.params, { connId, nonce, peer, localAddresses }, context.services).pipe(Effect.either)
        if (result._tag === "Left") {
          if (result.left._tag === "ProtocolMismatch") yield* logProtocolMismatch(frame.params, result.left)
          return yield* failHandshake(frame.id, result.left)
        }
        // The handshake may have timed out while the connect was checked.
        if (isClosed()) return
        const payload = yield* hello(result.right)
        yield* sendRaw({ type: "res", id: frame.id, ok: true, payload })
        phase = "ready"
        yield* startSession(result.right)
        // The client waits for hello; the sockets whose handshakes come after this one's in the same turn need not.
        outbox.flush()
      })

    /** Who is calling, as the dispatcher sees every request of this socket. */
    const callerOf = (accepted: AcceptedConnect) => ({
      connId,
      role: accepted.role,
      scopes: accepted.scopes,
      deviceId: accepted.deviceId,
      authMethod: accepted.authMethod,
      clientIp: peer.ip,
      clientId: accepted.params.client.id
    })

    let unauthorizedCalls = 0
    /**
     * The reply and the access log line of one request, in plain code: a request answered at once (a cache
     * hit) costs no fiber at all, and one that ran in a fiber ends with this one synchronous step.
     */
    const finishRequest = (frame: RequestFrame, startedMs: number, answered: DispatchResult): void => {
      const durationMs = clock.unsafeCurrentTimeMillis() - startedMs
      const result = replied(frame, answered)
      log.unsafeWrite({
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
      if (result.ok || !result.unauthorizedRole) return
      unauthorizedCalls += 1
      if (unauthorizedCalls >= 5) closeNow(1008, "repeated unauthorized calls")
    }
    /** Writes the reply; one that cannot be written as JSON (a handler's bug) is answered `UNAVAILABLE` and logged. */
    const replied = (frame: RequestFrame, result: DispatchResult): DispatchResult => {
      try {
        writeText(() => responseFrame(frame.id, result), false)
        return result
      } catch (defect) {
        const failed: DispatchResult = { ok: false, error: { code: "UNAVAILABLE", message: `internal error in ${truncateEcho(frame.method)}`, retryable: true }, unauthorizedRole: false }
        writeText(() => responseFrame(frame.id, failed), false)
        log.unsafeWrite({ level: "error", message: `gateway reply to ${truncateEcho(frame.method)} could not be written: ${defect instanceof Error ? defect.message : String(defect)}`, fields: { subsystem: "gateway/ws", connId, id: frame.id } })
        return failed
      }
    }
    // However a request ended (answered, or interrupted with the socket), its slot and the drain count are freed.
    const requestEnded = () => {
      inFlight.dec()
      requestDone()
    }
    const startRequest = (frame: RequestFrame, caller: Omit<CallContext, "requestId">) => {
      const startedMs = clock.unsafeCurrentTimeMillis()
      running += 1
      inFlight.inc()
      // Every field written out: a spread of the caller followed by more keys makes V8 build the object on
      // its slow path, which cost about a tenth of a request's CPU (positionTicks of a CPU profile).
      const call: CallContext = {
        connId: caller.connId,
        role: caller.role,
        scopes: caller.scopes,
        deviceId: caller.deviceId,
        authMethod: caller.authMethod,
        clientIp: caller.clientIp,
        clientId: caller.clientId,
        requestId: frame.id,
        sendFinal: (outcome) => sendText(() => responseFrame(frame.id, outcome))
      }
      const answered = answer(registry, frame, call)
      if (Effect.isEffect(answered)) return void runRequest(Effect.map(answered, (result) => finishRequest(frame, startedMs, result)), requestEnded)
      finishRequest(frame, startedMs, answered)
      requestEnded()
    }

    const invalidFrame = (id: string, reason: string) =>
      respondError(id, new InvalidRequest({ message: `invalid request frame: ${reason}` }))

    /** Before hello: the connect request, or why the socket is closed instead. */
    const handleHandshakeFrame = (data: RawData) =>
      Effect.gen(function*() {
        if (phase === "closed") return
        if (phase === "connecting") return yield* invalidFrame("invalid", "connect in progress")
        if (sizeOf(data) > PRE_AUTH_MAX_BYTES) {
          phase = "closed"
          return yield* close(1009, "frame too large before connect")
        }
        // A binary frame holding JSON is read like a text frame, as the original does.
        const json = parseJson(textOf(data))
        const frame = json === undefined ? undefined : Either.getRight(decodeInbound(json.value))
        if (json === undefined || frame === undefined || Option.isNone(frame) || frame.value.kind !== "request") {
          const id = Option.match(json === undefined ? Option.none() : decodeFrameId(json.value), { onNone: () => "invalid", onSome: (f) => f.id })
          return yield* failHandshake(id, new InvalidRequest({ message: "invalid request frame" }))
        }
        if (frame.value.method !== "connect") {
          return yield* failHandshake(frame.value.id, new InvalidRequest({ message: "invalid handshake: first request must be connect" }))
        }
        return yield* handleConnect(frame.value)
      })

    /** After hello: one frame, classified in plain code; a request is started as its own fiber. */
    const startFrame = (data: RawData, caller: Omit<CallContext, "requestId">) => {
      // Binary frames are read as text; a frame that is not JSON is dropped unanswered, as the original does.
      const json = parseJson(textOf(data))
      if (json === undefined) return
      // Nearly every frame is a valid request: it is started without going through the union below.
      const request = requestFrameOf(json.value)
      if (request !== undefined && request.method !== "connect") return startRequest(request, caller)
      // Only a connect request, or a frame the check refused, comes here: the union says which it is.
      const frame = request !== undefined ? Either.right({ ...request, kind: "request" as const }) : decodeInboundUnion(json.value)
      const reply = Either.isLeft(frame)
        ? invalidFrame("invalid", EXPECTED_REQUEST)
        : frame.right.kind === "cancel"
        ? undefined
        : frame.right.kind === "other"
        ? invalidFrame(frame.right.id, EXPECTED_REQUEST)
        : frame.right.method === "connect"
        ? respondError(frame.right.id, new InvalidRequest({ message: "already connected" }))
        : undefined
      if (reply !== undefined) return void runRequest(reply)
      if (Either.isLeft(frame) || frame.right.kind !== "request") return
      startRequest(frame.right, caller)
    }

    // Fairness: after its share of frames in a row a socket lets the event loop run (I/O of other sockets,
    // new handshakes, /healthz) before starting more.
    let framesSinceYield = 0
    let pumping = false
    let turnPending = false
    const nextTurnThenPump = () => {
      if (turnPending) return
      turnPending = true
      setImmediate(() => {
        turnPending = false
        framesSinceYield = 0
        pump()
      })
    }
    /** Starts waiting frames while a request slot is free and the client keeps up with its replies. */
    const pump = (): void => {
      const caller = sessionCaller
      // Re-entered when a request finishes synchronously: the running loop below picks up the free slot.
      // Frames that arrive while this socket waits for its next turn wait with the others.
      if (pumping || turnPending || phase !== "ready" || caller === undefined) return
      pumping = true
      try {
        while (waiting.length > 0 && running < flow.maxInFlight && phase === "ready") {
          // Replies the client has not drained hold new requests back.
          if (mustAwaitDrain(outbox.bufferedBytes(), flow)) return outbox.whenDrained(flow.pauseBufferedBytes, pump)
          if (mustYieldTurn(++framesSinceYield, flow)) return nextTurnThenPump()
          const m = waiting.shift()!
          queued = { frames: queued.frames - 1, bytes: queued.bytes - m.bytes }
          if (ws.isPaused && shouldResumeReading(queued, flow)) ws.resume()
          startFrame(m.data, caller)
        }
      } finally {
        pumping = false
      }
    }
    function requestDone() {
      running -= 1
      pump()
    }

    // Before hello, frames are handled one at a time, in arrival order, by the handshake fiber below.
    let wakeHandshake: (() => void) | undefined
    const nextHandshakeFrame = Effect.async<{ readonly data: RawData; readonly bytes: number }>((resume) => {
      const take = () => {
        const m = waiting.shift()!
        queued = { frames: queued.frames - 1, bytes: queued.bytes - m.bytes }
        if (ws.isPaused && shouldResumeReading(queued, flow)) ws.resume()
        resume(Effect.succeed(m))
      }
      if (waiting.length > 0) return take()
      wakeHandshake = () => {
        wakeHandshake = undefined
        take()
      }
      return Effect.sync(() => {
        wakeHandshake = undefined
      })
    })

    const closed = yield* Deferred.make<void>()
    ws.on("message", (data) => {
      const bytes = sizeOf(data)
      waiting.push({ data, bytes })
      queued = { frames: queued.frames + 1, bytes: queued.bytes + bytes }
      if (!ws.isPaused && shouldPauseReading(queued, flow)) ws.pause()
      if (phase === "ready") pump()
      else wakeHandshake?.()
    })
    const release = () => {
      Deferred.unsafeDone(closed, Exit.void)
      context.runFork(Scope.close(scope, Exit.void))
    }
    ws.once("close", release)
    ws.on("error", () => {
      ws.terminate()
    })
    // Released last, whatever ended the socket: the forked fibers below are interrupted first, then the
    // requests still running.
    yield* Scope.addFinalizer(scope, Effect.gen(function*() {
      phase = "closed"
      yield* Fiber.interruptAll(requests)
      if (session !== undefined) yield* runtime.removeSession(connId)
      yield* Effect.sync(() => {
        ws.removeAllListeners("message")
        if (ws.readyState !== ws.CLOSED) ws.terminate()
      })
    }))

    yield* sendRaw({ type: "event", event: "connect.challenge", payload: { nonce, ts: yield* Clock.currentTimeMillis, capabilities: [...SERVER_CAPABILITIES] } })
    // Out now, not when every socket accepted this turn is set up: the client signs while the others are.
    outbox.flush()
    let handshakeTimer: Fiber.RuntimeFiber<void> | undefined = yield* Effect.forkIn(
      Effect.sleep(policy.handshakeTimeout).pipe(
        Effect.flatMap(() => (phase === "pre" || phase === "connecting" ? Effect.zipRight(Effect.sync(() => {
          phase = "closed"
        }), close(1000, "handshake timeout")) : Effect.void))
      ),
      scope
    )
    // The handshake: frames one at a time until hello; the frames that came meanwhile are then requests.
    // Once it is over its timer goes too, so an idle socket holds only the fiber below.
    yield* Effect.forkIn(
      Effect.gen(function*() {
        while (phase === "pre" || phase === "connecting") yield* handleHandshakeFrame((yield* nextHandshakeFrame).data)
        // Told to stop in plain code: `Fiber.interruptFork` would start one more fiber per connect to do it.
        if (handshakeTimer !== undefined) handshakeTimer.unsafeInterruptAsFork(FiberId.none)
        // Not kept for the socket's lifetime: an idle socket holds no fiber of its handshake.
        handshakeTimer = undefined
        yield* Effect.sync(pump)
      }),
      scope
    )
    // Closed while this was being set up: its close event has been and gone.
    if (ws.readyState === ws.CLOSED) {
      ws.off("close", release)
      release()
    }
  })
