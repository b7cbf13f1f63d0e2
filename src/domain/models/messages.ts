import { Schema } from "effect"
import { THINKING_LEVELS } from "./thinkingLevels.js"

/** Plain text in a message. */
export const TextBlock = Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })
export type TextBlock = typeof TextBlock.Type

/** An inline image: base64 bytes and their MIME type. */
export const ImageBlock = Schema.Struct({ type: Schema.Literal("image"), mimeType: Schema.String, data: Schema.String })
export type ImageBlock = typeof ImageBlock.Type

/** Model reasoning; `signature` is the provider's replay token when it gave one. */
export const ThinkingBlock = Schema.Struct({
  type: Schema.Literal("thinking"),
  thinking: Schema.String,
  signature: Schema.optionalWith(Schema.String, { exact: true })
})
export type ThinkingBlock = typeof ThinkingBlock.Type

/** A tool call the model asked for, with its decoded arguments. */
export const ToolCallBlock = Schema.Struct({
  type: Schema.Literal("toolCall"),
  id: Schema.String,
  name: Schema.String,
  arguments: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})
export type ToolCallBlock = typeof ToolCallBlock.Type

export const UserBlock = Schema.Union(TextBlock, ImageBlock)
export type UserBlock = typeof UserBlock.Type
export const AssistantBlock = Schema.Union(TextBlock, ThinkingBlock, ToolCallBlock)
export type AssistantBlock = typeof AssistantBlock.Type

/** Why a model turn ended, normalised across providers. */
export const StopReason = Schema.Literal("stop", "length", "toolUse", "error", "aborted")
export type StopReason = typeof StopReason.Type

export const UserMessage = Schema.Struct({
  role: Schema.Literal("user"),
  content: Schema.Union(Schema.String, Schema.Array(UserBlock))
})
export type UserMessage = typeof UserMessage.Type

export const AssistantMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.Array(AssistantBlock),
  stopReason: Schema.optionalWith(StopReason, { exact: true })
})
export type AssistantMessage = typeof AssistantMessage.Type

export const ToolResultMessage = Schema.Struct({
  role: Schema.Literal("toolResult"),
  toolCallId: Schema.String,
  toolName: Schema.String,
  content: Schema.Array(UserBlock),
  isError: Schema.optionalWith(Schema.Boolean, { exact: true })
})
export type ToolResultMessage = typeof ToolResultMessage.Type

/** One turn of a conversation as the agent keeps it, independent of any provider's wire format. */
export const Message = Schema.Union(UserMessage, AssistantMessage, ToolResultMessage)
export type Message = typeof Message.Type

/** A tool the model may call: its name, what it does and a JSON Schema for its arguments. */
export const ToolSpec = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  strict: Schema.optionalWith(Schema.Boolean, { exact: true })
})
export type ToolSpec = typeof ToolSpec.Type

/** `--thinking` levels of `infer model run` and the agent. */
export const ThinkingLevel = Schema.Literal(...THINKING_LEVELS)
export type ThinkingLevel = typeof ThinkingLevel.Type

/** What one model call is asked: the conversation, the tools on offer and the sampling options. */
export const ModelInput = Schema.Struct({
  system: Schema.optionalWith(Schema.String, { exact: true }),
  messages: Schema.Array(Message),
  tools: Schema.optionalWith(Schema.Array(ToolSpec), { exact: true }),
  maxTokens: Schema.optionalWith(Schema.Number, { exact: true }),
  temperature: Schema.optionalWith(Schema.Number, { exact: true }),
  topP: Schema.optionalWith(Schema.Number, { exact: true }),
  stop: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  thinking: Schema.optionalWith(ThinkingLevel, { exact: true })
})
export type ModelInput = typeof ModelInput.Type

/** Token counts a provider reported (zero when it reported none). */
export const Usage = Schema.Struct({
  input: Schema.Number,
  output: Schema.Number,
  cacheRead: Schema.Number,
  cacheWrite: Schema.Number,
  total: Schema.Number
})
export type Usage = typeof Usage.Type

export const emptyUsage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 }

/** The request exactly as sent on the wire, with secret headers redacted. */
export const WireRequest = Schema.Struct({
  method: Schema.Literal("POST"),
  url: Schema.String,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.Unknown
})
export type WireRequest = typeof WireRequest.Type

/** What one provider turn produced. */
export const ModelOutput = Schema.Struct({
  content: Schema.Array(AssistantBlock),
  stopReason: StopReason,
  /** The provider's own word (`end_turn`, `tool_calls`, ...), for logs. */
  rawStopReason: Schema.optionalWith(Schema.String, { exact: true }),
  usage: Usage
})
export type ModelOutput = typeof ModelOutput.Type

/** The visible text of a turn: non-empty text blocks joined by newlines. */
export const outputText = (content: ReadonlyArray<AssistantBlock>): string =>
  content.flatMap((block) => (block.type === "text" && block.text !== "" ? [block.text] : [])).join("\n")

export const outputToolCalls = (content: ReadonlyArray<AssistantBlock>): ReadonlyArray<ToolCallBlock> =>
  content.flatMap((block) => (block.type === "toolCall" ? [block] : []))
