import { Clock, Deferred, Effect, Either, Layer, Option, ParseResult, Queue, Schema } from "effect"
import { randomUUID } from "node:crypto"
import * as path from "node:path"
import WebSocket from "ws"
import { VERSION } from "../../domain/BuildInfo.js"
import { type GatewayClientError, GatewayConnectFailed, GatewayResultInvalid, GatewayTimeout, fromWireError } from "../../domain/protocol/clientErrors.js"
import { isTrustedEndpoint, resolveClientTarget } from "../../domain/protocol/clientCredentials.js"
import { payloadV3 } from "../../domain/protocol/deviceAuth.js"
import { isRecord } from "../../domain/isRecord.js"
import { type ErrorShape, type EventFrame, HelloOk, PROTOCOL_VERSION, ServerFrame } from "../../domain/protocol/frames.js"
import type { MethodSpec } from "../../domain/protocol/methods.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ConnectOptions, GatewayClient, type GatewayConnection } from "../../services/GatewayClient.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { signPayload } from "../crypto/ed25519.js"
import { makeIdentityStore, type StoredIdentity } from "./DeviceIdentityStore.js"
import { CLI_SCOPES } from "../../domain/protocol/scopes.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"

/** Scopes the operator CLI asks for; a local first connect is approved for all of them. */

const DEFAULT_TIMEOUT_MS = 10_000

const decodeHello = Schema.decodeUnknown(HelloOk, { onExcessProperty: "preserve" })

// Fields a newer gateway adds are passed through to event consumers.
const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(ServerFrame), { onExcessProperty: "preserve" })

const decodeChallenge = Schema.decodeUnknownOption(Schema.Struct({ nonce: Schema.String, ts: Schema.optionalWith(Schema.Number, { exact: true }) }))

/** A result that does not decode: the method, the first offending field and what was wrong with it. */
const resultInvalid = (method: string, error: ParseResult.ParseError) => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const field = first === undefined || first.path.length === 0 ? "<root>" : first.path.join(".")
  return new GatewayResultInvalid({
    message: `gateway returned an unexpected ${method} result: ${field}: ${first?.message ?? "invalid"}`,
    method,
    field
  })
}

/** A failed response that carries no error object. */
const missingError: ErrorShape = { code: "UNAVAILABLE", message: "gateway returned a failure without an error" }

interface Pending {
  readonly deferred: Deferred.Deferred<unknown, GatewayClientError>
  /** Two-phase method: an `accepted` answer is not the result; wait for the second response. */
  readonly expectFinal?: boolean
}

interface Attempt {
  readonly url: string
  readonly timeoutMs: number
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly auth: { readonly token?: string; readonly password?: string; readonly deviceToken?: string }
  readonly identity: StoredIdentity | undefined
  readonly probe: boolean
  readonly node: ConnectOptions["node"]
}

