import { Either, Schema } from "effect"
import { AssistantBlock, type Message, StopReason, UserBlock, Usage } from "../models/messages.js"
import { opt } from "../opt.js"

/** A user turn as stored: the model's user message plus when it was written. */
export const TranscriptUser = Schema.Struct({
  role: Schema.Literal("user"),
  content: Schema.Union(Schema.String, Schema.Array(UserBlock)),
  timestamp: Schema.Number
})

/** An assistant turn as stored, with who produced it; `aborted` marks a partial kept after an abort. */
export const TranscriptAssistant = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.Array(AssistantBlock),
  stopReason: opt(StopReason),
  provider: opt(Schema.String),
  model: opt(Schema.String),
  usage: opt(Usage),
  errorMessage: opt(Schema.String),
  aborted: opt(Schema.Boolean),
  timestamp: Schema.Number
})

export const TranscriptToolResult = Schema.Struct({
  role: Schema.Literal("toolResult"),
  toolCallId: Schema.String,
  toolName: Schema.String,
  content: Schema.Array(UserBlock),
  isError: Schema.Boolean,
  timestamp: Schema.Number
})

/** One conversation message as kept in a transcript and returned by `chat.history`. */
export const TranscriptMessage = Schema.Union(TranscriptUser, TranscriptAssistant, TranscriptToolResult)
export type TranscriptMessage = typeof TranscriptMessage.Type
export type TranscriptAssistant = typeof TranscriptAssistant.Type

/** The first line of a transcript file. */
export const SessionHeaderLine = Schema.Struct({
  type: Schema.Literal("session"),
  version: Schema.Number,
  id: Schema.String,
  timestamp: Schema.String,
  cwd: opt(Schema.String)
})

/** Every later line: one message, chained to the previous one. */
export const MessageLine = Schema.Struct({
  type: Schema.Literal("message"),
  id: Schema.String,
  parentId: Schema.NullOr(Schema.String),
  timestamp: Schema.String,
  message: TranscriptMessage
})
export type MessageLine = typeof MessageLine.Type

export const TranscriptLine = Schema.Union(SessionHeaderLine, MessageLine)
export type TranscriptLine = typeof TranscriptLine.Type

export const TRANSCRIPT_VERSION = 3

const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(TranscriptLine))
const encodeLine = Schema.encodeSync(Schema.parseJson(TranscriptLine))

/** One line of JSON (no newline inside: JSON.stringify escapes them). */
export const renderLine = (line: TranscriptLine): string => encodeLine(line)

/**
 * The messages of a transcript file. A line that does not decode (a write torn by a crash, a line
 * from a newer version) is skipped, so earlier lines always survive.
 */
export const parseTranscript = (text: string): { readonly messages: ReadonlyArray<MessageLine>; readonly skipped: number } => {
  const messages: Array<MessageLine> = []
  let skipped = 0
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue
    const decoded = decodeLine(raw)
    if (Either.isLeft(decoded)) {
      skipped += 1
      continue
    }
    if (decoded.right.type === "message") messages.push(decoded.right)
  }
  return { messages, skipped }
}

/** The silent reply token: a turn answering only this delivers nothing. */
export const SILENT_REPLY_TOKEN = "NO_REPLY"

export const isSilentText = (text: string) => text.trim().toUpperCase() === SILENT_REPLY_TOKEN

/**
 * What the model sees of a stored conversation: user, assistant and tool-result turns without the
 * bookkeeping fields; failed turns (error or abort without content) are left out.
 */
export const toModelMessages = (messages: ReadonlyArray<TranscriptMessage>): ReadonlyArray<Message> =>
  messages.flatMap((message): ReadonlyArray<Message> => {
    switch (message.role) {
      case "user":
        return [{ role: "user", content: message.content }]
      case "assistant":
        if (message.stopReason === "error" || message.content.length === 0) return []
        return [{ role: "assistant", content: message.content, ...(message.stopReason === undefined ? {} : { stopReason: message.stopReason }) }]
      case "toolResult":
        return [{ role: "toolResult", toolCallId: message.toolCallId, toolName: message.toolName, content: message.content, isError: message.isError }]
    }
  })

/** The visible text of a stored message (text blocks joined by newlines). */
export const messageText = (message: TranscriptMessage): string => {
  if (message.role === "user" && typeof message.content === "string") return message.content
  const blocks = message.content as ReadonlyArray<{ readonly type: string; readonly text?: string }>
  return blocks.flatMap((block) => (block.type === "text" && typeof block.text === "string" && block.text !== "" ? [block.text] : [])).join("\n")
}

/** What a session list shows of a transcript: the first user message's text and the last non-empty text (not a tool result). */
export interface TranscriptPreview {
  readonly firstUserText: string | undefined
  readonly lastText: string | undefined
}

export const transcriptPreview = (messages: ReadonlyArray<TranscriptMessage>): TranscriptPreview => {
  const firstUser = messages.find((m) => m.role === "user")
  let lastText: string | undefined
  for (let i = messages.length - 1; i >= 0 && lastText === undefined; i--) {
    const message = messages[i]!
    const text = message.role === "toolResult" ? "" : messageText(message)
    if (text !== "") lastText = text
  }
  return { firstUserText: firstUser === undefined ? undefined : messageText(firstUser), lastText }
}

/**
 * `chat.history`'s display projection: assistant rows that are only the silent token are omitted,
 * and text longer than `maxChars` is cut.
 */
export const displayHistory = (messages: ReadonlyArray<TranscriptMessage>, options: { readonly limit: number; readonly maxChars?: number | undefined }) => {
  const visible = messages.filter((message) => !(message.role === "assistant" && isSilentText(messageText(message)) && messageText(message) !== ""))
  const tail = visible.slice(Math.max(0, visible.length - options.limit))
  const max = options.maxChars
  if (max === undefined) return tail
  const cut = (text: string) => (text.length > max ? `${text.slice(0, max)}…` : text)
  return tail.map((message): TranscriptMessage => {
    if (message.role === "user") {
      return typeof message.content === "string"
        ? { ...message, content: cut(message.content) }
        : { ...message, content: message.content.map((block) => (block.type === "text" ? { ...block, text: cut(block.text) } : block)) }
    }
    if (message.role === "assistant") {
      return { ...message, content: message.content.map((block) => (block.type === "text" ? { ...block, text: cut(block.text) } : block)) }
    }
    return { ...message, content: message.content.map((block) => (block.type === "text" ? { ...block, text: cut(block.text) } : block)) }
  })
}
