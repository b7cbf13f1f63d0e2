import type { HttpClient } from "@effect/platform"
import { Effect, Either, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import type { OutputFailure } from "../../domain/models/chatCompletionsResponse.js"
import { ModelBadResponse, type ModelCallError, ModelTransportError } from "../../domain/models/errors.js"
import type { ModelInput, ModelOutput, WireRequest } from "../../domain/models/messages.js"
import { outputToolCalls } from "../../domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../../domain/models/response.js"
import type { SseEvent } from "../../domain/models/sse.js"
import { type PreparedRequest, readJson, send, sseEvents } from "./http.js"

/** The typed failure for a 2xx body that holds no usable turn. */
export const outputFailure = (target: ModelTarget, failure: OutputFailure): ModelCallError =>
  failure.reason === "empty_response"
    ? new ModelBadResponse({ message: failure.message, provider: target.provider, model: target.model, reason: failure.reason })
    : new ModelTransportError({ message: failure.message, provider: target.provider, model: target.model, reason: failure.reason })

export const responseOf = (target: ModelTarget, output: ModelOutput, wire: WireRequest): ModelResponse => ({
  provider: target.provider,
  model: target.model,
  output,
  request: wire,
  attempts: []
})

/** Folds a provider's stream events into deltas and, at the end, the whole turn. */
export interface StreamAccumulator {
  /** One decoded SSE event whose `data:` parsed as JSON. */
  readonly push: (event: SseEvent, payload: unknown) => ReadonlyArray<ModelStreamEvent>
  readonly finish: () => Either.Either<ModelOutput, OutputFailure>
}

/** What one provider API contributes; the HTTP exchange, SSE decoding and completion are shared. */
export interface WireProtocol {
  readonly prepare: (target: ModelTarget, input: ModelInput, stream: boolean) => Effect.Effect<PreparedRequest, ModelCallError>
  readonly parse: (body: unknown) => Either.Either<ModelOutput, OutputFailure>
  readonly accumulator: () => StreamAccumulator
  /** Events that carry no JSON (the Chat Completions `[DONE]` sentinel). */
  readonly skip?: (event: SseEvent) => boolean
}

/** A provider client over an HttpClient: `complete` waits for the whole turn, `stream` emits deltas then the turn. */
export const wireClient = (http: HttpClient.HttpClient, protocol: WireProtocol) => ({
  complete: (target: ModelTarget, input: ModelInput): Effect.Effect<ModelResponse, ModelCallError> =>
    Effect.gen(function*() {
      const prepared = yield* protocol.prepare(target, input, false)
      const response = yield* send(http, target, prepared)
      const body = yield* readJson(target, response)
      const output = protocol.parse(body)
      if (Either.isLeft(output)) return yield* outputFailure(target, output.left)
      return responseOf(target, output.right, prepared.wire)
    }),

  stream: (target: ModelTarget, input: ModelInput): Stream.Stream<ModelStreamEvent, ModelCallError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const prepared = yield* protocol.prepare(target, input, true)
        const response = yield* send(http, target, prepared)
        const accumulator = protocol.accumulator()
        const deltas = sseEvents(target, response).pipe(
          Stream.mapConcat((events) => {
            const out: Array<ModelStreamEvent> = []
            for (const event of events) {
              if (protocol.skip?.(event) === true) continue
              let payload: unknown
              try {
                payload = JSON.parse(event.data)
              } catch {
                continue
              }
              for (const delta of accumulator.push(event, payload)) out.push(delta)
            }
            return out
          })
        )
        const done = Stream.fromEffect(
          Effect.suspend(() => {
            const output = accumulator.finish()
            if (Either.isLeft(output)) return Effect.fail(outputFailure(target, output.left))
            const completed: Array<ModelStreamEvent> = outputToolCalls(output.right.content).map((toolCall) => ({ _tag: "ToolCall", toolCall }))
            completed.push({ _tag: "Completed", response: responseOf(target, output.right, prepared.wire) })
            return Effect.succeed(completed)
          })
        ).pipe(Stream.flattenIterables)
        return Stream.concat(deltas, done)
      })
    )
})