const causeText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Opens the socket, signs the challenge and sends `connect`; the socket lives as long as the scope. */
const openConnection = (attempt: Attempt) =>
  Effect.gen(function*() {
    const events = yield* Queue.sliding<EventFrame>(1024)
    const pending = new Map<string, Pending>()
    const challenge = yield* Deferred.make<{ nonce: string; ts: number | undefined }, GatewayClientError>()
    const closed = yield* Deferred.make<void>()
    const closedEarly = (reason: string) => new GatewayConnectFailed({ message: `gateway connect failed: ${reason} (${attempt.url})`, url: attempt.url })

    const ws = yield* Effect.acquireRelease(
      Effect.async<WebSocket, GatewayClientError>((resume) => {
        let socket: WebSocket
        try {
          socket = new WebSocket(attempt.url, { handshakeTimeout: attempt.timeoutMs, maxPayload: 26_214_400 })
        } catch (error) {
          resume(Effect.fail(closedEarly(causeText(error))))
          return
        }
        const onError = (error: Error) => {
          socket.off("open", onOpen)
          resume(Effect.fail(closedEarly(causeText(error))))
        }
        const onOpen = () => {
          socket.off("error", onError)
          socket.on("error", () => undefined)
          resume(Effect.succeed(socket))
        }
        socket.once("error", onError)
        socket.once("open", onOpen)
        socket.on("message", (data) => {
          // An undecodable frame is not ours to answer: it is dropped, as the gateway drops ours.
          const decoded = decodeFrame(String(data))
          if (Either.isLeft(decoded)) return
          const frame = decoded.right
          if (frame.type === "event") {
            if (frame.event === "connect.challenge") {
              const offered = decodeChallenge(frame.payload)
              if (Option.isSome(offered)) Deferred.unsafeDone(challenge, Effect.succeed({ nonce: offered.value.nonce, ts: offered.value.ts }))
              return
            }
            Queue.unsafeOffer(events, frame)
            return
          }
          const entry = pending.get(frame.id)
          if (entry === undefined) return
          if (entry.expectFinal === true && frame.ok && isRecord(frame.payload) && frame.payload["status"] === "accepted") return
          pending.delete(frame.id)
          Deferred.unsafeDone(entry.deferred, frame.ok ? Effect.succeed(frame.payload) : Effect.fail(fromWireError(frame.error ?? missingError)))
        })
        socket.on("close", (code, reason) => {
          Deferred.unsafeDone(closed, Effect.void)
          const text = reason.toString()
          const failure = new GatewayConnectFailed({
            message: `gateway connect failed: gateway closed the connection (${code}${text.length > 0 ? ` ${text}` : ""}) (${attempt.url})`,
            url: attempt.url,
            close: { code, reason: text }
          })
          Deferred.unsafeDone(challenge, Effect.fail(failure))
          for (const entry of pending.values()) Deferred.unsafeDone(entry.deferred, Effect.fail(failure))
          pending.clear()
        })
      }).pipe(
        Effect.timeoutFail({
          duration: `${attempt.timeoutMs} millis`,
          onTimeout: () => new GatewayTimeout({ message: `gateway connect timed out after ${attempt.timeoutMs}ms (${attempt.url})`, url: attempt.url })
        })
      ),
      (socket) => Effect.sync(() => socket.close(1000, "client done"))
    )

    const request = (method: string, params: unknown, timeoutMs = attempt.timeoutMs, options: { readonly expectFinal?: boolean } = {}) =>
      Effect.gen(function*() {
        const id = randomUUID()
        const deferred = yield* Deferred.make<unknown, GatewayClientError>()
        pending.set(id, { deferred, ...(options.expectFinal === true ? { expectFinal: true } : {}) })
        if (ws.readyState !== WebSocket.OPEN) return yield* closedEarly("connection is not open")
        ws.send(JSON.stringify({ type: "req", id, method, ...(params === undefined ? {} : { params }) }))
        return yield* Deferred.await(deferred).pipe(
          Effect.timeoutFail({
            duration: `${timeoutMs} millis`,
            onTimeout: () => new GatewayTimeout({ message: `gateway request ${method} timed out after ${timeoutMs}ms (${attempt.url})`, url: attempt.url })
          }),
          Effect.ensuring(Effect.sync(() => pending.delete(id)))
        )
      })

    const offered = yield* Deferred.await(challenge).pipe(
      Effect.timeoutFail({
        duration: `${attempt.timeoutMs} millis`,
        onTimeout: () => new GatewayTimeout({ message: `gateway did not send connect.challenge within ${attempt.timeoutMs}ms (${attempt.url})`, url: attempt.url })
      })
    )
    const nonce = offered.nonce
    // A challenge without a timestamp is signed at our own time.
    const ts = offered.ts ?? (yield* Clock.currentTimeMillis)
    const node = attempt.node
    const client = node === undefined
      ? { id: "cli", version: VERSION, platform: process.platform, mode: attempt.probe ? "probe" : "cli" }
      : { id: "node-host", version: VERSION, platform: process.platform, mode: "node", ...(node.displayName === undefined ? {} : { displayName: node.displayName }) }
    const identity = attempt.identity
    const device = identity === undefined
      ? undefined
      : {
        id: identity.deviceId,
        publicKey: identity.publicKey,
        signedAt: ts,
        nonce,
        signature: signPayload(identity.privateKeyPem, payloadV3({
          deviceId: identity.deviceId,
          clientId: client.id,
          clientMode: client.mode,
          role: attempt.role,
          scopes: attempt.scopes,
          signedAt: ts,
          token: attempt.auth.token ?? attempt.auth.deviceToken ?? "",
          nonce,
          platform: client.platform
        }))
      }
    const payload = yield* request("connect", {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client,
      role: attempt.role,
      scopes: attempt.scopes,
      caps: node?.caps ?? [],
      ...(node === undefined ? {} : { commands: node.commands, ...(node.permissions === undefined ? {} : { permissions: node.permissions }) }),
      auth: attempt.auth,
      ...(device === undefined ? {} : { device })
    })
    const hello = yield* decodeHello(payload).pipe(Effect.mapError((error) => resultInvalid("connect", error)))
    // Decoded as `GatewayClient.call` decodes: unknown fields kept, missing or mistyped ones fail.
    const call = <P, R>(spec: MethodSpec<P, R>, params: P, timeoutMs?: number) =>
      Effect.flatMap(request(spec.name, params, timeoutMs), (payload) =>
        Schema.decodeUnknown(spec.result, { onExcessProperty: "preserve" })(payload).pipe(Effect.mapError((error) => resultInvalid(spec.name, error))))
    return { url: attempt.url, hello, request, call, events, deviceId: attempt.identity?.deviceId, closed: Deferred.await(closed) } satisfies GatewayConnection
  })

