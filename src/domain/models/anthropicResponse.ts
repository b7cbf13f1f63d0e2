import { Either } from "effect"
import type { OutputFailure } from "./chatCompletionsResponse.js"
import { classifyFailure } from "./failover.js"
import type { AssistantBlock, ModelOutput, StopReason, Usage } from "./messages.js"
import { emptyUsage } from "./messages.js"
import type { ModelStreamEvent } from "./response.js"

type Json = Record<string, unknown>
const obj = (value: unknown): Json | undefined => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined)
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

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

const usageOf = (value: unknown, base: Usage = emptyUsage): Usage => {
  const usage = obj(value)
  if (usage === undefined) return base
  const input = usage["input_tokens"] === undefined ? base.input : num(usage["input_tokens"])
  const output = usage["output_tokens"] === undefined ? base.output : num(usage["output_tokens"])
  const cacheRead = usage["cache_read_input_tokens"] === undefined ? base.cacheRead : num(usage["cache_read_input_tokens"])
  const cacheWrite = usage["cache_creation_input_tokens"] === undefined ? base.cacheWrite : num(usage["cache_creation_input_tokens"])
  return { input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite }
}

const blockOf = (value: unknown): AssistantBlock | undefined => {
  const block = obj(value)
  switch (block?.["type"]) {
    case "text": {
      const text = str(block["text"]) ?? ""
      return { type: "text", text }
    }
    case "thinking":
      return { type: "thinking", thinking: str(block["thinking"]) ?? "", signature: str(block["signature"]) ?? "" }
    case "tool_use":
      return { type: "toolCall", id: str(block["id"]) ?? "", name: str(block["name"]) ?? "", arguments: obj(block["input"]) ?? {} }
    default:
      return undefined
  }
}

/** `HTTP <status>: <type>: <message>` from an Anthropic error body (the runbook's signature form). */
export const anthropicErrorText = (status: number | undefined, body: unknown, raw: string): { readonly type: string | undefined; readonly text: string } => {
  const error = obj(obj(body)?.["error"])
  const type = str(error?.["type"])
  const message = str(error?.["message"])
  const detail = type !== undefined && message !== undefined ? `${type}: ${message}` : raw.trim().slice(0, 300)
  return { type, text: status === undefined ? detail : `HTTP ${status}: ${detail}` }
}

/** Parses a non-streamed Messages API body. */
export const parseAnthropicMessage = (body: unknown): Either.Either<ModelOutput, OutputFailure> => {
  const root = obj(body)
  if (root === undefined || !Array.isArray(root["content"])) {
    return Either.left({ reason: "empty_response", message: "Messages API response has no content" })
  }
  const content = (root["content"] as Array<unknown>).flatMap((block) => {
    const parsed = blockOf(block)
    return parsed === undefined || (parsed.type === "text" && parsed.text === "") ? [] : [parsed]
  })
  const stop = str(root["stop_reason"])
  return Either.right({ content, stopReason: anthropicStopReason(stop), ...(stop === undefined ? {} : { rawStopReason: stop }), usage: usageOf(root["usage"]) })
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
      const data = obj(payload)
      const type = str(data?.["type"]) ?? eventName
      if (data === undefined) return []
      switch (type) {
        case "message_start":
          started = true
          usage = usageOf(obj(data["message"])?.["usage"])
          return []
        case "content_block_start": {
          const block = obj(data["content_block"])
          blocks.set(num(data["index"]), {
            kind: str(block?.["type"]) ?? "text",
            text: str(block?.["text"]) === undefined || str(block?.["text"]) === "" ? [] : [str(block?.["text"]) ?? ""],
            json: [],
            id: str(block?.["id"]) ?? "",
            name: str(block?.["name"]) ?? "",
            signature: ""
          })
          return []
        }
        case "content_block_delta": {
          const entry = blocks.get(num(data["index"]))
          const delta = obj(data["delta"])
          if (entry === undefined || delta === undefined) return []
          const text = str(delta["text"])
          if (delta["type"] === "text_delta" && text !== undefined) {
            entry.text.push(text)
            return [{ _tag: "TextDelta", text }]
          }
          const thinking = str(delta["thinking"])
          if (delta["type"] === "thinking_delta" && thinking !== undefined) {
            entry.text.push(thinking)
            return [{ _tag: "ThinkingDelta", text: thinking }]
          }
          if (delta["type"] === "signature_delta") entry.signature += str(delta["signature"]) ?? ""
          if (delta["type"] === "input_json_delta") entry.json.push(str(delta["partial_json"]) ?? "")
          return []
        }
        case "message_delta":
          stop = str(obj(data["delta"])?.["stop_reason"]) ?? stop
          usage = usageOf(data["usage"], usage)
          return []
        case "message_stop":
          stopped = true
          return []
        case "error": {
          const text = anthropicErrorText(undefined, data, JSON.stringify(data)).text
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
            args = json.trim() === "" ? {} : (obj(JSON.parse(json)) ?? {})
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
