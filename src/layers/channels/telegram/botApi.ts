import { Effect, Either, Schema } from "effect"
import { TgEnvelope } from "../../../domain/channels/telegramApi.js"

/** A Bot API call that failed: the platform's words (or the network's), verbatim, and the HTTP status. */
export interface BotApiError {
  readonly message: string
  readonly status: number | undefined
  /** Seconds Telegram asked us to wait (429). */
  readonly retryAfter: number | undefined
  /** Worth retrying: a network failure, 429 or 5xx. */
  readonly transient: boolean
}

const decodeEnvelope = Schema.decodeUnknownEither(TgEnvelope)

/** `fetch failed | connect ECONNREFUSED 127.0.0.1:9 | ECONNREFUSED`: the error, its cause and code, as the original prints them. */
export const describeNetworkError = (error: unknown): string => {
  const parts: Array<string> = []
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current)
    if (current.message !== "" && !parts.includes(current.message)) parts.push(current.message)
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && !parts.includes(code)) parts.push(code)
    current = (current as { cause?: unknown }).cause
  }
  return parts.length === 0 ? String(error) : parts.join(" | ")
}

/**
 * One Bot API method: `POST <apiRoot>/bot<token>/<method>` with a JSON body, answered by the `{ok,
 * result}` envelope. The token appears only in the URL sent, never in an error.
 */
export const callBotApi = <A, I>(input: {
  readonly apiRoot: string
  readonly token: string
  readonly method: string
  readonly body: Record<string, unknown>
  readonly result: Schema.Schema<A, I>
}): Effect.Effect<A, BotApiError> =>
  Effect.gen(function*() {
    const url = `${input.apiRoot.replace(/\/+$/, "")}/bot${input.token}/${input.method}`
    const response = yield* Effect.tryPromise({
      try: (signal) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input.body), signal }),
      catch: (error): BotApiError => ({ message: describeNetworkError(error).split(input.token).join("<token>"), status: undefined, retryAfter: undefined, transient: true })
    })
    const text = yield* Effect.tryPromise({
      try: () => response.text(),
      catch: (error): BotApiError => ({ message: describeNetworkError(error), status: response.status, retryAfter: undefined, transient: true })
    })
    const envelope = Either.getOrUndefined(decodeEnvelope(safeJson(text)))
    if (envelope === undefined || !envelope.ok || !response.ok) {
      const status = envelope?.error_code ?? response.status
      const description = envelope?.description ?? (text.trim() === "" ? response.statusText : text.trim().slice(0, 200))
      return yield* Effect.fail<BotApiError>({
        message: `${input.method} returned ${status}: ${description}`,
        status,
        retryAfter: envelope?.parameters?.retry_after,
        transient: status === 429 || status >= 500
      })
    }
    return yield* Schema.decodeUnknown(input.result)(envelope.result).pipe(
      Effect.mapError((): BotApiError => ({ message: `${input.method} returned an unexpected result`, status: response.status, retryAfter: undefined, transient: false }))
    )
  })

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
