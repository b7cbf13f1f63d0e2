import type { HttpClient } from "@effect/platform"
import { Effect, Redacted } from "effect"
import { buildAnthropicRequest } from "../../domain/models/anthropicMessages.js"
import { makeAnthropicStreamAccumulator, parseAnthropicMessage } from "../../domain/models/anthropicResponse.js"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { anthropicBetaHeader, hasLegacyContext1m } from "../../domain/models/longContext.js"
import type { ModelInput } from "../../domain/models/messages.js"
import { customHeaders, prepare, requireCredential } from "./http.js"
import { wireClient } from "./wireClient.js"

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
export const anthropicMessages = (http: HttpClient.HttpClient) =>
  wireClient(http, {
    prepare: prepareMessages,
    parse: parseAnthropicMessage,
    accumulator: () => {
      const events = makeAnthropicStreamAccumulator()
      return { push: (event, payload) => events.push(event.event, payload), finish: () => events.finish() }
    }
  })
