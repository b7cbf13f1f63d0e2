import { Schema } from "effect"
import { FailoverReason } from "./failover.js"
import { WireRequest } from "./messages.js"

const callFields = {
  message: Schema.String,
  provider: Schema.String,
  model: Schema.String,
  reason: FailoverReason,
  status: Schema.optionalWith(Schema.Number, { exact: true }),
  /** The request that failed, as sent (secrets redacted), when one went out. */
  request: Schema.optionalWith(WireRequest, { exact: true })
}

/** A model reference that no configured provider catalogues: `Unknown model: <provider/model>`. */
export class UnknownModel extends Schema.TaggedError<UnknownModel>()("UnknownModel", {
  code: Schema.tag("MODEL_UNKNOWN"),
  message: Schema.String,
  ref: Schema.String,
  /** What is probably wrong (a duplicated or missing provider prefix), when it can be told. */
  hint: Schema.optionalWith(Schema.String, { exact: true })
}) {}

/** No model was given and none is configured (`agents.defaults.model` and the catalogue are empty). */
export class NoModelConfigured extends Schema.TaggedError<NoModelConfigured>()("NoModelConfigured", {
  code: Schema.tag("MODEL_NOT_CONFIGURED"),
  message: Schema.String
}) {}

/** `agents.defaults.modelPolicy.allow` does not cover the model (an explicit choice, or every configured one). */
export class ModelNotAllowed extends Schema.TaggedError<ModelNotAllowed>()("ModelNotAllowed", {
  code: Schema.tag("MODEL_NOT_ALLOWED"),
  message: Schema.String,
  ref: Schema.String
}) {}

/** The provider's API kind is valid config but has no client in this version. */
export class ModelApiUnsupported extends Schema.TaggedError<ModelApiUnsupported>()("ModelApiUnsupported", {
  code: Schema.tag("MODEL_API_UNSUPPORTED"),
  ...callFields
}) {}

/** No credential resolves for a provider that needs one: `No API key found for provider "<p>"`. */
export class ModelAuthMissing extends Schema.TaggedError<ModelAuthMissing>()("ModelAuthMissing", {
  code: Schema.tag("MODEL_AUTH_MISSING"),
  ...callFields
}) {}

/** The server does not know the model id it was sent (404 / `model_not_found`). */
export class ModelNotFound extends Schema.TaggedError<ModelNotFound>()("ModelNotFound", {
  code: Schema.tag("MODEL_NOT_FOUND"),
  ...callFields,
  /** The id exactly as sent in the request body. */
  sentModel: Schema.String
}) {}

/** 429 (or rate-limit text): `retryAfterMs` from `retry-after`; `longContext` for the 1M-context refusal. */
export class ModelRateLimited extends Schema.TaggedError<ModelRateLimited>()("ModelRateLimited", {
  code: Schema.tag("MODEL_RATE_LIMITED"),
  ...callFields,
  retryAfterMs: Schema.optionalWith(Schema.Number, { exact: true }),
  longContext: Schema.Boolean
}) {}

/** The provider did not answer within the configured time. */
export class ModelTimeout extends Schema.TaggedError<ModelTimeout>()("ModelTimeout", {
  code: Schema.tag("MODEL_TIMEOUT"),
  ...callFields,
  timeoutMs: Schema.Number
}) {}

/** Any other non-2xx answer; `reason` is its failover classification. */
export class ModelHttpError extends Schema.TaggedError<ModelHttpError>()("ModelHttpError", {
  code: Schema.tag("MODEL_HTTP_ERROR"),
  ...callFields,
  retryAfterMs: Schema.optionalWith(Schema.Number, { exact: true })
}) {}

/** The connection failed or broke (refused, reset, closed mid-stream). */
export class ModelTransportError extends Schema.TaggedError<ModelTransportError>()("ModelTransportError", {
  code: Schema.tag("MODEL_TRANSPORT_ERROR"),
  ...callFields
}) {}

/** A 2xx answer without a usable message (no choices, unparseable body, an error event mid-stream). */
export class ModelBadResponse extends Schema.TaggedError<ModelBadResponse>()("ModelBadResponse", {
  code: Schema.tag("MODEL_EMPTY_RESPONSE"),
  ...callFields
}) {}

/** The prompt leaves too little of the model's context window (the context guard blocked it). */
export class ModelContextOverflow extends Schema.TaggedError<ModelContextOverflow>()("ModelContextOverflow", {
  code: Schema.tag("MODEL_CONTEXT_OVERFLOW"),
  ...callFields,
  contextWindow: Schema.Number,
  estimatedTokens: Schema.Number
}) {}

/** One failed try of one candidate model, as recorded by the fallback policy. */
export const FailoverAttempt = Schema.Struct({
  provider: Schema.String,
  model: Schema.String,
  reason: FailoverReason,
  status: Schema.optionalWith(Schema.Number, { exact: true }),
  summary: Schema.String,
  code: Schema.String,
  request: Schema.optionalWith(WireRequest, { exact: true })
})
export type FailoverAttempt = typeof FailoverAttempt.Type

/** Every candidate of the fallback chain failed (or one failed in a way that must not fall back). */
export class ModelFailover extends Schema.TaggedError<ModelFailover>()("ModelFailover", {
  code: Schema.tag("MODEL_FAILOVER_EXHAUSTED"),
  ...callFields,
  attempts: Schema.Array(FailoverAttempt)
}) {}

/** A failure of one provider call. */
export type ModelCallError =
  | ModelApiUnsupported
  | ModelAuthMissing
  | ModelNotFound
  | ModelRateLimited
  | ModelTimeout
  | ModelHttpError
  | ModelTransportError
  | ModelBadResponse
  | ModelContextOverflow

/** Anything `ModelClient` can fail with. */
export type ModelError = ModelCallError | ModelFailover

/** The attempt record of a failure, for `FailoverError` detail and `infer --json` `attempts`. */
export const attemptOf = (error: ModelCallError): FailoverAttempt => ({
  provider: error.provider,
  model: error.model,
  reason: error.reason,
  ...(error.status === undefined ? {} : { status: error.status }),
  summary: error.message,
  code: error.code,
  ...(error.request === undefined ? {} : { request: error.request })
})

/** The retry-after hint a failure carries, if any. */
export const retryAfterOf = (error: ModelCallError): number | undefined =>
  error._tag === "ModelRateLimited" || error._tag === "ModelHttpError" ? error.retryAfterMs : undefined
