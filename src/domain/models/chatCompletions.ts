import { isRecord } from "../isRecord.js"
import type { ModelTarget } from "./catalogue.js"
import { isNativeOpenAi } from "./locality.js"
import type { AssistantMessage, ModelInput, ThinkingLevel, ToolResultMessage, ToolSpec, UserBlock } from "./messages.js"
import { sanitizeToolCallId, stripSchemaKeywords, withToolNote } from "./toolIds.js"
import { numberParam } from "./numberParam.js"

/** A Chat Completions content part. */
export type ChatPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image_url"; readonly image_url: { readonly url: string } }

export interface ChatToolCall {
  readonly id: string
  readonly type: "function"
  readonly function: { readonly name: string; readonly arguments: string }
}

/** One Chat Completions message as sent. */
export interface ChatMessage {
  readonly role: "system" | "developer" | "user" | "assistant" | "tool"
  readonly content: string | ReadonlyArray<ChatPart> | null
  readonly tool_calls?: ReadonlyArray<ChatToolCall>
  readonly tool_call_id?: string
  readonly name?: string
  readonly [replayField: string]: unknown
}

/** What the Chat Completions builder needs to know about the model. */
export type ChatTarget = Pick<ModelTarget, "model" | "baseUrl" | "reasoning" | "contextWindow" | "maxTokens" | "compat" | "params">

/** The pure result: the body to POST, plus what the builder changed for the model's sake. */
export interface ChatCompletionsRequest {
  readonly body: Record<string, unknown>
  readonly notes: ReadonlyArray<string>
}

const REPLAY_FIELDS = new Set(["reasoning_content", "reasoning", "reasoning_text"])

const dataUrl = (block: { readonly mimeType: string; readonly data: string }) => `data:${block.mimeType};base64,${block.data}`

const userParts = (blocks: ReadonlyArray<UserBlock>): Array<ChatPart> =>
  blocks.map((block) => (block.type === "text" ? { type: "text", text: block.text } : { type: "image_url", image_url: { url: dataUrl(block) } }))

const assistantMessage = (message: AssistantMessage, target: ChatTarget): ChatMessage | undefined => {
  const compat = target.compat
  const texts: Array<string> = []
  const calls: Array<ChatToolCall> = []
  const replay: Record<string, string> = {}
  for (const block of message.content) {
    if (block.type === "text") {
      if (block.text.trim() !== "") texts.push(block.text)
    } else if (block.type === "thinking") {
      if (compat.requiresThinkingAsText === true && block.thinking.trim() !== "") texts.push(block.thinking)
      else if (block.signature !== undefined && REPLAY_FIELDS.has(block.signature)) replay[block.signature] = block.thinking
    } else {
      calls.push({ id: sanitizeToolCallId(block.id), type: "function", function: { name: block.name, arguments: JSON.stringify(block.arguments) } })
    }
  }
  if (texts.length === 0 && calls.length === 0) return undefined
  const content = texts.length > 0 ? texts.join("\n") : compat.requiresAssistantAfterToolResult === true ? "" : null
  return { role: "assistant", content, ...(calls.length > 0 ? { tool_calls: calls } : {}), ...replay }
}

const toolMessage = (message: ToolResultMessage, target: ChatTarget): ChatMessage => {
  const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n")
  return {
    role: "tool",
    tool_call_id: sanitizeToolCallId(message.toolCallId),
    content: text,
    ...(target.compat.requiresToolResultName === true ? { name: message.toolName } : {})
  }
}

const systemRole = (target: ChatTarget, native: boolean): "system" | "developer" =>
  target.reasoning && native && target.compat.supportsDeveloperRole !== false ? "developer" : "system"

