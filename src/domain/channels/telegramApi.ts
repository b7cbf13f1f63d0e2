import { Schema } from "effect"
import { opt } from "../opt.js"

/** The subset of Telegram Bot API objects the adapter reads (https://core.telegram.org/bots/api). */
export const TgUser = Schema.Struct({
  id: Schema.Number,
  is_bot: opt(Schema.Boolean),
  first_name: opt(Schema.String),
  last_name: opt(Schema.String),
  username: opt(Schema.String)
})
export type TgUser = typeof TgUser.Type

export const TgChat = Schema.Struct({
  id: Schema.Number,
  type: Schema.String,
  title: opt(Schema.String),
  username: opt(Schema.String)
})

export const TgEntity = Schema.Struct({
  type: Schema.String,
  offset: Schema.Number,
  length: Schema.Number,
  user: opt(TgUser)
})

const messageFields = {
  message_id: Schema.Number,
  from: opt(TgUser),
  chat: TgChat,
  date: Schema.Number,
  text: opt(Schema.String),
  caption: opt(Schema.String),
  entities: opt(Schema.Array(TgEntity)),
  caption_entities: opt(Schema.Array(TgEntity)),
  message_thread_id: opt(Schema.Number)
}

export const TgMessage = Schema.Struct({
  ...messageFields,
  reply_to_message: opt(Schema.Struct(messageFields))
})
export type TgMessage = typeof TgMessage.Type

/** One update; kinds the adapter does not handle are still decoded for their `update_id`. */
export const TgUpdate = Schema.Struct({ update_id: Schema.Number, message: opt(TgMessage) })
export type TgUpdate = typeof TgUpdate.Type

/** Every Bot API reply: `{ok:true,result}` or `{ok:false,error_code,description}`. */
export const TgEnvelope = Schema.Struct({
  ok: Schema.Boolean,
  result: opt(Schema.Unknown),
  error_code: opt(Schema.Number),
  description: opt(Schema.String),
  parameters: opt(Schema.Struct({ retry_after: opt(Schema.Number) }))
})
export type TgEnvelope = typeof TgEnvelope.Type

export const TgSentMessage = Schema.Struct({ message_id: Schema.Number })

/** The bot's own mention: a `mention` entity spelling `@<username>`, or a `text_mention` of its id. */
export const mentionsBot = (message: TgMessage, bot: { readonly id: number; readonly username: string | undefined }): boolean => {
  const text = message.text ?? message.caption ?? ""
  for (const entity of message.entities ?? message.caption_entities ?? []) {
    if (entity.type === "text_mention" && entity.user?.id === bot.id) return true
    if (entity.type === "mention" && bot.username !== undefined) {
      if (text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === `@${bot.username.toLowerCase()}`) return true
    }
  }
  return false
}

/** The commands registered with `setMyCommands` at start-up (the native command menu). */
export const TELEGRAM_COMMANDS: ReadonlyArray<{ readonly command: string; readonly description: string }> = [
  { command: "new", description: "Start a new session" },
  { command: "reset", description: "Reset the current session" },
  { command: "status", description: "Show session status" }
]

/** Telegram's limit on one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096
