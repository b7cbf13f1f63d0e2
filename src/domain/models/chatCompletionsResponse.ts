import { Either, Schema } from "effect"
import { isRecord } from "../isRecord.js"
import { classifyFailure, type FailoverReason } from "./failover.js"
import type { AssistantBlock, ModelOutput, StopReason, Usage } from "./messages.js"
import { emptyUsage } from "./messages.js"
import type { ModelStreamEvent } from "./response.js"
import { orAbsent, tolerant } from "./tolerant.js"

/** Why a 2xx body could not be turned into a turn. */
export interface OutputFailure {
  readonly reason: FailoverReason
  readonly message: string
}

const Text = tolerant(Schema.String)
const Count = tolerant(Schema.Finite)

/** `usage` of a Chat Completions body or chunk. */
const ChatUsage = Schema.Struct({
  prompt_tokens: Count,
  completion_tokens: Count,
  total_tokens: Count,
  prompt_tokens_details: tolerant(Schema.Struct({ cached_tokens: Count }))
})
type ChatUsage = typeof ChatUsage.Type

const ToolCallFunction = tolerant(Schema.Struct({ name: Text, arguments: Text }))

/** The reasoning fields backends use (DeepSeek, vLLM, LM Studio), in the order they are read. */
const Reasoning = { reasoning_content: Text, reasoning: Text, reasoning_text: Text }

/** A non-streamed body: the first choice must carry a message; the rest is read if present. */
const ChatCompletion = Schema.Struct({
  choices: Schema.Tuple(
    [Schema.Struct({
      finish_reason: Text,
      message: Schema.Struct({
        content: Text,
        ...Reasoning,
        tool_calls: tolerant(Schema.Array(orAbsent(Schema.Struct({ id: Text, function: ToolCallFunction }))))
      })
    })],
    Schema.Unknown
  ),
  usage: tolerant(ChatUsage)
})

/** One streamed chunk: a delta of the first choice and/or the usage. */
const ChatChunk = Schema.Struct({
  choices: tolerant(Schema.Tuple(
    [orAbsent(Schema.Struct({
      finish_reason: Text,
      delta: tolerant(Schema.Struct({
        content: Text,
        ...Reasoning,
        tool_calls: tolerant(Schema.Array(orAbsent(Schema.Struct({ index: Count, id: Text, function: ToolCallFunction }))))
      }))
    }))],
    Schema.Unknown
  )),
  usage: tolerant(ChatUsage)
})

const decodeCompletion = Schema.decodeUnknownEither(ChatCompletion, { errors: "all" })
const decodeChunk = Schema.decodeUnknownEither(ChatChunk, { errors: "all" })

/** Chat Completions finish reasons in the agent's words. */
export const chatStopReason = (finish: string | undefined): StopReason => {
  switch (finish) {
    case "length":
      return "length"
    case "tool_calls":
    case "function_call":
      return "toolUse"
    case "error":
    case "content_filter":
      return "error"
    default:
      return "stop"
  }
}

const chatUsage = (usage: ChatUsage | undefined): Usage => {
  if (usage === undefined) return emptyUsage
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0
  const input = usage.prompt_tokens ?? 0
  const output = usage.completion_tokens ?? 0
  return { input: input - cached, output, cacheRead: cached, cacheWrite: 0, total: usage.total_tokens || input + output }
}

// Arguments arrive as JSON text; a non-object is kept under `value`, unparsable text under `_raw`.
const parseArguments = (text: string): Record<string, unknown> => {
  if (text.trim() === "") return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return isRecord(parsed) ? parsed : { value: parsed }
  } catch {
    return { _raw: text }
  }
}

const finishFailure = (finish: string | undefined): OutputFailure | undefined =>
  finish === "error" || finish === "abort" || finish === "network_error" || finish === "malformed_response"
    ? { reason: classifyFailure({ finishReason: finish }), message: `Provider finish_reason: ${finish}` }
    : undefined

const REASONING_FIELDS = ["reasoning_content", "reasoning", "reasoning_text"] as const satisfies ReadonlyArray<keyof typeof Reasoning>

