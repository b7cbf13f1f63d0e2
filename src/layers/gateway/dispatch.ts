import { Cause, Effect, Either, Exit, Option, ParseResult, Schema } from "effect"
import { describeParseError } from "../../domain/protocol/describeParseError.js"
import { PROTOTYPE_KEYS, prototypeKeyPath } from "../../domain/protocol/prototypeKeys.js"
import { authorize } from "../../domain/protocol/authorize.js"
import { type GatewayWireError, InvalidRequest, toErrorShape } from "../../domain/protocol/errors.js"
import type { ErrorShape, RequestFrame } from "../../domain/protocol/frames.js"
import type { MethodSpec } from "../../domain/protocol/methods.js"
import { MAX_PARAMS_DEPTH, paramsShape, tooDeepMessage } from "../../domain/protocol/nesting.js"
import { truncateEcho } from "../../domain/text/truncateEcho.js"
import { AuthRateLimiter } from "../../services/AuthRateLimiter.js"
import { type CallContext, MethodRegistry } from "../../services/MethodRegistry.js"

/** The outcome of one request, ready to become a `res` frame. */
export type DispatchResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: ErrorShape; readonly unauthorizedRole: boolean }

/** Any handler's error message, however it was built, stays small in the reply and the log line. */
const MAX_ERROR_MESSAGE_BYTES = 4096
const boundedMessage = (error: ErrorShape): ErrorShape => ({ ...error, message: truncateEcho(error.message, MAX_ERROR_MESSAGE_BYTES) })

/** What the dispatcher keeps per method spec, built on its first call rather than on every one. */
interface Codec {
  readonly decodeParams: (params: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly encodeResult: (result: unknown) => Either.Either<unknown, ParseResult.ParseError>
  /**
   * Results already encoded, by identity: a handler that answers with the same immutable object again
   * (health's cached snapshot) is not walked by the schema again.
   */
  readonly encoded: WeakMap<object, unknown>
}
const codecs = new WeakMap<MethodSpec, Codec>()
const codecOf = (spec: MethodSpec): Codec => {
  let codec = codecs.get(spec)
  if (codec === undefined) {
    const onExcessProperty = spec.unknownParams === "ignore" ? "ignore" : "error"
    codec = {
      decodeParams: Schema.decodeUnknownEither(spec.params, { errors: "all", onExcessProperty }),
      // Synchronous: result schemas have no async transformations (one that had would answer a defect, never hang).
      encodeResult: Schema.encodeUnknownEither(spec.result),
      encoded: new WeakMap()
    }
    codecs.set(spec, codec)
  }
  return codec
}

/** The result's wire form, or why the schema refuses it (the handler's bug: answered as a defect). */
const encodeOnce = (codec: Codec, result: unknown): Either.Either<unknown, ParseResult.ParseError> => {
  const cacheable = typeof result === "object" && result !== null
  const known = cacheable ? codec.encoded.get(result) : undefined
  if (known !== undefined) return Either.right(known)
  const encoded = codec.encodeResult(result)
  if (cacheable && Either.isRight(encoded)) codec.encoded.set(result, encoded.right)
  return encoded
}

const refused = (error: GatewayWireError, unauthorizedRole = false): DispatchResult => ({ ok: false, error: boundedMessage(toErrorShape(error)), unauthorizedRole })

/** Checks the params before any schema sees them, then decodes them: the request's params or why they are refused. */
const decodeParams = (frame: RequestFrame, codec: Codec, spec: MethodSpec): Either.Either<unknown, InvalidRequest> => {
  // One pass first: decoding (and later logging) recurses once per level, and a method that ignores
  // unknown params would drop a prototype key silently instead of refusing it.
  const shape = paramsShape(frame.params, MAX_PARAMS_DEPTH, PROTOTYPE_KEYS)
  if (shape === "too-deep") return Either.left(new InvalidRequest({ message: tooDeepMessage(frame.method) }))
  if (shape === "prototype-key") {
    // Only now is the path worth building (the depth is known to be bounded, so recursing is safe).
    const path = prototypeKeyPath(frame.params) ?? "(root)"
    return Either.left(new InvalidRequest({ message: `invalid ${frame.method} params: ${truncateEcho(path)}: is unexpected` }))
  }
  return Either.mapLeft(
    codec.decodeParams(frame.params ?? {}),
    (error) => new InvalidRequest({ message: `invalid ${frame.method} params: ${describeParseError(error, spec.params)}` })
  )
}

/**
 * A request that did not succeed, as a reply: its typed error as the wire error (plain code), a defect as
 * `UNAVAILABLE` (logged, so an effect); an interruption (the socket closed, the gateway stops) has nobody to answer.
 */
const settleFailure = (method: string, cause: Cause.Cause<GatewayWireError>): DispatchResult | Effect.Effect<DispatchResult> => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return refused(failure.value)
  if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
  return Effect.as(
    Effect.logError("gateway handler defect", cause),
    { ok: false, error: { code: "UNAVAILABLE", message: `internal error in ${truncateEcho(method)}`, retryable: true }, unauthorizedRole: false }
  )
}

