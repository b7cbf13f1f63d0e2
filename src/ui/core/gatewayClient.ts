import { reconnectDelayMs, tickSilenceLimitMs, withRetryAfterFloor } from "./backoff.js"
import { canRetryWithDeviceToken, classifyConnectFailure, type ConnectError, type FailureScreen, isTrustedEndpoint } from "./connectFailure.js"
import type { DeviceIdentity } from "./identity.js"
import { clearDeviceToken, type KeyValueStore, loadDeviceToken, sharedTokenKey, storeDeviceToken } from "./storageKeys.js"

/** The scopes the Control UI asks for (spec control-ui 3.1). */
export const CONTROL_UI_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.questions", "operator.pairing"] as const
const OWNER_BOOTSTRAP_SCOPES = ["operator.admin", "operator.approvals", "operator.pairing", "operator.questions", "operator.read", "operator.talk.secrets", "operator.write"]
const BOOTSTRAP_SCOPES = ["operator.approvals", "operator.questions", "operator.read", "operator.talk.secrets", "operator.write"]
const CLIENT_ID = "openclaw-control-ui"
const CLIENT_MODE = "webchat"
const ROLE = "operator"
/** Sent as `client.version`. */
export const UI_VERSION = "2026.11.25"
const CHALLENGE_WAIT_MS = 750
const HELLO_TIMEOUT_MS = 15_000

export interface Hello {
  readonly server: { readonly version: string; readonly connId: string }
  readonly features: { readonly methods: ReadonlyArray<string>; readonly events: ReadonlyArray<string> }
  readonly snapshot: Record<string, unknown>
  readonly auth: { readonly role: string; readonly scopes: ReadonlyArray<string>; readonly deviceToken?: string; readonly method?: string }
  readonly policy: { readonly tickIntervalMs?: number; readonly maxPayload?: number }
}

export type ConnectionState =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "connected"; readonly hello: Hello }
  | { readonly kind: "failed"; readonly screen: FailureScreen; readonly retryAt: number | undefined }
  | { readonly kind: "disconnected"; readonly reason: string; readonly retryAt: number }

/** An RPC that answered `ok:false`. */
export class RpcError extends Error {
  constructor(readonly code: string, message: string, readonly details: Record<string, unknown> | undefined) {
    super(message)
  }
}

export interface ClientConfig {
  readonly gatewayUrl: string
  readonly pageHost: string
  readonly pageOrigin: string
  readonly local: KeyValueStore
  readonly session: KeyValueStore
  /** Undefined where WebCrypto is missing (non-secure page): the connect then goes without a device. */
  readonly identity: DeviceIdentity | undefined
  readonly platform: string
  readonly userAgent: string
  readonly locale: string
  readonly timeZone: string | undefined
  explicitToken: string | undefined
  bootstrap: { readonly token: string; readonly profile: string | undefined } | undefined
  readonly onState: (state: ConnectionState) => void
  readonly onEvent: (event: string, payload: unknown) => void
}

type Pending = { readonly resolve: (value: unknown) => void; readonly reject: (error: Error) => void }

interface Attempt {
  readonly auth: Record<string, string> | undefined
  readonly scopes: ReadonlyArray<string>
  readonly signatureToken: string
  readonly sentDeviceToken: boolean
  readonly explicit: boolean
}

const uuid = () => (typeof crypto.randomUUID === "function" ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(""))

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The page's one WebSocket to the gateway: challenge, signed connect with the credential order of spec
 * control-ui 3.3, the one-shot device-token retry, reconnect with the original's backoff, tick watch.
 */
export class GatewayClient {
  private socket: WebSocket | undefined
  private nextId = 1
  private readonly pending = new Map<string, Pending>()
  private failures = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private tickTimer: ReturnType<typeof setInterval> | undefined
  private lastActivity = 0
  private deviceTokenRetry: "unused" | "pending" | "used" = "unused"
  private stopped = false
  private readonly instanceId = uuid()
  hello: Hello | undefined

  constructor(private readonly config: ClientConfig) {}

  /** This browser's device id (undefined without WebCrypto). */
  get deviceId(): string | undefined {
    return this.config.identity?.deviceId
  }

  start() {
    this.stopped = false
    this.open()
  }

