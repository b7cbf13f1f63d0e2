import { GatewayAuthError } from "../protocol/errors.js"
import type { ResolvedAuth } from "./resolveAuth.js"

/** Result of the shared-credential check of a connect. */
export type SharedAuthResult =
  | { readonly ok: true; readonly method: "none" | "token" | "password" | "trusted-proxy"; readonly user?: string }
  | { readonly ok: false; readonly reason: string; readonly presented: boolean }

export interface PresentedCredentials {
  readonly token: string | undefined
  readonly password: string | undefined
}

/** Compares a secret in constant time; the live layer passes crypto.timingSafeEqual on hashes. */
export type SecretEquals = (presented: string, expected: string) => boolean

/** Checks `auth.token` / `auth.password` against the gateway's mode (spec 3.1). */
export const checkSharedSecret = (auth: ResolvedAuth, presented: PresentedCredentials, equals: SecretEquals): SharedAuthResult => {
  switch (auth.mode) {
    case "none":
      return { ok: true, method: "none" }
    case "token": {
      if (auth.token === undefined) return { ok: false, reason: "token_missing_config", presented: presented.token !== undefined }
      // Clients may send the shared token in either field.
      const candidate = presented.token ?? presented.password
      if (candidate === undefined || candidate === "") return { ok: false, reason: "token_missing", presented: false }
      return equals(candidate, auth.token) ? { ok: true, method: "token" } : { ok: false, reason: "token_mismatch", presented: true }
    }
    case "password": {
      if (auth.password === undefined) return { ok: false, reason: "password_missing_config", presented: presented.password !== undefined }
      const candidate = presented.password ?? presented.token
      if (candidate === undefined || candidate === "") return { ok: false, reason: "password_missing", presented: false }
      return equals(candidate, auth.password) ? { ok: true, method: "password" } : { ok: false, reason: "password_mismatch", presented: true }
    }
    case "trusted-proxy":
      return { ok: false, reason: "trusted_proxy_untrusted_source", presented: false }
  }
}

/** Which client is failing, for the hint in the message. */
export interface FailureContext {
  readonly clientId: string
  readonly clientMode: string
  readonly deviceSent: boolean
  /** `auth.token` was presented and no `auth.deviceToken`: a stored device token may be retried once. */
  readonly tokenWithoutDeviceToken: boolean
  readonly retryAfterMs?: number
}

const isBrowserUi = (ctx: FailureContext) =>
  ctx.clientId === "openclaw-control-ui" || ctx.clientId === "webchat-ui" || ctx.clientId === "webchat" || ctx.clientMode === "ui" || ctx.clientMode === "webchat"

const hint = (kind: "token" | "password", ctx: FailureContext) => {
  if (isBrowserUi(ctx)) return `open the dashboard URL and paste the ${kind} in Control UI settings`
  if (ctx.clientId === "cli" || ctx.clientMode === "cli" || ctx.clientMode === "probe") {
    return ctx.deviceSent && kind === "token"
      ? "use this gateway's gateway.auth.token or pair the device"
      : `set gateway.remote.${kind} to match gateway.auth.${kind}`
  }
  return `provide gateway auth ${kind}`
}

const CODES: Record<string, GatewayAuthError["code"]> = {
  token_missing: "AUTH_TOKEN_MISSING",
  token_mismatch: "AUTH_TOKEN_MISMATCH",
  token_missing_config: "AUTH_TOKEN_NOT_CONFIGURED",
  password_missing: "AUTH_PASSWORD_MISSING",
  password_mismatch: "AUTH_PASSWORD_MISMATCH",
  password_missing_config: "AUTH_PASSWORD_NOT_CONFIGURED",
  device_token_mismatch: "AUTH_DEVICE_TOKEN_MISMATCH",
  scope_mismatch: "AUTH_SCOPE_MISMATCH",
  bootstrap_token_invalid: "AUTH_BOOTSTRAP_TOKEN_INVALID",
  rate_limited: "AUTH_RATE_LIMITED",
  none: "AUTH_REQUIRED"
}

const message = (reason: string, ctx: FailureContext): string => {
  switch (reason) {
    case "token_missing":
      return `unauthorized: gateway token missing (${hint("token", ctx)})`
    case "token_mismatch":
      return `unauthorized: gateway token mismatch (${hint("token", ctx)})`
    case "token_missing_config":
      return "unauthorized: gateway token not configured on gateway (set gateway.auth.token)"
    case "password_missing":
      return `unauthorized: gateway password missing (${hint("password", ctx)})`
    case "password_mismatch":
      return `unauthorized: gateway password mismatch (${hint("password", ctx)})`
    case "password_missing_config":
      return "unauthorized: gateway password not configured on gateway (set gateway.auth.password)"
    case "device_token_mismatch":
      return "unauthorized: device token mismatch (rotate/reissue device token)"
    case "scope_mismatch":
      return "unauthorized: device token does not cover the requested role or scopes (re-pair or approve the change)"
    case "rate_limited":
      return "unauthorized: too many failed authentication attempts (retry later)"
    case "proxy_attribution_required":
      return "unauthorized: proxy attribution required (a local reverse proxy sent forwarding headers; add its address to gateway.trustedProxies)"
    default:
      return reason.startsWith("trusted_proxy_") ? `unauthorized: trusted proxy auth failed (${reason})` : "unauthorized"
  }
}

/** Builds the connect error of spec section 6 for a failure reason. */
export const authFailure = (reason: string, ctx: FailureContext): GatewayAuthError => {
  const canRetryWithDeviceToken = reason === "token_mismatch" && ctx.deviceSent && ctx.tokenWithoutDeviceToken
  const code = CODES[reason] ??
    (reason === "trusted_proxy_user_missing" || reason.startsWith("trusted_proxy_missing_header") ? "AUTH_IDENTITY_HEADER_REQUIRED" : "AUTH_UNAUTHORIZED")
  const recommendedNextStep = canRetryWithDeviceToken
    ? "retry_with_device_token"
    : reason === "rate_limited"
    ? "wait_then_retry"
    : reason.endsWith("_missing") || reason.endsWith("_missing_config")
    ? "update_auth_configuration"
    : reason.endsWith("_mismatch")
    ? "update_auth_credentials"
    : "review_auth_configuration"
  return new GatewayAuthError({
    code,
    message: message(reason, ctx),
    authReason: reason,
    canRetryWithDeviceToken,
    recommendedNextStep,
    ...(ctx.retryAfterMs === undefined ? {} : { retryAfterMs: ctx.retryAfterMs })
  })
}
