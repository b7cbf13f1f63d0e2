import type { HttpClient } from "@effect/platform"
import { Effect, Either, Redacted, Stream } from "effect"
import { buildAnthropicRequest } from "../../domain/models/anthropicMessages.js"
import { makeAnthropicStreamAccumulator, parseAnthropicMessage } from "../../domain/models/anthropicResponse.js"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import type { ModelCallError } from "../../domain/models/errors.js"
import { anthropicBetaHeader, hasLegacyContext1m } from "../../domain/models/longContext.js"
import type { ModelInput } from "../../domain/models/messages.js"
import { outputToolCalls } from "../../domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../../domain/models/response.js"
import { customHeaders, prepare, readJson, requireCredential, send, sseEvents } from "./http.js"
import { outputFailure, responseOf } from "./openAiCompletions.js"

export const ANTHROPIC_VERSION = "2023-06-01"

/** `<baseUrl>/v1/messages`, or `<baseUrl>/messages` when the base already ends in `/v1`. */
export const messagesUrl = (baseUrl: string) => (/\/v1$/.test(baseUrl) ? `${baseUrl}/messages` : `${baseUrl}/v1/messages`)

const prepareMessages = (target: ModelTarget, input: ModelInput, stream: boolean) =>
  Effect.gen(function*() {
    const key = yield* requireCredential(target)
    const tokenAuth = target.providerEntry.credential.kind === "token"
    if (hasLegacyContext1m(target.params)) {
      yield* Effect.logDebug(`model ${target.key}: params.context1m is a no-op (1M context is automatic where GA); the retired beta header is not sent`)
    }
    const { body, notes } = buildAnthropicRequest(target, input, stream)
    for (const note of notes) yield* Effect.logDebug(`model ${target.key}: ${note}`)
    const configuredBeta = target.headers["anthropic-beta"]
    const beta = anthropicBetaHeader(configuredBeta === undefined ? undefined : Redacted.value(configuredBeta), tokenAuth)
    const headers: Record<string, string> = {
      ...customHeaders(target, ["anthropic-beta"]),
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "anthropic-version": ANTHROPIC_VERSION
    }
    if (beta !== undefined) headers["anthropic-beta"] = beta
    if (key !== undefined) {
      if (tokenAuth) headers["authorization"] = `Bearer ${key}`
      else headers["x-api-key"] = key
    }
    return yield* prepare(target, messagesUrl(target.baseUrl), headers, body)
  })

/** The Anthropic Messages API (`api: "anthropic-messages"`), tool use and streaming included. */
export const anthropicMessages = (http: HttpClient.HttpClient) => ({
  complete: (target: ModelTarget, input: ModelInput): Effect.Effect<ModelResponse, ModelCallError> =>
    Effect.gen(function*() {
      const prepared = yield* prepareMessages(target, input, false)
      const response = yield* send(http, target, prepared)
      const body = yield* readJson(target, response)
      const output = parseAnthropicMessage(body)
      if (Either.isLeft(output)) return yield* Effect.fail(outputFailure(target, output.left))
      return responseOf(target, output.right, prepared.wire)
    }),

  stream: (target: ModelTarget, input: ModelInput): Stream.Stream<ModelStreamEvent, ModelCallError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const prepared = yield* prepareMessages(target, input, true)
        const response = yield* send(http, target, prepared)
        const accumulator = makeAnthropicStreamAccumulator()
        const deltas = sseEvents(target, response).pipe(
          Stream.mapConcat((events) => {
            const out: Array<ModelStreamEvent> = []
            for (const event of events) {
              let payload: unknown
              try {
                payload = JSON.parse(event.data)
              } catch {
                continue
              }
              for (const delta of accumulator.push(event.event, payload)) out.push(delta)
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
