import { Either, Schema } from "effect"
import { isRecord } from "../isRecord.js"
import type { OutputFailure } from "./chatCompletionsResponse.js"
import { classifyFailure } from "./failover.js"
import type { AssistantBlock, ModelOutput, StopReason, Usage } from "./messages.js"
import { emptyUsage } from "./messages.js"
import type { ModelStreamEvent } from "./response.js"
import { JsonObject, orAbsent, tolerant } from "./tolerant.js"

const Text = tolerant(Schema.String)
const Count = tolerant(Schema.Finite)

/** Token counts; a count the payload leaves out keeps its earlier value (stream deltas carry some). */
const AnthropicUsage = Schema.Struct({
  input_tokens: Count,
  output_tokens: Count,
  cache_read_input_tokens: Count,
  cache_creation_input_tokens: Count
})
type AnthropicUsage = typeof AnthropicUsage.Type

/** The content blocks a turn is made of; other block types are skipped. */
const ContentBlock = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text"), text: Text }),
  Schema.Struct({ type: Schema.Literal("thinking"), thinking: Text, signature: Text }),
  Schema.Struct({ type: Schema.Literal("tool_use"), id: Text, name: Text, input: tolerant(JsonObject) })
)
type ContentBlock = typeof ContentBlock.Type

/** A non-streamed Messages API body: `content` must be an array. */
const AnthropicMessage = Schema.Struct({
  content: Schema.Array(orAbsent(ContentBlock)),
  stop_reason: Text,
  usage: tolerant(AnthropicUsage)
})

/** One stream event payload, with the fields any event type may carry. */
const AnthropicEvent = Schema.Struct({
  type: Text,
  index: Count,
  message: tolerant(Schema.Struct({ usage: tolerant(AnthropicUsage) })),
  content_block: tolerant(Schema.Struct({ type: Text, text: Text, id: Text, name: Text })),
  delta: tolerant(Schema.Struct({ type: Text, text: Text, thinking: Text, signature: Text, partial_json: Text, stop_reason: Text })),
  usage: tolerant(AnthropicUsage)
})

/** An error body: `{ error: { type, message } }`. */
const AnthropicErrorBody = Schema.Struct({ error: tolerant(Schema.Struct({ type: Text, message: Text })) })

const decodeMessage = Schema.decodeUnknownEither(AnthropicMessage, { errors: "all" })
const decodeEvent = Schema.decodeUnknownEither(AnthropicEvent, { errors: "all" })
const decodeErrorBody = Schema.decodeUnknownEither(AnthropicErrorBody, { errors: "all" })

/** Messages API stop reasons in the agent's words. */
export const anthropicStopReason = (reason: string | undefined): StopReason => {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length"
    case "tool_use":
      return "toolUse"
    case "refusal":
      return "error"
    default:
      return "stop"
  }
}

const usageOf = (usage: AnthropicUsage | undefined, base: Usage = emptyUsage): Usage => {
  if (usage === undefined) return base
  const input = usage.input_tokens ?? base.input
  const output = usage.output_tokens ?? base.output
  const cacheRead = usage.cache_read_input_tokens ?? base.cacheRead
  const cacheWrite = usage.cache_creation_input_tokens ?? base.cacheWrite
  return { input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite }
}

const blockOf = (block: ContentBlock): AssistantBlock => {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text ?? "" }
    case "thinking":
      return { type: "thinking", thinking: block.thinking ?? "", signature: block.signature ?? "" }
    case "tool_use":
      return { type: "toolCall", id: block.id ?? "", name: block.name ?? "", arguments: block.input ?? {} }
  }
}

/** `HTTP <status>: <type>: <message>` from an Anthropic error body (the runbook's signature form). */
export const anthropicErrorText = (status: number | undefined, body: unknown, raw: string): { readonly type: string | undefined; readonly text: string } => {
  const decoded = decodeErrorBody(body)
  const error = Either.isRight(decoded) ? decoded.right.error : undefined
  const type = error?.type
  const message = error?.message
  const detail = type !== undefined && message !== undefined ? `${type}: ${message}` : raw.trim().slice(0, 300)
  return { type, text: status === undefined ? detail : `HTTP ${status}: ${detail}` }
}

