import { Schema } from "effect"
import { opt } from "../opt.js"

/** The protocol version this gateway speaks, and the oldest ones it still accepts. */
export const PROTOCOL_VERSION = 4
export const MIN_CLIENT_PROTOCOL = 4
export const MIN_NODE_PROTOCOL = 3
export const MIN_PROBE_PROTOCOL = 3

/** Frame and buffer limits advertised in `hello-ok.policy`. */
export const PRE_AUTH_MAX_BYTES = 64 * 1024
export const MAX_PAYLOAD_BYTES = 26_214_400
export const MAX_BUFFERED_BYTES = 52_428_800
export const TICK_INTERVAL_MS = 15_000
/** Attachment limits advertised in `hello-ok.policy.attachments` (the original's values). */
export const ATTACHMENT_MAX_BYTES = 19_464_192
export const ATTACHMENT_MAX_IMAGE_BYTES = 6_291_456

/**
 * Optional protocol features this gateway implements, as the challenge and `hello-ok.features` list
 * them: `model-catalog-snapshot`, a `models.snapshot` event after hello for a Control UI that asks.
 */
export const MODEL_CATALOG_SNAPSHOT = "model-catalog-snapshot"
export const SERVER_CAPABILITIES: ReadonlyArray<string> = [MODEL_CATALOG_SNAPSHOT]

/** Wire error codes clients branch on (`error.code`). */
export const ErrorCode = Schema.Literal(
  "NOT_LINKED",
  "NOT_PAIRED",
  "AGENT_TIMEOUT",
  "AGENT_RESULT_NOT_FOUND",
  "INVALID_REQUEST",
  "FORBIDDEN",
  "APPROVAL_NOT_FOUND",
  "UNAVAILABLE"
)
export type ErrorCode = typeof ErrorCode.Type

/** The error object of a failed response. */
export const ErrorShape = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  details: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true }),
  retryable: Schema.optionalWith(Schema.Boolean, { exact: true }),
  retryAfterMs: Schema.optionalWith(Schema.Number, { exact: true })
})
export type ErrorShape = typeof ErrorShape.Type

export const RequestFrame = Schema.Struct({
  type: Schema.Literal("req"),
  id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)),
  method: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)),
  params: Schema.optionalWith(Schema.Unknown, { exact: true }),
  traceparent: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(128)), { exact: true })
})
export type RequestFrame = typeof RequestFrame.Type

const boundedString = (value: unknown, min: number, max: number): value is string =>
  typeof value === "string" && value.length >= min && value.length <= max

/**
 * `RequestFrame`'s checks in plain code, for the frame nearly every message is: the request's frame, or
 * undefined when it is not a valid request (the schema then decodes it and says why). The schema stays the
 * definition; a property test holds the two equal.
 */
export const requestFrameOf = (value: unknown): RequestFrame | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const frame = value as Record<string, unknown>
  if (frame["type"] !== "req" || !boundedString(frame["id"], 1, 256) || !boundedString(frame["method"], 1, 256)) return undefined
  const hasTrace = Object.hasOwn(frame, "traceparent")
  if (hasTrace && !boundedString(frame["traceparent"], 0, 128)) return undefined
  const request: { type: "req"; id: string; method: string; params?: unknown; traceparent?: string } = { type: "req", id: frame["id"], method: frame["method"] }
  if (Object.hasOwn(frame, "params")) request.params = frame["params"]
  if (hasTrace) request.traceparent = frame["traceparent"] as string
  return request
}

export const ResponseFrame = Schema.Struct({
  type: Schema.Literal("res"),
  id: Schema.String,
  ok: Schema.Boolean,
  payload: Schema.optionalWith(Schema.Unknown, { exact: true }),
  error: Schema.optionalWith(ErrorShape, { exact: true })
})
export type ResponseFrame = typeof ResponseFrame.Type

export const EventFrame = Schema.Struct({
  type: Schema.Literal("event"),
  event: Schema.String,
  payload: Schema.optionalWith(Schema.Unknown, { exact: true }),
  seq: Schema.optionalWith(Schema.Number, { exact: true }),
  stateVersion: Schema.optionalWith(Schema.Struct({ presence: Schema.Number, health: Schema.Number }), { exact: true })
})
export type EventFrame = typeof EventFrame.Type

export const CancelFrame = Schema.Struct({ type: Schema.Literal("cancel"), id: Schema.String })

/** Any frame a client may send. */
export const ClientFrame = Schema.Union(RequestFrame, CancelFrame)

/**
 * One JSON text frame as the socket edge classifies it: a `request`, a `cancel` (served by nothing yet,
 * so ignored), or `other` JSON carrying a usable id (echoed in the error reply). Anything else fails.
 */