/** The live client: identity and tokens in the state dir, credentials from flags, env and config. */
export const GatewayClientLive = Layer.effect(
  GatewayClient,
  Effect.gen(function*() {
    const paths = yield* Paths
    const host = yield* Host
    const store = yield* ConfigStore
    const operatorIdentities = yield* makeIdentityStore(paths.stateDir)
    // The node host is its own device (`<state dir>/node-host/identity/`): a node-only device is never
    // silently widened to operator, so it must not share the CLI's identity.
    const nodeIdentities = yield* makeIdentityStore(path.join(paths.stateDir, "node-host"))

    const connect = Effect.fn("GatewayClient.connect")(function*(options: ConnectOptions) {
      // Only a target taken from the config needs it: an invalid one fails here, never falls back to the defaults.
      const fromConfig = options.target === undefined && nonEmpty(options.url) === undefined && nonEmpty(host.env["OPENCLAW_GATEWAY_URL"]) === undefined
      const config = fromConfig ? (yield* store.load).config : undefined
      const target = options.target === undefined
        ? resolveClientTarget({ flags: options, env: host.env, config, dev: paths.dev })
        : { ...options.target, explicitUrl: !options.target.storedToken }
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
      const role = options.node === undefined ? "operator" : "node"
      const scopes = options.node === undefined ? options.scopes ?? CLI_SCOPES : []
      const probe = options.probe === true
      const identities = options.node === undefined ? operatorIdentities : nodeIdentities
      const found = yield* (probe ? identities.find : identities.ensure).pipe(Effect.orElseSucceed(() => undefined))
      // A stored device token is only used for the gateway it came from, never with an explicit --url.
      const stored = found === undefined || target.explicitUrl
        ? undefined
        : yield* identities.storedToken(target.url, found.deviceId, role).pipe(Effect.orElseSucceed(() => undefined))
      // A probe signs only with a device that already holds a token here: it must never start a pairing.
      const identity = probe && stored === undefined ? undefined : found
      const shared = { ...(target.token === undefined ? {} : { token: target.token }), ...(target.password === undefined ? {} : { password: target.password }) }
      const firstAuth = target.token === undefined && target.password === undefined && stored !== undefined ? { token: stored.token } : shared
      const attempt = (auth: Attempt["auth"]) => openConnection({ url: target.url, timeoutMs, role, scopes, auth, identity, probe, node: options.node })
      const connection = yield* attempt(firstAuth).pipe(
        Effect.catchTag("GatewayAuthError", (error) => {
          if (error.code === "AUTH_DEVICE_TOKEN_MISMATCH" && identity !== undefined) {
            return Effect.zipRight(identities.dropToken(target.url, identity.deviceId, role).pipe(Effect.ignore), Effect.fail(error))
          }
          // Exactly one trusted retry with the stored device token.
          if (error.canRetryWithDeviceToken && stored !== undefined && isTrustedEndpoint(target.url, false)) {
            return attempt({ ...shared, deviceToken: stored.token })
          }
          return Effect.fail(error)
        })
      )
      const issued = connection.hello.auth.deviceToken
      if (issued !== undefined && identity !== undefined && !target.explicitUrl) {
        yield* identities.saveToken(target.url, identity.deviceId, role, issued, connection.hello.auth.scopes).pipe(Effect.ignore)
      }
      return connection
    })

    const callRaw = (method: string, params: unknown, options: ConnectOptions) =>
      Effect.scoped(Effect.flatMap(connect(options), (connection) => connection.request(method, params, options.timeoutMs))).pipe(
        Effect.withSpan("GatewayClient.callRaw", { attributes: { method } })
      )

    return GatewayClient.of({
      connect,
      callRaw,
      call: (spec, params, options) =>
        Effect.flatMap(callRaw(spec.name, params, options), (payload) =>
          // Fields this client does not know are kept (`--json` prints them); only missing or mistyped ones fail.
          Schema.decodeUnknown(spec.result, { onExcessProperty: "preserve" })(payload).pipe(
            Effect.mapError((error) => resultInvalid(spec.name, error))
          )).pipe(Effect.withSpan("GatewayClient.call", { attributes: { method: spec.name } }))
    })
  })
)
