// Deep imports: the @effect/platform barrel would bundle (and start) MsgPack, Worker and the rest with it.
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect, Layer, Stream } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { estimatePromptTokens, guardContextWindow } from "../../domain/models/contextGuard.js"
import { ModelApiUnsupported, type ModelCallError, ModelContextOverflow } from "../../domain/models/errors.js"
import type { ModelInput } from "../../domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../../domain/models/response.js"
import { ModelClient } from "../../services/ModelClient.js"
import { anthropicMessages } from "./anthropicMessages.js"
import { openAiCompletions } from "./openAiCompletions.js"

interface ProviderClient {
  readonly complete: (target: ModelTarget, input: ModelInput) => Effect.Effect<ModelResponse, ModelCallError>
  readonly stream: (target: ModelTarget, input: ModelInput) => Stream.Stream<ModelStreamEvent, ModelCallError>
}

// The context guard runs before any bytes go out: block below 10% room, warn below 20%.
const guard = (target: ModelTarget, input: ModelInput) =>
  Effect.gen(function*() {
    const estimated = estimatePromptTokens(input)
    const verdict = guardContextWindow(target.contextWindow, estimated)
    if (verdict._tag === "Block") {
      return yield* new ModelContextOverflow({
        message: `Prompt needs about ${estimated} tokens; ${target.key} has a ${target.contextWindow}-token window and needs at least ${Math.round(verdict.threshold)} left`,
        provider: target.provider,
        model: target.model,
        reason: "context_overflow",
        contextWindow: target.contextWindow,
        estimatedTokens: estimated
      })
    }
    if (verdict._tag === "Warn") {
      yield* Effect.logWarning(`context window low: ${target.key} has ${verdict.remaining} of ${target.contextWindow} tokens left (warn below ${Math.round(verdict.threshold)})`)
    }
  })

/**
 * The provider clients behind `ModelClient`, chosen by the target's `api`. It calls exactly the given
 * target: retry, timeout and fallback are separate layers that wrap this one.
 */
export const ModelClientLive = Layer.effect(
  ModelClient,
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const clients: Partial<Record<string, ProviderClient>> = {
      "openai-completions": openAiCompletions(http),
      "anthropic-messages": anthropicMessages(http)
    }
    const clientFor = (target: ModelTarget): Effect.Effect<ProviderClient, ModelApiUnsupported> => {
      const client = clients[target.api]
      return client === undefined
        ? Effect.fail(new ModelApiUnsupported({
          message: `api "${target.api}" (provider ${target.provider}) is not supported yet; supported: openai-completions, anthropic-messages`,
          provider: target.provider,
          model: target.model,
          reason: "format"
        }))
        : Effect.succeed(client)
    }
    return {
      complete: Effect.fn("ModelClient.complete")(function*(request) {
        const client = yield* clientFor(request.target)
        yield* guard(request.target, request.input)
        return yield* client.complete(request.target, request.input)
      }),
      stream: (request) =>
        Stream.unwrap(
          Effect.gen(function*() {
            const client = yield* clientFor(request.target)
            yield* guard(request.target, request.input)
            return client.stream(request.target, request.input)
          })
        ).pipe(Stream.withSpan("ModelClient.stream"))
    }
  })
)
