import type { HttpClient } from "@effect/platform"
import { Effect } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { buildChatCompletionsRequest } from "../../domain/models/chatCompletions.js"
import { makeChatStreamAccumulator, parseChatCompletion } from "../../domain/models/chatCompletionsResponse.js"
import type { ModelInput } from "../../domain/models/messages.js"
import { customHeaders, prepare, requireCredential } from "./http.js"
import { wireClient } from "./wireClient.js"

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
export const openAiCompletions = (http: HttpClient.HttpClient) =>
  wireClient(http, {
    prepare: prepareChat,
    parse: parseChatCompletion,
    accumulator: () => {
      const chunks = makeChatStreamAccumulator()
      return { push: (_event, payload) => chunks.push(payload), finish: () => chunks.finish() }
    },
    skip: (event) => event.data === "[DONE]"
  })