/** A request's answer: plain when it is known at once, else the effect that finds it. */
export type Answer = DispatchResult | Effect.Effect<DispatchResult, never, AuthRateLimiter>

/** A handler's exit as a reply, in plain code unless it is a defect or an interruption (see `settleFailure`). */
const settleExit = (method: string, codec: Codec, exit: Exit.Exit<unknown, GatewayWireError>): DispatchResult | Effect.Effect<DispatchResult> => {
  if (Exit.isFailure(exit)) return settleFailure(method, exit.cause)
  const encoded = encodeOnce(codec, exit.value)
  return Either.isRight(encoded) ? { ok: true, payload: encoded.right } : settleFailure(method, Cause.die(encoded.left))
}

const asEffect = (answered: Answer): Effect.Effect<DispatchResult, never, AuthRateLimiter> => (Effect.isEffect(answered) ? answered : Effect.succeed(answered))

/**
 * Plain code that throws (a handler throwing instead of failing, a schema that cannot be compiled) is a bug:
 * answered as a defect, as inside an effect.
 */
const guarded = (method: string, answerOf: () => Answer): Answer => {
  try {
    return answerOf()
  } catch (defect) {
    return settleFailure(method, Cause.die(defect))
  }
}

/**
 * Authorizes, decodes params, runs the handler and encodes the result. Scope is checked before the
 * handler lookup, so an unknown method answers `missing scope` to callers without admin. Everything but
 * the handler is plain code, and so is a handler that answers with an Exit (a cache hit: health's snapshot):
 * such a request is answered without a fiber at all. No span per call: creating one cost a tenth of a cached
 * `health` call, and the access log line that follows every call (method, duration, connection, id) says
 * what the span said.
 */
export const answer = (registry: MethodRegistry["Type"], frame: RequestFrame, context: CallContext): Answer =>
  guarded(frame.method, () => answerOrThrow(registry, frame, context))

const answerOrThrow = (registry: MethodRegistry["Type"], frame: RequestFrame, context: CallContext): Answer => {
  const entry = registry.find(frame.method)
  const denied = authorize(context, frame.method, entry?.spec.access)
  if (denied !== undefined) return refused(denied.error, denied._tag === "WrongRole")
  if (entry === undefined) return refused(new InvalidRequest({ message: `unknown method: ${truncateEcho(frame.method)}` }))
  const codec = codecOf(entry.spec)
  const run = (): Answer => {
    const params = decodeParams(frame, codec, entry.spec)
    if (Either.isLeft(params)) return refused(params.left)
    const handled = entry.handler(params.right, context)
    // An Exit is an Effect: a handler answering with one (from a cache) is settled here, in plain code.
    if (Exit.isExit(handled)) return settleExit(frame.method, codec, handled as Exit.Exit<unknown, GatewayWireError>)
    return Effect.flatMap(Effect.exit(handled), (exit) => asEffect(settleExit(frame.method, codec, exit)))
  }
  // A control-plane write is counted before its params are looked at, as the original does.
  if (entry.spec.controlPlaneWrite !== true) return run()
  const limited = Effect.flatMap(AuthRateLimiter, (limiter) => limiter.controlPlaneWrite(frame.method, context.deviceId, context.clientIp))
  return Effect.flatMap(Effect.exit(limited), (exit) => asEffect(Exit.isFailure(exit) ? settleFailure(frame.method, exit.cause) : guarded(frame.method, run)))
}

/** `answer` as an effect, for callers inside one (a connect's model catalog snapshot). */
export const dispatch = (registry: MethodRegistry["Type"], frame: RequestFrame, context: CallContext): Effect.Effect<DispatchResult, never, AuthRateLimiter> =>
  Effect.suspend(() => asEffect(answer(registry, frame, context)))