/** Parses a non-streamed Messages API body. */
export const parseAnthropicMessage = (body: unknown): Either.Either<ModelOutput, OutputFailure> => {
  const decoded = decodeMessage(body)
  if (Either.isLeft(decoded)) return Either.left({ reason: "empty_response", message: "Messages API response has no content" })
  const root = decoded.right
  const content = root.content.flatMap((block) => {
    const parsed = block === undefined ? undefined : blockOf(block)
    return parsed === undefined || (parsed.type === "text" && parsed.text === "") ? [] : [parsed]
  })
  const stop = root.stop_reason
  return Either.right({ content, stopReason: anthropicStopReason(stop), ...(stop === undefined ? {} : { rawStopReason: stop }), usage: usageOf(root.usage) })
}

/** Accumulates Messages API stream events (`message_start` ... `message_stop`) into a turn. */
export const makeAnthropicStreamAccumulator = () => {
  const blocks = new Map<number, { kind: string; text: Array<string>; json: Array<string>; id: string; name: string; signature: string }>()
  let stop: string | undefined
  let usage: Usage = emptyUsage
  let started = false
  let stopped = false
  let failure: OutputFailure | undefined
  return {
    push(eventName: string | undefined, payload: unknown): Array<ModelStreamEvent> {
      const decoded = decodeEvent(payload)
      if (Either.isLeft(decoded)) return []
      const data = decoded.right
      switch (data.type ?? eventName) {
        case "message_start":
          started = true
          usage = usageOf(data.message?.usage)
          return []
        case "content_block_start": {
          const block = data.content_block
          blocks.set(data.index ?? 0, {
            kind: block?.type ?? "text",
            text: block?.text === undefined || block.text === "" ? [] : [block.text],
            json: [],
            id: block?.id ?? "",
            name: block?.name ?? "",
            signature: ""
          })
          return []
        }
        case "content_block_delta": {
          const entry = blocks.get(data.index ?? 0)
          const delta = data.delta
          if (entry === undefined || delta === undefined) return []
          if (delta.type === "text_delta" && delta.text !== undefined) {
            entry.text.push(delta.text)
            return [{ _tag: "TextDelta", text: delta.text }]
          }
          if (delta.type === "thinking_delta" && delta.thinking !== undefined) {
            entry.text.push(delta.thinking)
            return [{ _tag: "ThinkingDelta", text: delta.thinking }]
          }
          if (delta.type === "signature_delta") entry.signature += delta.signature ?? ""
          if (delta.type === "input_json_delta") entry.json.push(delta.partial_json ?? "")
          return []
        }
        case "message_delta":
          stop = data.delta?.stop_reason ?? stop
          usage = usageOf(data.usage, usage)
          return []
        case "message_stop":
          stopped = true
          return []
        case "error": {
          const text = anthropicErrorText(undefined, payload, JSON.stringify(payload)).text
          failure = { reason: classifyFailure({ message: text }), message: text }
          return []
        }
        default:
          return []
      }
    },
    finish(): Either.Either<ModelOutput, OutputFailure> {
      if (failure !== undefined) return Either.left(failure)
      if (!started) return Either.left({ reason: "empty_response", message: "Messages API stream ended before message_start" })
      if (!stopped && stop === undefined) return Either.left({ reason: "timeout", message: "Messages API stream ended early (malformed_response)" })
      const content: Array<AssistantBlock> = []
      for (const [, block] of [...blocks].sort(([a], [b]) => a - b)) {
        if (block.kind === "text" && block.text.join("") !== "") content.push({ type: "text", text: block.text.join("") })
        else if (block.kind === "thinking") content.push({ type: "thinking", thinking: block.text.join(""), signature: block.signature })
        else if (block.kind === "tool_use") {
          const json = block.json.join("")
          let args: Record<string, unknown> = {}
          try {
            const parsed: unknown = json.trim() === "" ? {} : JSON.parse(json)
            args = isRecord(parsed) ? parsed : {}
          } catch {
            args = { _raw: json }
          }
          content.push({ type: "toolCall", id: block.id, name: block.name, arguments: args })
        }
      }
      return Either.right({ content, stopReason: anthropicStopReason(stop), ...(stop === undefined ? {} : { rawStopReason: stop }), usage })
    }
  }
}
