import { Schema } from "effect"

/**
 * Why a model call failed, as the failover logic sees it (spec 1.4), plus the state labels for
 * failures without detail and `context_overflow`, which stays with compaction and never falls back.
 */
export const FailoverReason = Schema.Literal(
  "billing",
  "rate_limit",
  "overloaded",
  "auth",
  "auth_permanent",
  "timeout",
  "format",
  "model_not_found",
  "session_expired",
  "server_error",
  "unknown",
  "empty_response",
  "no_error_details",
  "unclassified",
  "context_overflow"
)
export type FailoverReason = typeof FailoverReason.Type

/** The HTTP-like status each reason stands for (spec 1.4). */
export const reasonStatus: Readonly<Partial<Record<FailoverReason, number>>> = {
  billing: 402,
  rate_limit: 429,
  overloaded: 503,
  auth: 401,
  auth_permanent: 403,
  timeout: 408,
  format: 400,
  model_not_found: 404,
  session_expired: 410,
  server_error: 500
}

/** What is known about a failure when it is classified. */
export interface FailureFacts {
  readonly status?: number | undefined
  /** Provider error text (message, type and code joined), or a transport error message. */
  readonly message?: string | undefined
  /** A provider-completed finish reason (`error`, `abort`, `network_error`, `malformed_response`). */
  readonly finishReason?: string | undefined
  /** The provider id, for provider-scoped matchers (OpenRouter's bare `Provider returned error`). */
  readonly provider?: string | undefined
}

const CONTEXT_OVERFLOW = [
  /request_too_large/i,
  /input token count exceeds the maximum number of input tokens/i,
  /input exceeds the maximum number of tokens/i,
  /input too long for the model/i,
  /context length exceeded/i,
  /maximum context length/i,
  /context_length_exceeded/i,
  /prompt is too long/i
]

// Temporary usage-window limits: rate limit even when they come as 402 (spec 1.4, model-failover doc).
const USAGE_WINDOW = [
  /(daily|weekly|monthly|hourly) (usage )?limit (reached|exhausted|exceeded)/i,
  /(organization|workspace) spend(ing)? limit exceeded/i,
  /usage limit exhausted/i
]

const RATE_LIMIT = [
  /rate[ _-]?limit/i,
  /too many requests/i,
  /too many concurrent requests/i,
  /throttlingexception/i,
  /concurrency limit reached/i,
  /quota limit exceeded/i,
  /\bthrottled\b/i,
  /resource[ _]exhausted/i,
  /extra usage is required for long context requests/i,
  ...USAGE_WINDOW
]

const BILLING = [
  /insufficient[ _](credits|balance|funds|quota)/i,
  /credit balance (is )?too low/i,
  /payment required/i,
  /billing/i
]

const OVERLOADED = [/overloaded/i, /modelnotreadyexception/i, /server is busy/i, /capacity/i]

const AUTH_PERMANENT = [/(key|token|account|workspace|organization) (has been |was )?(revoked|deactivated|disabled)/i]

const AUTH = [/invalid[ _-]?(api[ _-]?)?key/i, /unauthori[sz]ed/i, /authentication/i, /invalid x-api-key/i, /no api key/i]

const MODEL_NOT_FOUND = [/model_not_found/i, /model not found/i, /unknown model/i, /model .* does not exist/i]

const TIMEOUT_TEXT = [
  /timed? ?out/i,
  /timeout/i,
  /etimedout/i,
  /econnreset/i,
  /econnrefused/i,
  /socket hang up/i,
  /network[ _]error/i,
  /\babort(ed)?\b/i,
  /malformed[ _]response/i,
  /an unknown error occurred/i,
  /internal server error/i,
  /unknown error, 520/i,
  /upstream error/i,
  /backend error/i
]

const matches = (patterns: ReadonlyArray<RegExp>, text: string) => patterns.some((p) => p.test(text))

const fromStatus = (status: number): FailoverReason | undefined => {
  switch (status) {
    case 400:
    case 422:
      return "format"
    case 401:
      return "auth"
    case 402:
      return "billing"
    case 403:
      return "auth_permanent"
    case 404:
      return "model_not_found"
    case 408:
      return "timeout"
    case 410:
      return "session_expired"
    case 429:
      return "rate_limit"
    case 503:
    case 529:
      return "overloaded"
    default:
      return status >= 500 && status < 600 ? "server_error" : undefined
  }
}

/**
 * Classifies a failed model call (spec 1.4). Specific text wins over the status, so a 402 weekly
 * limit is a rate limit and a 400 `request_too_large` is a context overflow.
 */
export const classifyFailure = (facts: FailureFacts): FailoverReason => {
  const text = (facts.message ?? "").trim()
  if (matches(CONTEXT_OVERFLOW, text)) return "context_overflow"
  if (matches(RATE_LIMIT, text)) return "rate_limit"
  if (matches(BILLING, text)) return "billing"
  if (matches(OVERLOADED, text)) return "overloaded"
  if (matches(AUTH_PERMANENT, text)) return "auth_permanent"
  if (facts.status !== undefined) {
    const byStatus = fromStatus(facts.status)
    if (byStatus !== undefined) return byStatus
  }
  const finish = facts.finishReason?.toLowerCase()
  if (finish === "error") return "server_error"
  if (finish === "abort" || finish === "network_error" || finish === "malformed_response") return "timeout"
  if (/(unhandled )?stop reason: error|reason: error|provider finish_reason: error/i.test(text)) return "server_error"
  if (matches(MODEL_NOT_FOUND, text)) return "model_not_found"
  if (matches(AUTH, text)) return "auth"
  if (facts.provider === "openrouter" && /^provider returned error$/i.test(text)) return "timeout"
  if (matches(TIMEOUT_TEXT, text)) return "timeout"
  if (text === "Unknown error (no error details in response)") return "no_error_details"
  if (text === "" && facts.status === undefined) return "empty_response"
  if (facts.status !== undefined) return "unknown"
  return "unclassified"
}

/** Stage 2 advances to the next candidate on these; format errors and context overflow are terminal. */
export const shouldFallback = (reason: FailoverReason): boolean => reason !== "format" && reason !== "context_overflow"

/** Worth one more try on the same provider: transient capacity and transport trouble. */
export const isTransient = (reason: FailoverReason): boolean =>
  reason === "rate_limit" || reason === "overloaded" || reason === "server_error" || reason === "timeout"