/** Parses a non-streamed Chat Completions body. */
export const parseChatCompletion = (body: unknown): Either.Either<ModelOutput, OutputFailure> => {
  const decoded = decodeCompletion(body)
  if (Either.isLeft(decoded)) return Either.left({ reason: "empty_response", message: "Chat Completions response has no choices[0].message" })
  const [choice] = decoded.right.choices
  const { message } = choice
  const finish = choice.finish_reason
  const failed = finishFailure(finish)
  if (failed !== undefined) return Either.left(failed)
  const content: Array<AssistantBlock> = []
  for (const field of REASONING_FIELDS) {
    const thinking = message[field]
    if (thinking !== undefined && thinking !== "") content.push({ type: "thinking", thinking, signature: field })
  }
  if (message.content !== undefined && message.content !== "") content.push({ type: "text", text: message.content })
  for (const call of message.tool_calls ?? []) {
    content.push({ type: "toolCall", id: call?.id ?? "", name: call?.function?.name ?? "", arguments: parseArguments(call?.function?.arguments ?? "") })
  }
  return Either.right({
    content,
    stopReason: chatStopReason(finish),
    ...(finish === undefined ? {} : { rawStopReason: finish }),
    usage: chatUsage(decoded.right.usage)
  })
}

/**
 * Accumulates Chat Completions stream chunks into a turn, returning the deltas each chunk carries.
 * Tool calls arrive in pieces by `index` and are emitted whole when the stream ends.
 */
export const makeChatStreamAccumulator = () => {
  const texts: Array<string> = []
  const thinking = new Map<string, Array<string>>()
  const calls = new Map<number, { id: string; name: string; args: Array<string> }>()
  let finish: string | undefined
  let usage: Usage = emptyUsage
  let sawChoice = false
  return {
    /** Applies one parsed `data:` payload. */
    push(payload: unknown): Array<ModelStreamEvent> {
      const decoded = decodeChunk(payload)
      if (Either.isLeft(decoded)) return []
      const chunk = decoded.right
      if (chunk.usage !== undefined) usage = chatUsage(chunk.usage)
      const choice = chunk.choices?.[0]
      if (choice === undefined) return []
      sawChoice = true
      if (choice.finish_reason !== undefined) finish = choice.finish_reason
      const delta = choice.delta
      if (delta === undefined) return []
      const events: Array<ModelStreamEvent> = []
      for (const field of REASONING_FIELDS) {
        const piece = delta[field]
        if (piece !== undefined && piece !== "") {
          const list = thinking.get(field) ?? []
          list.push(piece)
          thinking.set(field, list)
          events.push({ _tag: "ThinkingDelta", text: piece })
        }
      }
      if (delta.content !== undefined && delta.content !== "") {
        texts.push(delta.content)
        events.push({ _tag: "TextDelta", text: delta.content })
      }
      for (const call of delta.tool_calls ?? []) {
        if (call === undefined) continue
        const index = call.index ?? calls.size
        const entry = calls.get(index) ?? { id: "", name: "", args: [] }
        entry.id = call.id ?? entry.id
        entry.name = entry.name + (call.function?.name ?? "")
        if (call.function?.arguments !== undefined) entry.args.push(call.function.arguments)
        calls.set(index, entry)
      }
      return events
    },
    /** The turn once the stream has ended, or why it is unusable. */
    finish(): Either.Either<ModelOutput, OutputFailure> {
      if (!sawChoice) return Either.left({ reason: "empty_response", message: "Chat Completions stream ended without any choices" })
      const failed = finishFailure(finish)
      if (failed !== undefined) return Either.left(failed)
      const content: Array<AssistantBlock> = []
      for (const [field, pieces] of thinking) content.push({ type: "thinking", thinking: pieces.join(""), signature: field })
      const text = texts.join("")
      if (text !== "") content.push({ type: "text", text })
      for (const [, call] of [...calls].sort(([a], [b]) => a - b)) {
        content.push({ type: "toolCall", id: call.id, name: call.name, arguments: parseArguments(call.args.join("")) })
      }
      return Either.right({ content, stopReason: chatStopReason(finish), ...(finish === undefined ? {} : { rawStopReason: finish }), usage })
    }
  }
}
