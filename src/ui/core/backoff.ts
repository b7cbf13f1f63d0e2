/** The original's reconnect delay: 800 ms × 1.7^(n-1), at most 15 s, no jitter (n counts from 1). */
export const reconnectDelayMs = (attempt: number, maxMs = 15_000): number =>
  Math.min(maxMs, Math.round(800 * Math.pow(1.7, Math.max(0, attempt - 1))))

/** A retryable error's `retryAfterMs` is a floor under the backoff. */
export const withRetryAfterFloor = (delayMs: number, retryAfterMs: number | undefined): number =>
  retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > delayMs ? retryAfterMs : delayMs

/** Silence allowed after hello before the socket is closed 4000 `tick timeout`: 2 × interval, at least 1 s. */
export const tickSilenceLimitMs = (tickIntervalMs: number | undefined): number =>
  Math.max(1_000, 2 * (tickIntervalMs !== undefined && tickIntervalMs > 0 ? tickIntervalMs : 30_000))