  stop() {
    this.stopped = true
    this.clearTimers()
    this.socket?.close(1001, "page closed")
  }

  /** A new shared token from the paste field: forget the failure and connect now. */
  useToken(token: string) {
    this.config.explicitToken = token.trim() === "" ? undefined : token.trim()
    this.deviceTokenRetry = "unused"
    this.failures = 0
    this.retryNow()
  }

  /** Connect now instead of waiting for the backoff ("Check now"). */
  retryNow() {
    const old = this.socket
    this.socket = undefined
    this.rejectPending()
    old?.close(4000, "retry")
    this.open()
  }

  private rejectPending() {
    for (const waiter of this.pending.values()) waiter.reject(new RpcError("UNAVAILABLE", "connection closed", undefined))
    this.pending.clear()
  }

  request<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const socket = this.socket
    if (socket === undefined || socket.readyState !== WebSocket.OPEN || this.hello === undefined) {
      return Promise.reject(new RpcError("UNAVAILABLE", "not connected to the gateway", undefined))
    }
    const id = `${this.nextId++}:${uuid()}`
    const text = JSON.stringify({ type: "req", id, method, params })
    const max = this.hello.policy.maxPayload
    if (max !== undefined && text.length > max) return Promise.reject(new RpcError("INVALID_REQUEST", `request too large (${text.length} > ${max} bytes)`, undefined))
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      socket.send(text)
    })
  }

  private clearTimers() {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer)
    this.retryTimer = undefined
    this.tickTimer = undefined
  }

  private storedToken() {
    const identity = this.config.identity
    return identity === undefined ? undefined : loadDeviceToken(this.config.local, this.config.gatewayUrl, identity.deviceId, ROLE)
  }

  /** Which credentials this attempt sends (spec control-ui 3.3). */
  private attempt(): Attempt {
    const { bootstrap, explicitToken } = this.config
    const stored = this.storedToken()
    if (this.deviceTokenRetry === "pending" && explicitToken !== undefined && stored !== undefined) {
      return { auth: { token: explicitToken, deviceToken: stored.token }, scopes: stored.scopes, signatureToken: explicitToken, sentDeviceToken: true, explicit: true }
    }
    if (bootstrap !== undefined && this.config.identity !== undefined) {
      return { auth: { bootstrapToken: bootstrap.token }, scopes: bootstrap.profile === "owner" ? OWNER_BOOTSTRAP_SCOPES : BOOTSTRAP_SCOPES, signatureToken: bootstrap.token, sentDeviceToken: false, explicit: false }
    }
    if (explicitToken !== undefined) return { auth: { token: explicitToken }, scopes: CONTROL_UI_SCOPES, signatureToken: explicitToken, sentDeviceToken: false, explicit: true }
    const sessionToken = this.config.session.getItem(sharedTokenKey(this.config.gatewayUrl)) ?? undefined
    if (stored !== undefined && stored.scopes.some((s) => s === "operator.read" || s === "operator.write" || s === "operator.admin")) {
      return { auth: { deviceToken: stored.token }, scopes: stored.scopes, signatureToken: stored.token, sentDeviceToken: true, explicit: false }
    }
    if (sessionToken !== undefined && sessionToken !== "") return { auth: { token: sessionToken }, scopes: CONTROL_UI_SCOPES, signatureToken: sessionToken, sentDeviceToken: false, explicit: true }
    return { auth: undefined, scopes: CONTROL_UI_SCOPES, signatureToken: "", sentDeviceToken: false, explicit: false }
  }

  private open() {
    if (this.stopped) return
    this.clearTimers()
    this.hello = undefined
    this.config.onState({ kind: "connecting", attempt: this.failures + 1 })
    let socket: WebSocket
    try {
      socket = new WebSocket(this.config.gatewayUrl)
    } catch (error) {
      this.scheduleReconnect(`cannot open ${this.config.gatewayUrl}: ${String(error)}`)
      return
    }
    this.socket = socket
    let connectSent = false
    let handshakeFailure: FailureScreen | undefined
    let attempt: Attempt | undefined
    const connectId = `${this.nextId++}:${uuid()}`
    const sendConnect = async (nonce: string, ts: number | undefined) => {
      if (connectSent || socket !== this.socket) return
      connectSent = true
      attempt = this.attempt()
      const identity = this.config.identity
      const signedAt = ts ?? Date.now()
      const client = {
        id: CLIENT_ID, version: UI_VERSION, platform: this.config.platform, mode: CLIENT_MODE, instanceId: this.instanceId,
        ...(this.config.timeZone === undefined ? {} : { timeZone: this.config.timeZone })
      }
      let device: Record<string, unknown> | undefined
      if (identity !== undefined) {
        // v3 binds the platform too; the gateway accepts v3 or v2.
        const payload = ["v3", identity.deviceId, CLIENT_ID, CLIENT_MODE, ROLE, attempt.scopes.join(","), String(signedAt), attempt.signatureToken, nonce,
          this.config.platform.trim().replace(/[A-Z]/g, (c) => c.toLowerCase()), ""].join("|")
        device = { id: identity.deviceId, publicKey: identity.publicKey, signature: await identity.sign(payload), signedAt, nonce }
      }
      if (socket.readyState !== WebSocket.OPEN) return
      socket.send(JSON.stringify({
        type: "req", id: connectId, method: "connect",
        params: {
          minProtocol: 4, maxProtocol: 4, client, role: ROLE, scopes: attempt.scopes, caps: [],
          ...(attempt.auth === undefined ? {} : { auth: attempt.auth }),
          ...(device === undefined ? {} : { device }),
          userAgent: this.config.userAgent, locale: this.config.locale
        }
      }))
      this.retryTimer = setTimeout(() => {
        if (this.hello === undefined && socket === this.socket) socket.close(4000, "connect timeout")
      }, HELLO_TIMEOUT_MS)
    }
    let challengeTimer: ReturnType<typeof setTimeout> | undefined
    socket.addEventListener("open", () => {
      // No challenge within 750 ms: connect anyway (an older gateway); ours always sends one.
      challengeTimer = setTimeout(() => void sendConnect("", undefined), CHALLENGE_WAIT_MS)
    })
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return
      this.lastActivity = Date.now()
      let frame: unknown
      try {
        frame = JSON.parse(String(message.data))
      } catch {
        return
      }
      if (!isRecord(frame)) return
      if (frame["type"] === "event") {
        const payload = frame["payload"]
        if (frame["event"] === "connect.challenge" && isRecord(payload)) {
          if (challengeTimer !== undefined) clearTimeout(challengeTimer)
          void sendConnect(String(payload["nonce"] ?? ""), typeof payload["ts"] === "number" ? payload["ts"] : undefined)
          return
        }
        if (this.hello !== undefined) this.config.onEvent(String(frame["event"]), payload)
        return
      }
      if (frame["type"] !== "res") return
      const id = String(frame["id"])
      const error = isRecord(frame["error"]) ? (frame["error"] as unknown as ConnectError) : undefined
      if (id === connectId) {
        if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
        this.retryTimer = undefined
        if (frame["ok"] === true && isRecord(frame["payload"])) this.onHello(frame["payload"] as unknown as Hello, attempt)
        else handshakeFailure = this.onConnectError(error ?? { code: "UNAVAILABLE", message: "connect failed" }, attempt)
        return
      }
      const waiter = this.pending.get(id)
      if (waiter === undefined) return
      this.pending.delete(id)
      if (frame["ok"] === true) waiter.resolve(frame["payload"])
      else waiter.reject(new RpcError(error?.code ?? "UNAVAILABLE", error?.message ?? "request failed", error?.details))
    })
    socket.addEventListener("close", (event) => {
      if (challengeTimer !== undefined) clearTimeout(challengeTimer)
      if (socket !== this.socket) return
      this.socket = undefined
      const wasConnected = this.hello !== undefined
      this.hello = undefined
      this.rejectPending()
      if (this.tickTimer !== undefined) clearInterval(this.tickTimer)
      this.tickTimer = undefined
      if (this.stopped) return
      if (handshakeFailure !== undefined) return this.afterFailure(handshakeFailure)
      if (this.deviceTokenRetry === "pending") return this.scheduleIn(reconnectDelayMs(1), { kind: "disconnected", reason: "retrying with this browser's device token", retryAt: 0 })
      const reason = event.reason !== "" ? event.reason : wasConnected ? "connection lost" : `cannot reach ${this.config.gatewayUrl}`
      this.scheduleReconnect(reason)
    })
  }

  private onHello(hello: Hello, attempt: Attempt | undefined) {
    this.hello = hello
    this.failures = 0
    this.deviceTokenRetry = "unused"
    const identity = this.config.identity
    const deviceToken = hello.auth.deviceToken
    if (identity !== undefined && deviceToken !== undefined) {
      const previous = this.storedToken()
      const scopes = hello.auth.scopes.length > 0 ? hello.auth.scopes : previous?.token === deviceToken ? previous.scopes : attempt?.scopes ?? []
      storeDeviceToken(this.config.local, this.config.gatewayUrl, identity.deviceId, { token: deviceToken, role: ROLE, scopes: [...scopes], updatedAtMs: Date.now() })
    }
    // The shared token is kept for this tab only when it is what authenticated (not after the device-token retry).
    if (this.config.explicitToken !== undefined && attempt?.sentDeviceToken === false && (hello.snapshot["authMode"] ?? hello.auth.method) === "token") {
      this.config.session.setItem(sharedTokenKey(this.config.gatewayUrl), this.config.explicitToken)
    }
    this.config.bootstrap = undefined
    this.lastActivity = Date.now()
    const limit = tickSilenceLimitMs(hello.policy.tickIntervalMs)
    this.tickTimer = setInterval(() => {
      if (Date.now() - this.lastActivity > limit) this.socket?.close(4000, "tick timeout")
    }, Math.min(1_000, limit / 2))
    this.config.onState({ kind: "connected", hello })
  }

  private onConnectError(error: ConnectError, attempt: Attempt | undefined): FailureScreen | undefined {
    const host = (() => {
      try {
        return new URL(this.config.gatewayUrl).host
      } catch {
        return this.config.gatewayUrl
      }
    })()
    const screen = classifyConnectFailure(error, host, this.config.pageOrigin)
    const identity = this.config.identity
    if (screen.detailsCode === "AUTH_DEVICE_TOKEN_MISMATCH" && identity !== undefined) clearDeviceToken(this.config.local, this.config.gatewayUrl, identity.deviceId, ROLE)
    if (screen.detailsCode === "AUTH_BOOTSTRAP_TOKEN_INVALID") this.config.bootstrap = undefined
    const retry = canRetryWithDeviceToken({
      detailsCode: screen.detailsCode,
      storedDeviceToken: this.storedToken() !== undefined,
      sentDeviceToken: attempt?.sentDeviceToken ?? false,
      explicitToken: attempt?.explicit ?? false,
      trustedEndpoint: isTrustedEndpoint(this.config.gatewayUrl, this.config.pageHost),
      budgetUsed: this.deviceTokenRetry !== "unused"
    })
    if (retry) {
      this.deviceTokenRetry = "pending"
      this.config.onState({ kind: "failed", screen, retryAt: Date.now() + reconnectDelayMs(1) })
      return undefined
    }
    if (this.deviceTokenRetry === "pending") this.deviceTokenRetry = "used"
    return screen
  }

  private afterFailure(screen: FailureScreen) {
    if (!screen.keepRetrying) {
      this.config.onState({ kind: "failed", screen, retryAt: undefined })
      return
    }
    this.failures += 1
    // Waiting for approval: poll at most every 5 s, so an approval shows up soon.
    const delay = screen.retryAfterMs ?? withRetryAfterFloor(reconnectDelayMs(this.failures, screen.kind === "pairing" ? 5_000 : 15_000), undefined)
    this.scheduleIn(delay, { kind: "failed", screen, retryAt: 0 })
  }

  private scheduleReconnect(reason: string) {
    this.failures += 1
    this.scheduleIn(reconnectDelayMs(this.failures), { kind: "disconnected", reason, retryAt: 0 })
  }

  private scheduleIn(delayMs: number, state: ConnectionState) {
    const retryAt = Date.now() + delayMs
    this.config.onState(state.kind === "connected" || state.kind === "connecting" ? state : { ...state, retryAt })
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.open()
    }, delayMs)
  }
}