/** Spec 1.2 message conversion, then `strictMessageKeys`, then `requiresStringContent`. */
export const toChatMessages = (input: ModelInput, target: ChatTarget, system: string | undefined): Array<ChatMessage> => {
  const native = isNativeOpenAi(target.baseUrl)
  const out: Array<ChatMessage> = []
  if (system !== undefined && system !== "") out.push({ role: systemRole(target, native), content: system })
  let toolResultCount = 0
  let pendingImages: Array<ChatMessage> = []
  // Rule 5: some backends need an assistant turn between tool results and the next user message.
  const pushUser = (message: ChatMessage) => {
    if (out[out.length - 1]?.role === "tool" && target.compat.requiresAssistantAfterToolResult === true) {
      out.push({ role: "assistant", content: "I have processed the tool results." })
    }
    out.push(message)
  }
  const flushImages = () => {
    for (const message of pendingImages) pushUser(message)
    pendingImages = []
  }
  for (const message of input.messages) {
    if (message.role !== "toolResult") flushImages()
    if (message.role === "user") {
      pushUser({ role: "user", content: typeof message.content === "string" ? message.content : userParts(message.content) })
    } else if (message.role === "assistant") {
      const converted = assistantMessage(message, target)
      if (converted !== undefined) out.push(converted)
    } else {
      toolResultCount++
      out.push(toolMessage(message, target))
      const images = message.content.filter((block) => block.type === "image")
      if (images.length > 0) {
        pendingImages.push({
          role: "user",
          content: [{ type: "text", text: `Image(s) from tool result #${toolResultCount} (${message.toolName}):` }, ...userParts(images)]
        })
      }
    }
  }
  flushImages()
  const strict = target.compat.strictMessageKeys === true
  return out.map((message) => {
    const kept: ChatMessage = strict ? { role: message.role, content: message.content } : message
    if (target.compat.requiresStringContent === true && Array.isArray(kept.content) && kept.content.every((part: ChatPart) => part.type === "text")) {
      return { ...kept, content: kept.content.map((part: ChatPart) => (part.type === "text" ? part.text : "")).join("\n") }
    }
    return kept
  })
}

const chatTool = (tool: ToolSpec, target: ChatTarget) => ({
  type: "function",
  function: {
    name: tool.name,
    description: tool.description,
    parameters: stripSchemaKeywords(tool.parameters, target.compat.unsupportedToolSchemaKeywords ?? []),
    ...(tool.strict !== undefined && target.compat.supportsStrictMode === true ? { strict: tool.strict } : {})
  }
})

const reasoningEffort = (level: ThinkingLevel): string => (level === "adaptive" ? "medium" : level === "max" ? "xhigh" : level)

/** Builds the Chat Completions body for `api: "openai-completions"` (spec 1.2); pure. */
export const buildChatCompletionsRequest = (target: ChatTarget, input: ModelInput, stream: boolean): ChatCompletionsRequest => {
  const native = isNativeOpenAi(target.baseUrl)
  const compat = target.compat
  const notes: Array<string> = []
  const tools = [...(input.tools ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const toolsAllowed = compat.supportsTools !== false
  if (!toolsAllowed && tools.length > 0) notes.push(`compat.supportsTools=false: ${tools.length} tool(s) withheld`)
  const system = !toolsAllowed && tools.length > 0 ? withToolNote(input.system) : input.system
  const body: Record<string, unknown> = {
    model: target.model,
    messages: toChatMessages(input, target, system),
    stream
  }
  if (stream && (compat.supportsUsageInStreaming === true || (native && compat.supportsUsageInStreaming !== false))) {
    body["stream_options"] = { include_usage: true }
  }
  // OpenAI's own endpoint stores completions unless told not to; non-native endpoints never get `store`.
  if (native && compat.supportsStore !== false) body["store"] = false
  if (toolsAllowed && tools.length > 0) {
    body["tools"] = tools.map((tool) => chatTool(tool, target))
    if (!native) body["tool_choice"] = "auto"
  }
  const maxTokens = Math.min(input.maxTokens ?? numberParam(target.params, "maxTokens") ?? target.maxTokens, target.contextWindow)
  body[compat.maxTokensField ?? (native ? "max_completion_tokens" : "max_tokens")] = maxTokens
  const temperature = input.temperature ?? numberParam(target.params, "temperature")
  if (temperature !== undefined && compat.supportsTemperature !== false) body["temperature"] = temperature
  const topP = input.topP ?? numberParam(target.params, "top_p") ?? numberParam(target.params, "topP")
  if (topP !== undefined) body["top_p"] = topP
  if (input.stop !== undefined && input.stop.length > 0) body["stop"] = input.stop
  if (input.thinking !== undefined && input.thinking !== "off" && compat.supportsReasoningEffort === true) {
    body["reasoning_effort"] = reasoningEffort(input.thinking)
  }
  const extra = [target.params["extra_body"], target.params["extraBody"]].find(isRecord)
  if (extra !== undefined) Object.assign(body, extra)
  if (!toolsAllowed || tools.length === 0) {
    delete body["tools"]
    delete body["tool_choice"]
  }
  if (compat.requiresStringContent === true) notes.push("compat.requiresStringContent: text-only part arrays sent as strings")
  return { body, notes }
}
