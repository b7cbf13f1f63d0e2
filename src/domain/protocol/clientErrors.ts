import { Schema } from "effect"
import { DeviceAuthError, GatewayAuthError, PairingRequired, RecommendedNextStep } from "./errors.js"
import type { ErrorShape } from "./frames.js"
import { opt } from "../opt.js"

/** How the gateway closed the socket (WebSocket close code and reason). */
export const SocketClose = Schema.Struct({ code: Schema.Number, reason: Schema.String })

/** The gateway could not be reached at all (refused, DNS, TLS, closed before the handshake). */
export class GatewayConnectFailed extends Schema.TaggedError<GatewayConnectFailed>()("GatewayConnectFailed", {
  code: Schema.tag("GATEWAY_CONNECT_FAILED"),
  message: Schema.String,
  url: Schema.String,
  /** Set when the gateway closed the connection, rather than it never opening. */
  close: opt(SocketClose)
}) {}

/** No answer in time. */
export class GatewayTimeout extends Schema.TaggedError<GatewayTimeout>()("GatewayTimeout", {
  code: Schema.tag("GATEWAY_TIMEOUT"),
  message: Schema.String,
  url: Schema.String
}) {}

/** The gateway answered a request (or the connect) with an error this client has no finer type for. */
export class GatewayRpcError extends Schema.TaggedError<GatewayRpcError>()("GatewayRpcError", {
  code: Schema.String,
  message: Schema.String,
  wireCode: Schema.String,
  details: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true }),
  retryAfterMs: Schema.optionalWith(Schema.Number, { exact: true })
}) {}

/**
 * The gateway answered, but a result lacks what this client needs: names the method and the field, so
 * a version difference is never mistaken for a gateway that is down.
 */
export class GatewayResultInvalid extends Schema.TaggedError<GatewayResultInvalid>()("GatewayResultInvalid", {
  code: Schema.tag("GATEWAY_RESULT_INVALID"),
  message: Schema.String,
  method: Schema.String,
  /** Dotted path of the first offending field (`paired.0.roles`), `<root>` for the whole result. */
  field: Schema.String
}) {}

export type GatewayClientError = GatewayConnectFailed | GatewayTimeout | GatewayRpcError | GatewayAuthError | PairingRequired | DeviceAuthError | GatewayResultInvalid

const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback)
const strings = (v: unknown): ReadonlyArray<string> => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])
const isNextStep = Schema.is(RecommendedNextStep)

// The codes come from the error schemas the gateway encodes with, so the two sides cannot drift apart.
const isAuthCode = Schema.is(GatewayAuthError.fields.code)
const isDeviceCode = Schema.is(DeviceAuthError.fields.code)
const isPairingReason = Schema.is(PairingRequired.fields.reason)

/** Turns a wire error into the client's typed error, keyed by `details.code`. */
export const fromWireError = (error: ErrorShape): GatewayClientError => {
  const d = error.details ?? {}
  const code = str(d["code"])
  if (isAuthCode(code)) {
    const next = d["recommendedNextStep"]
    return new GatewayAuthError({
      code,
      message: error.message,
      authReason: str(d["authReason"]),
      canRetryWithDeviceToken: d["canRetryWithDeviceToken"] === true,
      recommendedNextStep: isNextStep(next) ? next : "review_auth_configuration",
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs })
    })
  }
  if (isDeviceCode(code)) return new DeviceAuthError({ code, message: error.message, reason: str(d["reason"]) })
  if (code === "PAIRING_REQUIRED") {
    const reason = d["reason"]
    return new PairingRequired({
      message: error.message,
      reason: isPairingReason(reason) ? reason : "not-paired",
      requestId: str(d["requestId"]),
      deviceId: str(d["deviceId"]),
      requestedRole: str(d["requestedRole"], "operator"),
      requestedScopes: strings(d["requestedScopes"]),
      remediationHint: str(d["remediationHint"]),
      ...(d["approvedRoles"] === undefined ? {} : { approvedRoles: strings(d["approvedRoles"]) }),
      ...(d["approvedScopes"] === undefined ? {} : { approvedScopes: strings(d["approvedScopes"]) })
    })
  }
  return new GatewayRpcError({
    code: code === "" ? error.code : code,
    message: error.message,
    wireCode: error.code,
    ...(error.details === undefined ? {} : { details: error.details }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs })
  })
}
