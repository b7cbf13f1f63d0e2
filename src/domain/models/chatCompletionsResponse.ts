import { Either } from "effect"
import { classifyFailure, type FailoverReason } from "./failover.js"
import type { AssistantBlock, ModelOutput, StopReason, Usage } from "./messages.js"
import { emptyUsage } from "./messages.js"
import type { ModelStreamEvent } from "./response.js"

/** Why a 2xx body could not be turned into a turn. */
export interface OutputFailure {
  readonly reason: FailoverReason
  readonly message: string
}

type Json = Record<string, unknown>
const obj = (value: unknown): Json | undefined => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined)
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

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

/** `usage` of a Chat Completions body or chunk. */
export const chatUsage = (value: unknown): Usage => {
  const usage = obj(value)
  if (usage === undefined) return emptyUsage
  const cached = num(obj(usage["prompt_tokens_details"])?.["cached_tokens"])
  const input = num(usage["prompt_tokens"])
  const output = num(usage["completion_tokens"])
  return { input: input - cached, output, cacheRead: cached, cacheWrite: 0, total: num(usage["total_tokens"]) || input + output }
}

const parseArguments = (text: string): Record<string, unknown> => {
  if (text.trim() === "") return {}
  try {
    return obj(JSON.parse(text)) ?? { value: JSON.parse(text) as unknown }
  } catch {
    return { _raw: text }
  }
}

const finishFailure = (finish: string | undefined): OutputFailure | undefined =>
  finish === "error" || finish === "abort" || finish === "network_error" || finish === "malformed_response"
    ? { reason: classifyFailure({ finishReason: finish }), message: `Provider finish_reason: ${finish}` }
    : undefined

const REASONING_FIELDS = ["reasoning_content", "reasoning", "reasoning_text"] as const

/** Parses a non-streamed Chat Completions body. */
export const parseChatCompletion = (body: unknown): Either.Either<ModelOutput, OutputFailure> => {
  const root = obj(body)
  const choice = obj(Array.isArray(root?.["choices"]) ? (root["choices"] as Array<unknown>)[0] : undefined)
  const message = obj(choice?.["message"])
  if (root === undefined || choice === undefined || message === undefined) {
    return Either.left({ reason: "empty_response", message: "Chat Completions response has no choices[0].message" })
  }
  const finish = str(choice["finish_reason"])
  const failed = finishFailure(finish)
  if (failed !== undefined) return Either.left(failed)
  const content: Array<AssistantBlock> = []
  for (const field of REASONING_FIELDS) {
    const thinking = str(message[field])
    if (thinking !== undefined && thinking !== "") content.push({ type: "thinking", thinking, signature: field })
  }
  const text = str(message["content"])
  if (text !== undefined && text !== "") content.push({ type: "text", text })
  for (const call of Array.isArray(message["tool_calls"]) ? (message["tool_calls"] as Array<unknown>) : []) {
    const fn = obj(obj(call)?.["function"])
    content.push({
      type: "toolCall",
      id: str(obj(call)?.["id"]) ?? "",
      name: str(fn?.["name"]) ?? "",
      arguments: parseArguments(str(fn?.["arguments"]) ?? "")
    })
  }
  return Either.right({
    content,
    stopReason: chatStopReason(finish),
    ...(finish === undefined ? {} : { rawStopReason: finish }),
    usage: chatUsage(root["usage"])
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
    push(chunk: unknown): Array<ModelStreamEvent> {
      const root = obj(chunk)
      if (root === undefined) return []
      if (root["usage"] !== undefined && root["usage"] !== null) usage = chatUsage(root["usage"])
      const choice = obj(Array.isArray(root["choices"]) ? (root["choices"] as Array<unknown>)[0] : undefined)
      if (choice === undefined) return []
      sawChoice = true
      const reason = str(choice["finish_reason"])
      if (reason !== undefined) finish = reason
      const delta = obj(choice["delta"])
      if (delta === undefined) return []
      const events: Array<ModelStreamEvent> = []
      for (const field of REASONING_FIELDS) {
        const piece = str(delta[field])
        if (piece !== undefined && piece !== "") {
          const list = thinking.get(field) ?? []
          list.push(piece)
          thinking.set(field, list)
          events.push({ _tag: "ThinkingDelta", text: piece })
        }
      }
      const text = str(delta["content"])
      if (text !== undefined && text !== "") {
        texts.push(text)
        events.push({ _tag: "TextDelta", text })
      }
      for (const part of Array.isArray(delta["tool_calls"]) ? (delta["tool_calls"] as Array<unknown>) : []) {
        const call = obj(part)
        if (call === undefined) continue
        const index = typeof call["index"] === "number" ? call["index"] : calls.size
        const fn = obj(call["function"])
        const entry = calls.get(index) ?? { id: "", name: "", args: [] }
        entry.id = str(call["id"]) ?? entry.id
        entry.name = entry.name + (str(fn?.["name"]) ?? "")
        const args = str(fn?.["arguments"])
        if (args !== undefined) entry.args.push(args)
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
