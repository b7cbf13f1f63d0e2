import { Schema } from "effect"
import { DeviceAuthError, GatewayAuthError, PairingRequired, RecommendedNextStep } from "./errors.js"
import type { ErrorShape } from "./frames.js"

/** The gateway could not be reached at all (refused, DNS, TLS, closed before the handshake). */
export class GatewayConnectFailed extends Schema.TaggedError<GatewayConnectFailed>()("GatewayConnectFailed", {
  code: Schema.tag("GATEWAY_CONNECT_FAILED"),
  message: Schema.String,
  url: Schema.String
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

export type GatewayClientError = GatewayConnectFailed | GatewayTimeout | GatewayRpcError | GatewayAuthError | PairingRequired | DeviceAuthError

const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback)
const strings = (v: unknown): ReadonlyArray<string> => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])
const isNextStep = Schema.is(RecommendedNextStep)

const AUTH_CODES = new Set<string>([
  "AUTH_TOKEN_MISSING", "AUTH_TOKEN_MISMATCH", "AUTH_TOKEN_NOT_CONFIGURED", "AUTH_PASSWORD_MISSING", "AUTH_PASSWORD_MISMATCH",
  "AUTH_PASSWORD_NOT_CONFIGURED", "AUTH_DEVICE_TOKEN_MISMATCH", "AUTH_SCOPE_MISMATCH", "AUTH_BOOTSTRAP_TOKEN_INVALID",
  "AUTH_RATE_LIMITED", "AUTH_IDENTITY_HEADER_REQUIRED", "AUTH_REQUIRED", "AUTH_UNAUTHORIZED"
])
const DEVICE_CODES = new Set<string>([
  "DEVICE_AUTH_DEVICE_ID_MISMATCH", "DEVICE_AUTH_SIGNATURE_EXPIRED", "DEVICE_AUTH_NONCE_REQUIRED", "DEVICE_AUTH_NONCE_MISMATCH",
  "DEVICE_AUTH_SIGNATURE_INVALID", "DEVICE_AUTH_PUBLIC_KEY_INVALID", "DEVICE_AUTH_INVALID"
])

/** Turns a wire error into the client's typed error, keyed by `details.code`. */
export const fromWireError = (error: ErrorShape): GatewayClientError => {
  const d = error.details ?? {}
  const code = str(d["code"])
  if (AUTH_CODES.has(code)) {
    const next = d["recommendedNextStep"]
    return new GatewayAuthError({
      code: code as GatewayAuthError["code"],
      message: error.message,
      authReason: str(d["authReason"]),
      canRetryWithDeviceToken: d["canRetryWithDeviceToken"] === true,
      recommendedNextStep: isNextStep(next) ? next : "review_auth_configuration",
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs })
    })
  }
  if (DEVICE_CODES.has(code)) return new DeviceAuthError({ code: code as DeviceAuthError["code"], message: error.message, reason: str(d["reason"]) })
  if (code === "PAIRING_REQUIRED") {
    const reason = str(d["reason"], "not-paired")
    return new PairingRequired({
      message: error.message,
      reason: reason === "role-upgrade" || reason === "scope-upgrade" || reason === "metadata-upgrade" ? reason : "not-paired",
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
