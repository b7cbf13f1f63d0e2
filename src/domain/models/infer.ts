import { Schema } from "effect"
import { FailoverReason } from "./failover.js"
import { WireRequest } from "./messages.js"
import { FallbackInfo } from "./response.js"
import { opt } from "../opt.js"

/** One failed try, as `infer --json` reports it. */
export const InferAttempt = Schema.Struct({
  provider: Schema.String,
  model: Schema.String,
  reason: FailoverReason,
  status: opt(Schema.Number),
  summary: Schema.String
})

/** The shared `openclaw infer ... --json` envelope, for `model.run`. */
export const InferEnvelope = Schema.Struct({
  ok: Schema.Boolean,
  capability: Schema.Literal("model.run"),
  transport: Schema.Literal("local", "gateway"),
  provider: Schema.NullOr(Schema.String),
  model: Schema.NullOr(Schema.String),
  attempts: Schema.Array(InferAttempt),
  inputs: opt(Schema.Array(Schema.Struct({ path: Schema.String, mimeType: Schema.String }))),
  outputs: Schema.Array(Schema.Struct({ text: Schema.String, mediaUrl: Schema.NullOr(Schema.String) })),
  /** The request exactly as sent (secrets redacted, image data elided). */
  request: opt(WireRequest),
  fallback: opt(FallbackInfo),
  error: opt(Schema.String)
})
export type InferEnvelope = typeof InferEnvelope.Type

/** `No text output returned for provider "<p>" model "<m>"[: <provider error>].` */
export const noTextOutputMessage = (provider: string, model: string, providerError?: string) =>
  `No text output returned for provider "${provider}" model "${model}"${providerError === undefined || providerError === "" ? "" : `: ${providerError.replace(/\.$/, "")}`}.`

/** `infer model run` got no text: the spec's message, the runbook hint that applies, the attempts. */
export class ModelRunFailed extends Schema.TaggedError<ModelRunFailed>()("ModelRunFailed", {
  code: Schema.tag("MODEL_NO_OUTPUT"),
  message: Schema.String,
  provider: Schema.String,
  model: Schema.String,
  hint: opt(Schema.String)
}) {}

/** Bad `infer model run` input: an empty prompt, `--local` with `--gateway`, a non-image `--file`. */
export class InferInputInvalid extends Schema.TaggedError<InferInputInvalid>()("InferInputInvalid", {
  code: Schema.tag("INFER_INPUT_INVALID"),
  message: Schema.String
}) {}

/** `infer model run --gateway --model ...` over a credential without `operator.admin`. */
export class InferGatewayForbidden extends Schema.TaggedError<InferGatewayForbidden>()("InferGatewayForbidden", {
  code: Schema.tag("INFER_GATEWAY_FORBIDDEN"),
  message: Schema.String
}) {}

const SIGNATURES: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]]
]

/** The image MIME type of file bytes by their magic number (PNG, JPEG, GIF, WebP), else undefined. */
export const sniffImageMime = (bytes: Uint8Array): string | undefined => {
  for (const [mime, signature] of SIGNATURES) if (signature.every((b, i) => bytes[i] === b)) return mime
  const riff = [0x52, 0x49, 0x46, 0x46].every((b, i) => bytes[i] === b)
  const webp = [0x57, 0x45, 0x42, 0x50].every((b, i) => bytes[i + 8] === b)
  return riff && webp ? "image/webp" : undefined
}
