import { Context, type Effect, type Stream } from "effect"
import type { ModelTarget } from "../domain/models/catalogue.js"
import type { ModelError } from "../domain/models/errors.js"
import type { ModelInput } from "../domain/models/messages.js"
import type { ModelResponse, ModelStreamEvent } from "../domain/models/response.js"

/** One model call: the first candidate, the ones to fall back to (empty: strict) and the input. */
export interface ModelCallRequest {
  readonly target: ModelTarget
  readonly fallbacks: ReadonlyArray<ModelTarget>
  readonly input: ModelInput
}

/**
 * Calls a model: `complete` waits for the whole turn, `stream` emits deltas, whole tool calls and
 * finally the completed response. Provider layers implement it; policy layers wrap it.
 */
export class ModelClient extends Context.Tag("openclaw/ModelClient")<ModelClient, {
  readonly complete: (request: ModelCallRequest) => Effect.Effect<ModelResponse, ModelError>
  readonly stream: (request: ModelCallRequest) => Stream.Stream<ModelStreamEvent, ModelError>
}>() {}
