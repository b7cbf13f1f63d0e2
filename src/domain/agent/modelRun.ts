import { Either, Schema } from "effect"
import type { ImageBlock } from "../models/messages.js"
import { normalizeAgentId } from "./sessionKey.js"

/**
 * How much system prompt an `agent` run gets: `full` (the default), `minimal` (identity, tools,
 * time and session only) or `none` (no system prompt; only for raw model runs).
 */
export const PromptMode = Schema.Literal("full", "minimal", "none")
export type PromptMode = typeof PromptMode.Type

/** The refusal of `promptMode: "none"` on a run that could write a durable session (the original's wording). */
export const PROMPT_MODE_NONE_NEEDS_MODEL_RUN = "promptMode=\"none\" requires modelRun=true so the run cannot mutate a durable session."

/** The `agent` params the model-run rules read. */
export interface ModelRunParamsView {
  readonly message: string
  readonly idempotencyKey: string
  readonly agentId?: string | undefined
  readonly sessionKey?: string | undefined
  readonly sessionId?: string | undefined
  readonly provider?: string | undefined
  readonly model?: string | undefined
  readonly modelRun?: boolean | undefined
  readonly promptMode?: PromptMode | undefined
}

/** Why these `agent` params are refused before any run starts (INVALID_REQUEST), or undefined. */
export const modelRunParamsProblem = (params: ModelRunParamsView): string | undefined => {
  if (params.promptMode === "none" && params.modelRun !== true) return PROMPT_MODE_NONE_NEEDS_MODEL_RUN
  if (params.provider !== undefined && (params.model === undefined || params.model.trim() === "")) {
    return "invalid agent params: provider override requires model"
  }
  return undefined
}

/** The gateway's answer to a provider/model override from a caller without `operator.admin` (the original's text). */
export const MODEL_OVERRIDE_REFUSED = "provider/model overrides are not authorized for this caller."

/** True when the run asks for a one-off provider/model override (needs a trusted operator, `operator.admin`). */
export const hasModelOverride = (params: ModelRunParamsView): boolean =>
  (params.provider !== undefined && params.provider.trim() !== "") || (params.model !== undefined && params.model.trim() !== "")

/**
 * The explicit `provider/model` of the run: `model` as given, or qualified by `provider` unless it
 * already starts with `<provider>/`. An explicit model is strict: it never falls back.
 */
export const explicitModelOf = (params: ModelRunParamsView): string | undefined => {
  const model = params.model?.trim()
  if (model === undefined || model === "") return undefined
  const provider = params.provider?.trim()
  if (provider === undefined || provider === "" || model.toLowerCase().startsWith(`${provider.toLowerCase()}/`)) return model
  return `${provider}/${model}`
}

/** The session key of a raw model run: the one given, else `agent:<agentId>:explicit:<sessionId>`. */
export const modelRunSessionKey = (params: ModelRunParamsView): string => {
  if (params.sessionKey !== undefined && params.sessionKey.trim() !== "") return params.sessionKey
  const sessionId = params.sessionId !== undefined && params.sessionId.trim() !== "" ? params.sessionId : `model-run-${params.idempotencyKey}`
  return `agent:${normalizeAgentId(params.agentId)}:explicit:${sessionId}`
}

/** One image attachment of an `agent` request: `{type: "image", fileName?, mimeType, content: <base64>}`. */
export const ImageAttachment = Schema.Struct({
  type: Schema.Literal("image"),
  fileName: Schema.optionalWith(Schema.String, { exact: true }),
  mimeType: Schema.String.pipe(Schema.startsWith("image/")),
  content: Schema.String.pipe(Schema.minLength(1))
})
export type ImageAttachment = typeof ImageAttachment.Type

const decodeAttachment = Schema.decodeUnknownEither(ImageAttachment)

/** The image blocks of a model run's attachments, or the message refusing the first one that is not an image. */
export const attachmentImages = (attachments: ReadonlyArray<unknown>): Either.Either<ReadonlyArray<ImageBlock>, string> => {
  const images: Array<ImageBlock> = []
  for (const [index, attachment] of attachments.entries()) {
    const decoded = decodeAttachment(attachment)
    if (Either.isLeft(decoded)) {
      return Either.left(`invalid agent params: attachments[${index}] must be {type: "image", mimeType: "image/...", content: <base64>}`)
    }
    images.push({ type: "image", mimeType: decoded.right.mimeType, data: decoded.right.content })
  }
  return Either.right(images)
}
