import { Clock, Effect, Layer, Option, Schema, Stream, type Tracer } from "effect"
import { buildCatalogue, findTarget, type ModelTarget } from "../../src/domain/models/catalogue.js"
import { type ModelCallError, ModelHttpError, ModelRateLimited } from "../../src/domain/models/errors.js"
import type { FailoverReason } from "../../src/domain/models/failover.js"
import type { ModelResponse, ModelStreamEvent } from "../../src/domain/models/response.js"
import { OpenClawConfig } from "../../src/domain/config/ConfigSchema.js"
import { ModelClient } from "../../src/services/ModelClient.js"

/** One scripted answer to one provider call. */
export type ScriptedOutcome =
  /** The turn's text, streamed as these deltas. */
  | { readonly _tag: "Reply"; readonly deltas: ReadonlyArray<string> }
  /** The call fails with this error (built for the called target); a stream first emits `deltas`. */
  | { readonly _tag: "Fail"; readonly error: (target: ModelTarget) => ModelCallError; readonly deltas: ReadonlyArray<string> }
  /** Streams these deltas, each `everyMs` (Clock time) after the last, then never finishes (`complete` never answers). */
  | { readonly _tag: "Stall"; readonly deltas: ReadonlyArray<string>; readonly everyMs: number }

export const reply = (...deltas: ReadonlyArray<string>): ScriptedOutcome => ({ _tag: "Reply", deltas })
export const stall = (deltas: ReadonlyArray<string>, everyMs = 0): ScriptedOutcome => ({ _tag: "Stall", deltas, everyMs })
/** A request that never answers. */
export const hang: ScriptedOutcome = stall([])
/** `outcome`'s failure after a stream already emitted `deltas`. */
export const failAfter = (outcome: ScriptedOutcome, ...deltas: ReadonlyArray<string>): ScriptedOutcome =>
  outcome._tag === "Fail" ? { ...outcome, deltas } : outcome

const failWith = (status: number, reason: FailoverReason, message: string, retryAfterMs?: number): ScriptedOutcome => ({
  _tag: "Fail",
  deltas: [],
  error: (target) =>
    reason === "rate_limit"
      ? new ModelRateLimited({ message, provider: target.provider, model: target.model, reason, status, longContext: false, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
      : new ModelHttpError({ message, provider: target.provider, model: target.model, reason, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
})

/** A 429 as the wire client reports it, with `retry-after` when given. */
export const rateLimited = (retryAfterMs?: number) => failWith(429, "rate_limit", "HTTP 429: rate_limit_exceeded: Rate limit reached", retryAfterMs)
/** A 503 overload. */
export const overloaded = failWith(503, "overloaded", "HTTP 503: overloaded_error: The server is overloaded")
/** A 502 from a proxy. */
export const badGateway = failWith(502, "server_error", "HTTP 502: server_error: Bad gateway")
/** A rejected key. */
export const unauthorized = failWith(401, "auth", "HTTP 401: Incorrect API key provided")

/** One call the scripted client received: the target's `provider/model`, how, when (Clock time) and the spans it ran in (innermost first). */
export interface ScriptedCall {
  readonly key: string
  readonly mode: "complete" | "stream"
  readonly at: number
  readonly spans: ReadonlyArray<string>
}

const spanNames = Effect.map(Effect.option(Effect.currentSpan), (current) => {
  const names: Array<string> = []
  let span: Option.Option<Tracer.AnySpan> = current
  while (Option.isSome(span)) {
    if (span.value._tag === "Span") names.push(span.value.name)
    span = span.value._tag === "Span" ? span.value.parent : Option.none()
  }
  return names
})

/**
 * Provider targets `provider/model` for scripted calls, from a minimal config: each provider gets
 * `timeoutSeconds` when given.
 */
export const scriptedTargets = (providers: Readonly<Record<string, { readonly models: ReadonlyArray<string>; readonly timeoutSeconds?: number }>>) => {
  const config = Schema.decodeUnknownSync(OpenClawConfig)({
    models: {
      providers: Object.fromEntries(Object.entries(providers).map(([id, entry]) => [id, {
        baseUrl: `http://${id}.scripted.invalid/v1`,
        api: "openai-completions",
        apiKey: "scripted-key",
        ...(entry.timeoutSeconds === undefined ? {} : { timeoutSeconds: entry.timeoutSeconds }),
        models: entry.models.map((id) => ({ id }))
      }]))
    }
  })
  const catalogue = buildCatalogue(config, {})
  return (key: string): ModelTarget => {
    const slash = key.indexOf("/")
    return Option.getOrThrowWith(Option.fromNullable(findTarget(catalogue, key.slice(0, slash), key.slice(slash + 1))), () => new Error(`no scripted target ${key}`))
  }
}

/**
 * An in-memory `ModelClient`: each call to `provider/model` takes the next outcome of that key's queue
 * (then `otherwise`), and is recorded in `calls`. Stack the policy layers over it to test retry,
 * timeout and fallback on the TestClock without a wire.
 */
export const ScriptedModelClient = (script: Readonly<Record<string, ReadonlyArray<ScriptedOutcome>>>, otherwise: ScriptedOutcome = reply("pong")) => {
  const queues = new Map(Object.entries(script).map(([key, outcomes]) => [key, [...outcomes]]))
  const calls: Array<ScriptedCall> = []
  const next = (target: ModelTarget, mode: ScriptedCall["mode"]) =>
    Effect.map(Effect.zip(Clock.currentTimeMillis, spanNames), ([at, spans]) => {
      calls.push({ key: target.key, mode, at, spans })
      return queues.get(target.key)?.shift() ?? otherwise
    })
  const response = (target: ModelTarget, text: string): ModelResponse => ({
    provider: target.provider,
    model: target.model,
    output: { content: [{ type: "text", text }], stopReason: "stop", usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, total: 2 } },
    request: { method: "POST", url: `${target.baseUrl}/chat/completions`, headers: {}, body: { model: target.model } },
    attempts: []
  })
  const layer = Layer.succeed(ModelClient, {
    complete: ({ target }) =>
      Effect.flatMap(next(target, "complete"), (outcome) => {
        switch (outcome._tag) {
          case "Reply":
            return Effect.succeed(response(target, outcome.deltas.join("")))
          case "Fail":
            return Effect.fail(outcome.error(target))
          case "Stall":
            return Effect.never
        }
      }),
    stream: ({ target }) =>
      Stream.unwrap(Effect.map(next(target, "stream"), (outcome): Stream.Stream<ModelStreamEvent, ModelCallError> => {
        const deltas = Stream.fromIterable(outcome.deltas.map((text): ModelStreamEvent => ({ _tag: "TextDelta", text })))
        switch (outcome._tag) {
          case "Reply":
            return Stream.concat(deltas, Stream.succeed<ModelStreamEvent>({ _tag: "Completed", response: response(target, outcome.deltas.join("")) }))
          case "Fail":
            return Stream.concat(deltas, Stream.fail(outcome.error(target)))
          case "Stall":
            return Stream.concat(deltas.pipe(Stream.tap(() => Effect.sleep(outcome.everyMs))), Stream.never)
        }
      }))
  })
  return { layer, calls }
}
