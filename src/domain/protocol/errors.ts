import { Schema } from "effect"
import type { ErrorShape } from "./frames.js"
import { opt } from "../opt.js"

const Details = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const RecommendedNextStep = Schema.Literal(
  "retry_with_device_token",
  "update_auth_configuration",
  "update_auth_credentials",
  "wait_then_retry",
  "review_auth_configuration"
)

/** Shared-secret, device-token or proxy authentication failed at connect (`details.code` AUTH_*). */
export class GatewayAuthError extends Schema.TaggedError<GatewayAuthError>()("GatewayAuthError", {
  code: Schema.Literal(
    "AUTH_TOKEN_MISSING",
    "AUTH_TOKEN_MISMATCH",
    "AUTH_TOKEN_NOT_CONFIGURED",
    "AUTH_PASSWORD_MISSING",
    "AUTH_PASSWORD_MISMATCH",
    "AUTH_PASSWORD_NOT_CONFIGURED",
    "AUTH_DEVICE_TOKEN_MISMATCH",
    "AUTH_SCOPE_MISMATCH",
    "AUTH_BOOTSTRAP_TOKEN_INVALID",
    "AUTH_RATE_LIMITED",
    "AUTH_IDENTITY_HEADER_REQUIRED",
    "AUTH_REQUIRED",
    "AUTH_UNAUTHORIZED"
  ),
  message: Schema.String,
  authReason: Schema.String,
  canRetryWithDeviceToken: Schema.Boolean,
  recommendedNextStep: RecommendedNextStep,
  retryAfterMs: opt(Schema.Number)
}) {}

/** The device proof of a connect failed one of the signature checks (`DEVICE_AUTH_*`). */
export class DeviceAuthError extends Schema.TaggedError<DeviceAuthError>()("DeviceAuthError", {
  code: Schema.Literal(
    "DEVICE_AUTH_DEVICE_ID_MISMATCH",
    "DEVICE_AUTH_SIGNATURE_EXPIRED",
    "DEVICE_AUTH_NONCE_REQUIRED",
    "DEVICE_AUTH_NONCE_MISMATCH",
    "DEVICE_AUTH_SIGNATURE_INVALID",
    "DEVICE_AUTH_PUBLIC_KEY_INVALID",
    "DEVICE_AUTH_INVALID"
  ),
  message: Schema.String,
  reason: Schema.String
}) {}

/** The device must be approved first (`openclaw devices approve <requestId>`). */
export class PairingRequired extends Schema.TaggedError<PairingRequired>()("PairingRequired", {
  code: Schema.tag("PAIRING_REQUIRED"),
  message: Schema.String,
  reason: Schema.Literal("not-paired", "role-upgrade", "scope-upgrade", "metadata-upgrade"),
  requestId: Schema.String,
  deviceId: Schema.String,
  requestedRole: Schema.String,
  requestedScopes: Schema.Array(Schema.String),
  approvedRoles: opt(Schema.Array(Schema.String)),
  approvedScopes: opt(Schema.Array(Schema.String)),
  remediationHint: Schema.String
}) {}

/** A device identity is needed on this connection path. */
export class DeviceIdentityRequired extends Schema.TaggedError<DeviceIdentityRequired>()("DeviceIdentityRequired", {
  code: Schema.Literal("DEVICE_IDENTITY_REQUIRED", "CONTROL_UI_DEVICE_IDENTITY_REQUIRED"),
  message: Schema.String
}) {}

/** A browser origin that is not allowed to open a session. */
export class OriginNotAllowed extends Schema.TaggedError<OriginNotAllowed>()("OriginNotAllowed", {
  code: Schema.tag("CONTROL_UI_ORIGIN_NOT_ALLOWED"),
  message: Schema.String,
  reason: Schema.String
}) {}

/** Client and gateway share no protocol version. */
export class ProtocolMismatch extends Schema.TaggedError<ProtocolMismatch>()("ProtocolMismatch", {
  code: Schema.tag("PROTOCOL_MISMATCH"),
  message: Schema.String,
  clientMinProtocol: Schema.Number,
  clientMaxProtocol: Schema.Number
}) {}

/** The caller's scopes do not cover the method. */
export class MissingScope extends Schema.TaggedError<MissingScope>()("MissingScope", {
  code: Schema.tag("MISSING_SCOPE"),
  message: Schema.String,
  missingScope: Schema.String,
  requiredScopes: Schema.Array(Schema.String)
}) {}

