/**
 * What the page does with a failed connect (spec control-ui 3.4): which screen it shows, whether it keeps
 * reconnecting, and the runbook's meaning and next step for each `details.code`.
 */
export interface ConnectError {
  readonly code: string
  readonly message: string
  readonly details?: Record<string, unknown>
  readonly retryable?: boolean
  readonly retryAfterMs?: number
}

export type ScreenKind =
  | "token-missing"
  | "token-mismatch"
  | "password"
  | "device-token-stale"
  | "scope-mismatch"
  | "bootstrap-invalid"
  | "identity-required"
  | "device-identity-required"
  | "rate-limited"
  | "pairing"
  | "build-mismatch"
  | "protocol-mismatch"
  | "origin-not-allowed"
  | "starting"
  | "unreachable"

export interface FailureScreen {
  readonly kind: ScreenKind
  readonly title: string
  /** What the runbook says the failure means. */
  readonly meaning: string
  /** The next step, usually a command to run on the gateway host. */
  readonly nextStep: string
  /** A command to copy (shown in a code block). */
  readonly command?: string
  /** Offer the token paste field. */
  readonly askToken: boolean
  /** Keep reconnecting with backoff (the screen stays until a connect succeeds). */
  readonly keepRetrying: boolean
  /** Fixed delay before the next attempt instead of the backoff (gateway starting). */
  readonly retryAfterMs?: number
  readonly detailsCode: string
  readonly serverMessage: string
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

const PAIRING_TITLES: Record<string, string> = {
  "not-paired": "Approve this browser",
  "scope-upgrade": "Approve this browser's new scopes",
  "role-upgrade": "Approve this browser's new role",
  "metadata-upgrade": "Approve this browser's changed details"
}

/** The screen and reaction for one failed connect. `host` names the gateway, `pageOrigin` is the origin to allow. */
export const classifyConnectFailure = (error: ConnectError, host: string, pageOrigin: string): FailureScreen => {
  const details = error.details ?? {}
  const detailsCode = str(details["code"]) ?? (error.code === "UNAVAILABLE" ? "UNAVAILABLE" : "")
  const base = { detailsCode, serverMessage: error.message, askToken: false, keepRetrying: false }
  switch (detailsCode) {
    case "AUTH_TOKEN_MISSING":
    case "AUTH_TOKEN_NOT_CONFIGURED":
      return { ...base, kind: "token-missing", title: "This Gateway expects its token", askToken: true,
        meaning: "The browser did not send the gateway's shared token.",
        nextStep: "On the gateway host, print the token and paste it below (or open the link `openclaw dashboard` prints).",
        command: "openclaw gateway auth-token --show" }
    case "AUTH_TOKEN_MISMATCH":
      return { ...base, kind: "token-mismatch", title: "This Gateway expects its token", askToken: true,
        meaning: `${host} rejected the supplied Gateway secret: the token does not match gateway.auth.token.`,
        nextStep: "Paste the current token below, or open the fresh link from `openclaw dashboard`. If it keeps failing, follow the token drift recovery checklist.",
        command: "openclaw gateway auth-token --show" }
    case "AUTH_PASSWORD_MISSING":
    case "AUTH_PASSWORD_MISMATCH":
    case "AUTH_PASSWORD_NOT_CONFIGURED":
      return { ...base, kind: "password", title: "This Gateway expects its password", askToken: true,
        meaning: "The gateway runs in password mode and the password was missing or wrong.",
        nextStep: "Paste the gateway password below (it is kept only for this tab's connection, never stored)." }
    case "AUTH_DEVICE_TOKEN_MISMATCH":
      return { ...base, kind: "device-token-stale", title: "This browser's device token is no longer valid", askToken: true,
        meaning: "The cached per-device token is stale or was revoked; this browser has forgotten it.",
        nextStep: "Paste the gateway token below to reconnect, or rotate the device token from the devices CLI.",
        command: "openclaw devices list" }
    case "AUTH_SCOPE_MISMATCH":
      return { ...base, kind: "scope-mismatch", title: "This browser's access does not cover the request", askToken: true,
        meaning: "The device token was recognized, but its approved scopes do not cover this connect request.",
        nextStep: "Re-pair the device or approve the requested scopes; this is not shared-token drift.",
        command: "openclaw devices list" }
    case "AUTH_BOOTSTRAP_TOKEN_INVALID":
      return { ...base, kind: "bootstrap-invalid", title: "This dashboard link has expired", askToken: true,
        meaning: "The one-time bootstrap token in the link is invalid, expired or already used.",
        nextStep: "Open a fresh link from `openclaw dashboard`, or paste the gateway token below.",
        command: "openclaw dashboard" }
    case "AUTH_IDENTITY_HEADER_REQUIRED":
    case "AUTH_VERIFIED_USER_REQUIRED":
      return { ...base, kind: "identity-required", title: "Sign in through your proxy",
        meaning: "The gateway trusts an identity-aware proxy and this request carried no verified user.",
        nextStep: "Open the dashboard through the configured proxy URL." }
    case "DEVICE_IDENTITY_REQUIRED":
    case "CONTROL_UI_DEVICE_IDENTITY_REQUIRED":
      return { ...base, kind: "device-identity-required", title: "Secure browser context required",
        meaning: "The gateway requires a device identity, and this browser cannot create one on a non-secure page (plain HTTP on a non-localhost address).",
        nextStep: "Use HTTPS or localhost: open the dashboard at http://127.0.0.1:<port>/ on the gateway host, through an SSH tunnel, or behind TLS (gateway.tls or Tailscale Serve)." }
    case "AUTH_RATE_LIMITED":
      return { ...base, kind: "rate-limited", title: "Too many failed attempts",
        meaning: "Repeated wrong secrets from this browser origin locked it out for a while.",
        nextStep: `Wait${error.retryAfterMs !== undefined ? ` ${Math.ceil(error.retryAfterMs / 1000)} s` : ""}, then retry with the correct token.`,
        askToken: true }
    case "PAIRING_REQUIRED": {
      const requestId = str(details["requestId"])
      const reason = str(details["reason"]) ?? "not-paired"
      return { ...base, kind: "pairing", title: PAIRING_TITLES[reason] ?? "Approve this browser", keepRetrying: true,
        meaning: reason === "not-paired"
          ? "This browser's device identity is not paired with the gateway yet."
          : `This browser asks for more than it was approved for (${reason}).`,
        nextStep: "Approve it on the gateway host, or from the Devices page of a Control UI that is already signed in:",
        command: requestId !== undefined ? `openclaw devices approve ${requestId}` : "openclaw devices approve --latest" }
    }
    case "CONTROL_UI_BUILD_MISMATCH":
      return { ...base, kind: "build-mismatch", title: "The gateway was updated",
        meaning: "This page is from an older build than the running gateway.", nextStep: "Reload the page." }
    case "PROTOCOL_MISMATCH":
      return { ...base, kind: "protocol-mismatch", title: "Protocol mismatch",
        meaning: "The gateway speaks another protocol version than this page.", nextStep: "Reload the page; update the gateway or the page if it persists." }
    case "CONTROL_UI_ORIGIN_NOT_ALLOWED":
      return { ...base, kind: "origin-not-allowed", title: "Browser origin not allowed", keepRetrying: true,
        meaning: "The page's origin is not in gateway.controlUi.allowedOrigins (or it is a non-loopback origin and no allowlist is configured).",
        nextStep: "Open the Control UI from the gateway host (http://127.0.0.1:<port>/), or add this origin to the allowlist:",
        command: `openclaw config set gateway.controlUi.allowedOrigins '["${pageOrigin}"]' --strict-json` }
    case "UNAVAILABLE":
      return { ...base, kind: "starting", title: "Gateway starting…", keepRetrying: true,
        meaning: "The gateway is still starting its services.", nextStep: "Reconnecting shortly.",
        retryAfterMs: Math.min(2_000, Math.max(100, error.retryAfterMs ?? 500)) }
    default:
      return { ...base, kind: "unreachable", title: "Gateway unreachable", keepRetrying: true,
        meaning: error.message === "" ? "The gateway closed the connection." : error.message,
        nextStep: "Check that the gateway runs and the URL is right.",
        command: "openclaw gateway status" }
  }
}

/** Whether a token mismatch gets the one retry with the stored device token (spec control-ui 3.4). */
export const canRetryWithDeviceToken = (input: {
  readonly detailsCode: string
  readonly storedDeviceToken: boolean
  readonly sentDeviceToken: boolean
  readonly explicitToken: boolean
  readonly trustedEndpoint: boolean
  readonly budgetUsed: boolean
}): boolean =>
  input.detailsCode === "AUTH_TOKEN_MISMATCH" && input.storedDeviceToken && !input.sentDeviceToken && input.explicitToken &&
  input.trustedEndpoint && !input.budgetUsed

/** A trusted endpoint for the retry: a loopback gateway host, or the page's own host. */
export const isTrustedEndpoint = (gatewayUrl: string, pageHost: string): boolean => {
  try {
    const host = new URL(gatewayUrl).hostname.replace(/^\[|\]$/g, "")
    return host === "localhost" || host === "::1" || /^127\./.test(host) || host === pageHost.replace(/:\d+$/, "").replace(/^\[|\]$/g, "")
  } catch {
    return false
  }
}
