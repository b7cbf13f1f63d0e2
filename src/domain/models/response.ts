import { Schema } from "effect"
import { FailoverAttempt } from "./errors.js"
import { FailoverReason } from "./failover.js"
import { ModelOutput, outputText, ToolCallBlock, WireRequest } from "./messages.js"

/** Set when the answer came from a fallback candidate rather than the selected model. */
export const FallbackInfo = Schema.Struct({
  selected: Schema.String,
  active: Schema.String,
  reason: FailoverReason,
  notice: Schema.String
})
export type FallbackInfo = typeof FallbackInfo.Type

/** A completed model call: who answered, what, the request as sent and any failed attempts before it. */
export const ModelResponse = Schema.Struct({
  provider: Schema.String,
  model: Schema.String,
  output: ModelOutput,
  request: WireRequest,
  attempts: Schema.Array(FailoverAttempt),
  fallback: Schema.optionalWith(FallbackInfo, { exact: true })
})
export type ModelResponse = typeof ModelResponse.Type

export const responseText = (response: ModelResponse): string => outputText(response.output.content)

/** What `ModelClient.stream` emits: deltas as they arrive, whole tool calls, then the completed response. */
export const ModelStreamEvent = Schema.Union(
  Schema.TaggedStruct("TextDelta", { text: Schema.String }),
  Schema.TaggedStruct("ThinkingDelta", { text: Schema.String }),
  Schema.TaggedStruct("ToolCall", { toolCall: ToolCallBlock }),
  Schema.TaggedStruct("Completed", { response: ModelResponse })
)
export type ModelStreamEvent = typeof ModelStreamEvent.Type