/** A malformed frame, bad params, an unknown method or a refused management action. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  code: Schema.tag("INVALID_REQUEST"),
  message: Schema.String,
  details: opt(Details)
}) {}

/** The gateway cannot serve the request now (starting, rate limited); retry later. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  code: Schema.tag("UNAVAILABLE"),
  message: Schema.String,
  retryAfterMs: opt(Schema.Number),
  /** Defaults to true; a node that is not connected is not worth retrying at once. */
  retryable: opt(Schema.Boolean),
  details: opt(Details)
}) {}

/** Every error the gateway puts on the wire. */
export type GatewayWireError =
  | GatewayAuthError
  | DeviceAuthError
  | PairingRequired
  | DeviceIdentityRequired
  | OriginNotAllowed
  | ProtocolMismatch
  | MissingScope
  | InvalidRequest
  | Unavailable

/** How a failed connect ends the socket. */
export interface CloseInstruction {
  readonly code: number
  readonly reason: string
}

/** Close reasons are cut to 120 bytes on the wire. */
export const truncateCloseReason = (reason: string): string => {
  const bytes = Buffer.from(reason, "utf8")
  if (bytes.length <= 120) return reason
  let cut = bytes.subarray(0, 120).toString("utf8")
  while (Buffer.byteLength(cut, "utf8") > 120 || cut.endsWith("\uFFFD")) cut = cut.slice(0, -1)
  return cut
}

/** The protocol's error object for any gateway error. */
export const toErrorShape = (error: GatewayWireError): ErrorShape => {
  switch (error._tag) {
    case "GatewayAuthError":
      return {
        code: "INVALID_REQUEST",
        message: error.message,
        details: {
          code: error.code,
          authReason: error.authReason,
          canRetryWithDeviceToken: error.canRetryWithDeviceToken,
          recommendedNextStep: error.recommendedNextStep
        },
        ...(error.retryAfterMs === undefined ? {} : { retryable: true, retryAfterMs: error.retryAfterMs })
      }
    case "DeviceAuthError":
      return { code: "INVALID_REQUEST", message: error.message, details: { code: error.code, reason: error.reason } }
    case "PairingRequired":
      return {
        code: "NOT_PAIRED",
        message: error.message,
        details: {
          code: error.code,
          reason: error.reason,
          requestId: error.requestId,
          remediationHint: error.remediationHint,
          deviceId: error.deviceId,
          requestedRole: error.requestedRole,
          requestedScopes: error.requestedScopes,
          ...(error.approvedRoles === undefined ? {} : { approvedRoles: error.approvedRoles }),
          ...(error.approvedScopes === undefined ? {} : { approvedScopes: error.approvedScopes })
        }
      }
    case "DeviceIdentityRequired":
      return { code: error.code === "DEVICE_IDENTITY_REQUIRED" ? "NOT_PAIRED" : "INVALID_REQUEST", message: error.message, details: { code: error.code } }
    case "OriginNotAllowed":
      return { code: "INVALID_REQUEST", message: error.message, details: { code: error.code, reason: error.reason } }
    case "ProtocolMismatch":
      return {
        code: "INVALID_REQUEST",
        message: error.message,
        details: {
          code: error.code,
          clientMinProtocol: error.clientMinProtocol,
          clientMaxProtocol: error.clientMaxProtocol,
          expectedProtocol: 4,
          minimumProbeProtocol: 3
        }
      }
    case "MissingScope":
      return {
        code: "FORBIDDEN",
        message: error.message,
        details: { code: error.code, missingScope: error.missingScope, requiredScopes: error.requiredScopes }
      }
    case "InvalidRequest":
      return { code: "INVALID_REQUEST", message: error.message, ...(error.details === undefined ? {} : { details: error.details }) }
    case "Unavailable":
      return {
        code: "UNAVAILABLE",
        message: error.message,
        retryable: error.retryable ?? true,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        ...(error.details === undefined ? {} : { details: error.details })
      }
  }
}

/** The close a failed connect ends with: 1002 for protocol, 1013 while starting, else 1008 with the message. */
export const connectFailureClose = (error: GatewayWireError): CloseInstruction => {
  if (error._tag === "ProtocolMismatch") return { code: 1002, reason: "protocol mismatch" }
  if (error._tag === "Unavailable") return { code: 1013, reason: "gateway starting" }
  if (error._tag === "PairingRequired") return { code: 1008, reason: truncateCloseReason(`${error.message} (requestId: ${error.requestId})`) }
  return { code: 1008, reason: truncateCloseReason(error.message) }
}
