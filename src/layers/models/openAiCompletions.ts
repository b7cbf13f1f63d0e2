import type { HttpClient } from "@effect/platform"
import { Effect, Either, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { buildChatCompletionsRequest } from "../../domain/models/chatCompletions.js"
import { makeChatStreamAccumulator, type OutputFailure, parseChatCompletion } from "../../domain/models/chatCompletionsResponse.js"
import { ModelBadResponse, type ModelCallError, ModelTransportError } from "../../domain/models/errors.js"
import type { ModelInput, ModelOutput, WireRequest } from "../../domain/models/messages.js"
import { outputToolCalls } from "../../domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../../domain/models/response.js"
import { customHeaders, prepare, readJson, requireCredential, send, sseEvents } from "./http.js"

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

const prepareChat = (target: ModelTarget, input: ModelInput, stream: boolean) =>
  Effect.gen(function*() {
    const key = yield* requireCredential(target)
    const { body, notes } = buildChatCompletionsRequest(target, input, stream)
    for (const note of notes) yield* Effect.logDebug(`model ${target.key}: ${note}`)
    const headers: Record<string, string> = {
      ...customHeaders(target),
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json"
    }
    if (key !== undefined && target.providerEntry.authHeader) headers["authorization"] = `Bearer ${key}`
    return yield* prepare(target, `${target.baseUrl}/chat/completions`, headers, body)
  })

/** Chat Completions (`api: "openai-completions"`) over an HttpClient: POST `<baseUrl>/chat/completions`. */
export const openAiCompletions = (http: HttpClient.HttpClient) => ({
  complete: (target: ModelTarget, input: ModelInput): Effect.Effect<ModelResponse, ModelCallError> =>
    Effect.gen(function*() {
      const prepared = yield* prepareChat(target, input, false)
      const response = yield* send(http, target, prepared)
      const body = yield* readJson(target, response)
      const output = parseChatCompletion(body)
      if (Either.isLeft(output)) return yield* Effect.fail(outputFailure(target, output.left))
      return responseOf(target, output.right, prepared.wire)
    }),

  stream: (target: ModelTarget, input: ModelInput): Stream.Stream<ModelStreamEvent, ModelCallError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const prepared = yield* prepareChat(target, input, true)
        const response = yield* send(http, target, prepared)
        const accumulator = makeChatStreamAccumulator()
        const deltas = sseEvents(target, response).pipe(
          Stream.mapConcat((events) => {
            const out: Array<ModelStreamEvent> = []
            for (const event of events) {
              if (event.data === "[DONE]") continue
              let payload: unknown
              try {
                payload = JSON.parse(event.data)
              } catch {
                continue
              }
              for (const delta of accumulator.push(payload)) out.push(delta)
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
