import type { ModelTarget } from "./catalogue.js"
import type { Message, ModelInput, ThinkingLevel, UserBlock } from "./messages.js"
import { sanitizeToolCallId, stripSchemaKeywords, withToolNote } from "./toolIds.js"
import { numberParam } from "./numberParam.js"

type Block = Record<string, unknown>

export type AnthropicTarget = Pick<ModelTarget, "model" | "contextWindow" | "maxTokens" | "compat" | "params">

const userBlocks = (blocks: ReadonlyArray<UserBlock>): Array<Block> =>
  blocks.map((block) =>
    block.type === "text"
      ? { type: "text", text: block.text }
      : { type: "image", source: { type: "base64", media_type: block.mimeType, data: block.data } }
  )

// Anthropic allows longer ids than Chat Completions backends; the character set is the same.
const toolId = (id: string) => sanitizeToolCallId(id, 64)

/** The conversation as Messages API turns; consecutive tool results share one user turn. */
export const toAnthropicMessages = (messages: ReadonlyArray<Message>): Array<Block> => {
  const out: Array<{ role: "user" | "assistant"; content: Array<Block> | string; toolResults: boolean }> = []
  for (const message of messages) {
    if (message.role === "user") {
      out.push({ role: "user", content: typeof message.content === "string" ? message.content : userBlocks(message.content), toolResults: false })
    } else if (message.role === "assistant") {
      const blocks: Array<Block> = []
      for (const block of message.content) {
        if (block.type === "text") {
          if (block.text.trim() !== "") blocks.push({ type: "text", text: block.text })
        } else if (block.type === "thinking") {
          // Only signed thinking can be replayed; unsigned reasoning is dropped.
          if (block.signature !== undefined && block.signature !== "") blocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature })
        } else blocks.push({ type: "tool_use", id: toolId(block.id), name: block.name, input: block.arguments })
      }
      if (blocks.length > 0) out.push({ role: "assistant", content: blocks, toolResults: false })
    } else {
      const result: Block = {
        type: "tool_result",
        tool_use_id: toolId(message.toolCallId),
        content: userBlocks(message.content),
        ...(message.isError === true ? { is_error: true } : {})
      }
      const last = out[out.length - 1]
      if (last !== undefined && last.toolResults && Array.isArray(last.content)) last.content.push(result)
      else out.push({ role: "user", content: [result], toolResults: true })
    }
  }
  return out.map(({ role, content }) => ({ role, content }))
}

// Extended-thinking budgets per `--thinking` level.
const THINKING_BUDGET: Readonly<Record<Exclude<ThinkingLevel, "off">, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  adaptive: 8192,
  high: 16384,
  xhigh: 32768,
  max: 32768
}

/** Builds the Messages API body for `api: "anthropic-messages"`; pure. */
export const buildAnthropicRequest = (target: AnthropicTarget, input: ModelInput, stream: boolean): { readonly body: Record<string, unknown>; readonly notes: ReadonlyArray<string> } => {
  const notes: Array<string> = []
  const tools = [...(input.tools ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const toolsAllowed = target.compat.supportsTools !== false
  if (!toolsAllowed && tools.length > 0) notes.push(`compat.supportsTools=false: ${tools.length} tool(s) withheld`)
  const system = !toolsAllowed && tools.length > 0 ? withToolNote(input.system) : input.system
  let maxTokens = Math.min(input.maxTokens ?? numberParam(target.params, "maxTokens") ?? target.maxTokens, target.contextWindow)
  const body: Record<string, unknown> = { model: target.model, max_tokens: maxTokens, messages: toAnthropicMessages(input.messages) }
  if (system !== undefined && system !== "") body["system"] = system
  if (toolsAllowed && tools.length > 0) {
    body["tools"] = tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: stripSchemaKeywords(tool.parameters, target.compat.unsupportedToolSchemaKeywords ?? [])
    }))
  }
  const thinking = input.thinking !== undefined && input.thinking !== "off" ? THINKING_BUDGET[input.thinking] : undefined
  if (thinking !== undefined) {
    // The budget must fit under max_tokens; temperature is not allowed with thinking.
    maxTokens = Math.max(maxTokens, thinking + 1024)
    body["max_tokens"] = maxTokens
    body["thinking"] = { type: "enabled", budget_tokens: thinking }
  } else {
    const temperature = input.temperature ?? numberParam(target.params, "temperature")
    if (temperature !== undefined && target.compat.supportsTemperature !== false) body["temperature"] = temperature
  }
  const topP = input.topP ?? numberParam(target.params, "top_p") ?? numberParam(target.params, "topP")
  if (topP !== undefined) body["top_p"] = topP
  if (input.stop !== undefined && input.stop.length > 0) body["stop_sequences"] = input.stop
  body["stream"] = stream
  return { body, notes }
}
