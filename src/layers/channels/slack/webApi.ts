import { Duration, Effect, Schema } from "effect"
import { describeNetworkError } from "../telegram/botApi.js"

/** A Web API call Slack refused (`error`, verbatim: `missing_scope`, `not_in_channel`, ...) or that never reached it. */
export interface SlackApiError {
  readonly message: string
  readonly error: string
  readonly needed: string | undefined
  readonly status: number | undefined
  /** Seconds Slack asked us to wait (`ratelimited`, HTTP 429 `Retry-After`). */
  readonly retryAfter?: number | undefined
}

/** At most this many `ratelimited` answers in a row before a call fails (never a 429 loop). */
const MAX_RATE_LIMITED = 3

const Envelope = Schema.Struct({ ok: Schema.Boolean, error: Schema.optional(Schema.String), needed: Schema.optional(Schema.String) })

/**
 * One Web API method: `POST <apiBase>/<method>` with a JSON body and `Authorization: Bearer <token>`;
 * the `x-oauth-scopes` header (the token's granted scopes) comes back with the result.
 */
export const callSlack = <A, I>(input: { readonly apiBase: string; readonly token: string; readonly method: string; readonly body: Record<string, unknown>; readonly result: Schema.Schema<A, I> }) =>
  Effect.gen(function*() {
    let limited = 0
    while (true) {
      const attempt = yield* Effect.either(callOnce(input))
      if (attempt._tag === "Right") return attempt.right
      const retryAfter = attempt.left.retryAfter
      if (retryAfter === undefined || ++limited > MAX_RATE_LIMITED) return yield* Effect.fail(attempt.left)
      yield* Effect.sleep(Duration.seconds(retryAfter))
    }
  })

const callOnce = <A, I>(input: { readonly apiBase: string; readonly token: string; readonly method: string; readonly body: Record<string, unknown>; readonly result: Schema.Schema<A, I> }) =>
  Effect.gen(function*() {
    const response = yield* Effect.tryPromise({
      try: (signal) =>
        fetch(`${input.apiBase.replace(/\/+$/, "")}/${input.method}`, {
          method: "POST",
          headers: { authorization: `Bearer ${input.token}`, "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(input.body),
          signal
        }),
      catch: (error): SlackApiError => ({ message: `${input.method} failed: ${describeNetworkError(error).split(input.token).join("<token>")}`, error: "network", needed: undefined, status: undefined })
    })
    const json: unknown = yield* Effect.promise(() => response.json().catch(() => undefined))
    const envelope = yield* Schema.decodeUnknown(Envelope)(json).pipe(
      Effect.mapError((): SlackApiError => ({ message: `${input.method} failed: HTTP ${response.status}`, error: `http_${response.status}`, needed: undefined, status: response.status }))
    )
    if (!envelope.ok) {
      const error = envelope.error ?? "unknown_error"
      const retryHeader = response.headers.get("retry-after")
      const retryAfter = response.status === 429 || error === "ratelimited" ? Number(retryHeader ?? "1") || 1 : undefined
      return yield* Effect.fail<SlackApiError>({ message: `${input.method} failed: ${error}${envelope.needed === undefined ? "" : ` (needed: ${envelope.needed})`}`, error, needed: envelope.needed, status: response.status, retryAfter })
    }
    const result = yield* Schema.decodeUnknown(input.result)(json).pipe(
      Effect.mapError((): SlackApiError => ({ message: `${input.method} returned an unexpected result`, error: "unexpected_result", needed: undefined, status: response.status }))
    )
    const scopes = response.headers.get("x-oauth-scopes")
    return { result, scopes: scopes === null ? undefined : scopes.split(",").map((s) => s.trim()).filter((s) => s !== "") }
  })