export const InboundFrame = Schema.Union(
  RequestFrame.pipe(Schema.attachPropertySignature("kind", "request")),
  Schema.Struct({ type: Schema.Literal("cancel") }).pipe(Schema.attachPropertySignature("kind", "cancel")),
  Schema.Struct({ id: RequestFrame.fields.id }).pipe(Schema.attachPropertySignature("kind", "other"))
)
export type InboundFrame = typeof InboundFrame.Type

/** A text frame: JSON text decoded as an InboundFrame. */
export const InboundText = Schema.parseJson(InboundFrame)

/** Any frame the gateway may send. */
export const ServerFrame = Schema.Union(ResponseFrame, EventFrame)
export type ServerFrame = typeof ServerFrame.Type

export const ClientId = Schema.Literal(
  "cli",
  "gateway-client",
  "openclaw-control-ui",
  "webchat-ui",
  "webchat",
  "openclaw-tui",
  "openclaw-macos",
  "openclaw-linux",
  "openclaw-ios",
  "openclaw-watchos",
  "openclaw-android",
  "openclaw-browser-copilot",
  "node-host",
  "openclaw-worker",
  "openclaw-probe",
  "fingerprint",
  "test"
)
export const ClientMode = Schema.Literal("cli", "ui", "webchat", "backend", "node", "worker", "probe", "test")

// `client.id` is matched case-insensitively: lower-case it before checking the closed set.
const LowercaseClientId = Schema.transform(Schema.String, ClientId, {
  strict: false,
  decode: (s) => s.toLowerCase(),
  encode: (s) => s
})

export const ConnectClient = Schema.Struct({
  id: LowercaseClientId,
  version: Schema.String,
  platform: Schema.String,
  mode: ClientMode,
  displayName: opt(Schema.String),
  deviceFamily: opt(Schema.String),
  modelIdentifier: opt(Schema.String),
  instanceId: opt(Schema.String),
  // The original's Control UI sends both on every connect (control-ui.md 3.1).
  buildId: opt(Schema.String.pipe(Schema.maxLength(96))),
  timeZone: opt(Schema.String)
})

export const ConnectAuth = Schema.Struct({
  token: opt(Schema.String),
  password: opt(Schema.String),
  deviceToken: opt(Schema.String),
  bootstrapToken: opt(Schema.String),
  approvalRuntimeToken: opt(Schema.String),
  agentRuntimeIdentityToken: opt(Schema.String)
})

export const ConnectDevice = Schema.Struct({
  id: Schema.String,
  publicKey: Schema.String,
  signature: Schema.String,
  signedAt: Schema.Number,
  nonce: Schema.String
})
export type ConnectDevice = typeof ConnectDevice.Type

/** `connect` request params (closed: unknown keys are invalid). */
export const ConnectParams = Schema.Struct({
  minProtocol: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)),
  maxProtocol: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)),
  client: ConnectClient,
  role: opt(Schema.String),
  scopes: opt(Schema.Array(Schema.String)),
  caps: opt(Schema.Array(Schema.String)),
  commands: opt(Schema.Array(Schema.String)),
  permissions: opt(Schema.Record({ key: Schema.String, value: Schema.Boolean })),
  pathEnv: opt(Schema.String),
  auth: opt(ConnectAuth),
  device: opt(ConnectDevice),
  locale: opt(Schema.String),
  userAgent: opt(Schema.String),
  /** Sent when the challenge advertises `model-catalog-snapshot`: the scope of the `models.snapshot` pushed after hello. */
  modelCatalog: opt(Schema.Struct({ sessionKey: opt(Schema.String), agentId: opt(Schema.String), shortId: opt(Schema.String) }))
})
export type ConnectParams = typeof ConnectParams.Type

/** The `hello-ok` payload of a successful connect. */
export const HelloOk = Schema.Struct({
  type: Schema.Literal("hello-ok"),
  protocol: Schema.Number,
  server: Schema.Struct({
    version: Schema.String,
    connId: Schema.String,
    buildId: opt(Schema.String),
    bootId: opt(Schema.String),
    controlUiBuildSource: opt(Schema.Literal("bundled", "configured"))
  }),
  features: Schema.Struct({
    methods: Schema.Array(Schema.String),
    events: Schema.Array(Schema.String),
    capabilities: opt(Schema.Array(Schema.String))
  }),
  snapshot: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  auth: Schema.Struct({
    /** How this socket authenticated: `token`, `password`, `none`, `trusted-proxy`, `device-token`. */
    method: opt(Schema.String),
    role: Schema.String,
    scopes: Schema.Array(Schema.String),
    deviceToken: opt(Schema.String),
    issuedAtMs: opt(Schema.Number)
  }),
  policy: Schema.Struct({
    maxPayload: Schema.Number,
    maxBufferedBytes: Schema.Number,
    tickIntervalMs: Schema.Number,
    attachments: opt(Schema.Struct({ maxBytes: Schema.Number, maxImageBytes: Schema.Number }))
  })
})
export type HelloOk = typeof HelloOk.Type
