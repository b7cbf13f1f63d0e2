// Deep imports: the @effect/platform barrel would bundle (and start) MsgPack, Worker and the rest with it.
import * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Effect, Redacted, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import {
  ModelAuthMissing,
  type ModelCallError,
  ModelHttpError,
  ModelNotFound,
  ModelRateLimited,
  ModelTransportError
} from "../../domain/models/errors.js"
import { classifyFailure } from "../../domain/models/failover.js"
import { isLongContextRefusal } from "../../domain/models/longContext.js"
import type { WireRequest } from "../../domain/models/messages.js"
import { redactHeaders } from "../../domain/models/redact.js"
import { makeSseDecoder, type SseEvent } from "../../domain/models/sse.js"
import { errorSummary } from "../../domain/models/errorBody.js"

/** A request ready to send: the real headers (with secrets) and the redacted wire record. */
export interface PreparedRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Record<string, unknown>
  readonly wire: WireRequest
}

const callFields = (target: ModelTarget) => ({ provider: target.provider, model: target.model })

// Base64 image payloads are elided in logs and --json: the shape matters there, not megabytes of data.
const elide = (value: unknown): unknown => {
  if (typeof value === "string") {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(value)
    if (match !== null && (match[2]?.length ?? 0) > 64) return `data:${match[1]};base64,<${match[2]?.length ?? 0} chars>`
    return value
  }
  if (Array.isArray(value)) return value.map(elide)
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = key === "data" && typeof inner === "string" && inner.length > 64 ? `<${inner.length} chars base64>` : elide(inner)
    }
    return out
  }
  return value
}

/** Custom headers of the target (already lowercased), resolved for sending. */
export const customHeaders = (target: ModelTarget, skip: ReadonlyArray<string> = []): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(target.headers)) if (!skip.includes(name)) out[name] = Redacted.value(value)
  return out
}

/** The credential, or `No API key found for provider "<p>"` unless the endpoint is local. */
export const requireCredential = (target: ModelTarget): Effect.Effect<string | undefined, ModelAuthMissing> => {
  const credential = target.providerEntry.credential
  if (credential.value !== undefined) return Effect.succeed(Redacted.value(credential.value))
  if (target.providerEntry.local) return Effect.succeed(undefined)
  return Effect.fail(
    new ModelAuthMissing({ message: `No API key found for provider "${target.provider}"`, ...callFields(target), reason: "auth", status: 401 })
  )
}

/** Bundles the request and its redacted record, and logs the exact shape at debug level. */
export const prepare = (target: ModelTarget, url: string, headers: Record<string, string>, body: Record<string, unknown>) =>
  Effect.gen(function*() {
    const wire: WireRequest = { method: "POST", url, headers: redactHeaders(headers), body: elide(body) }
    yield* Effect.whenLogLevel(
      Effect.logDebug(`model request provider=${target.provider} model=${target.model} api=${target.api} POST ${url} ${JSON.stringify({ headers: wire.headers, body: wire.body })}`),
      "Debug"
    )
    const prepared: PreparedRequest = { url, headers, body, wire }
    return prepared
  })

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export const retryAfterMs = (headers: Readonly<Record<string, string | undefined>>, now: number): number | undefined => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms))
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Maps a non-2xx response to the typed error the policies act on. */
export const failureOf = (target: ModelTarget, wire: WireRequest, response: HttpClientResponse.HttpClientResponse): Effect.Effect<never, ModelCallError> =>
  Effect.gen(function*() {
    const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
    const now = yield* Clock.currentTimeMillis
    const { summary, code } = errorSummary(response.status, text)
    const reason = classifyFailure({ status: response.status, message: summary, provider: target.provider })
    const retryAfter = retryAfterMs(response.headers, now)
    const sentModel = typeof wire.body === "object" && wire.body !== null && "model" in wire.body ? String(wire.body.model) : target.model
    const base = { message: summary, ...callFields(target), status: response.status, request: wire }
    if (response.status === 404 || code === "model_not_found" || reason === "model_not_found") {
      return yield* new ModelNotFound({ ...base, reason: "model_not_found", sentModel })
    }
    if (reason === "rate_limit") {
      return yield* new ModelRateLimited({ ...base, reason, longContext: isLongContextRefusal(summary), ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) })
    }
    return yield* new ModelHttpError({ ...base, reason, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) })
  })

// The platform error says only "Transport error (POST url)"; the socket's own code (ECONNREFUSED,
// ECONNRESET, ...) is what tells a person whether the server is down or dropped the request.
const causeDetail = (cause: unknown): string | undefined => {
  const inner = typeof cause === "object" && cause !== null && "cause" in cause ? (cause as { readonly cause: unknown }).cause : undefined
  if (!(inner instanceof Error)) return undefined
  const code = (inner as { readonly code?: unknown }).code
  return typeof code === "string" && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message
}

const transportError = (target: ModelTarget, cause: { readonly message: string }, wire?: WireRequest) => {
  const detail = causeDetail(cause)
  const message = detail === undefined || detail === "" || cause.message.includes(detail) ? cause.message : `${cause.message}: ${detail}`
  return new ModelTransportError({ message, ...callFields(target), reason: classifyFailure({ message: `network_error ${message}` }), ...(wire === undefined ? {} : { request: wire }) })
}

/** POSTs the JSON body; a non-2xx answer becomes a typed failure. */
export const send = (http: HttpClient.HttpClient, target: ModelTarget, prepared: PreparedRequest) =>
  Effect.gen(function*() {
    const request = HttpClientRequest.post(prepared.url).pipe(
      HttpClientRequest.setHeaders(prepared.headers),
      HttpClientRequest.setBody(HttpBody.text(JSON.stringify(prepared.body), "application/json"))
    )
    const response = yield* http.execute(request).pipe(Effect.mapError((cause) => transportError(target, cause, prepared.wire)))
    if (response.status < 200 || response.status >= 300) return yield* failureOf(target, prepared.wire, response)
    return response
  })

/** The JSON body of a 2xx response. */
export const readJson = (target: ModelTarget, response: HttpClientResponse.HttpClientResponse) =>
  response.text.pipe(
    Effect.mapError((cause) => transportError(target, cause)),
    Effect.flatMap((text) =>
      Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: () => new ModelTransportError({ message: `malformed_response: ${text.slice(0, 200)}`, ...callFields(target), reason: "timeout" })
      })
    )
  )

/** The SSE events of a 2xx response as they arrive (one array per network read). */
export const sseEvents = (target: ModelTarget, response: HttpClientResponse.HttpClientResponse): Stream.Stream<ReadonlyArray<SseEvent>, ModelCallError> =>
  Stream.suspend(() => {
    const decoder = makeSseDecoder()
    return response.stream.pipe(
      Stream.decodeText(),
      Stream.map((text) => decoder.feed(text)),
      Stream.concat(Stream.sync(() => decoder.end())),
      Stream.filter((events) => events.length > 0),
      Stream.mapError((cause) => transportError(target, cause))
    )
  })
