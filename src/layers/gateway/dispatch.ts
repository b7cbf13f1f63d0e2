import { Effect, Either, Schema } from "effect"
import { describeParseError } from "../../domain/protocol/describeParseError.js"
import { PROTOTYPE_KEYS, prototypeKeyPath } from "../../domain/protocol/prototypeKeys.js"
import { authorize } from "../../domain/protocol/authorize.js"
import { type GatewayWireError, InvalidRequest, toErrorShape } from "../../domain/protocol/errors.js"
import type { ErrorShape, RequestFrame } from "../../domain/protocol/frames.js"
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

/**
 * Authorizes, decodes params, runs the handler and encodes the result. Scope is checked before the
 * handler lookup, so an unknown method answers `missing scope` to callers without admin. Each call is
 * one span, `rpc <method>`.
 */
export const dispatch = (frame: RequestFrame, context: Omit<CallContext, "requestId">) =>
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const limiter = yield* AuthRateLimiter
    const entry = yield* registry.lookup(frame.method)
    const denied = authorize(context, frame.method, entry?.spec.access)
    if (denied !== undefined) {
      return { ok: false, error: toErrorShape(denied.error), unauthorizedRole: denied._tag === "WrongRole" } as const
    }
    if (entry === undefined) {
      return { ok: false, error: toErrorShape(new InvalidRequest({ message: `unknown method: ${truncateEcho(frame.method)}` })), unauthorizedRole: false } as const
    }
    const run = Effect.gen(function*() {
      if (entry.spec.controlPlaneWrite === true) yield* limiter.controlPlaneWrite(frame.method, context.deviceId, context.clientIp)
      // One pass before any schema sees them: decoding (and later logging) recurses once per level, and a method
      // that ignores unknown params would drop a prototype key silently instead of refusing it.
      const shape = paramsShape(frame.params, MAX_PARAMS_DEPTH, PROTOTYPE_KEYS)
      if (shape === "too-deep") return yield* new InvalidRequest({ message: tooDeepMessage(frame.method) })
      if (shape === "prototype-key") {
        // Only now is the path worth building (the depth is known to be bounded, so recursing is safe).
        const path = prototypeKeyPath(frame.params) ?? "(root)"
        return yield* new InvalidRequest({ message: `invalid ${frame.method} params: ${truncateEcho(path)}: is unexpected` })
      }
      const onExcessProperty = entry.spec.unknownParams === "ignore" ? "ignore" : "error"
      const params = yield* Either.match(Schema.decodeUnknownEither(entry.spec.params, { errors: "all", onExcessProperty })(frame.params ?? {}), {
        onLeft: (error) => Effect.fail(new InvalidRequest({ message: `invalid ${frame.method} params: ${describeParseError(error, entry.spec.params)}` })),
        onRight: (value) => Effect.succeed(value)
      })
      const result = yield* entry.handler(params, { ...context, requestId: frame.id })
      return yield* Schema.encodeUnknown(entry.spec.result)(result).pipe(Effect.orDie)
    })
    return yield* run.pipe(
      Effect.map((payload): DispatchResult => ({ ok: true, payload })),
      Effect.catchAll((error: GatewayWireError) => Effect.succeed<DispatchResult>({ ok: false, error: boundedMessage(toErrorShape(error)), unauthorizedRole: false })),
      Effect.catchAllDefect((defect) =>
        Effect.logError("gateway handler defect", defect).pipe(
          Effect.as<DispatchResult>({ ok: false, error: { code: "UNAVAILABLE", message: `internal error in ${truncateEcho(frame.method)}`, retryable: true }, unauthorizedRole: false })
        )
      )
    )
  // Per-request spans skip the definition-site stack capture: it is the same line every time, and this is the hot path.
  }).pipe(Effect.withSpan(`rpc ${frame.method}`, { attributes: { "rpc.id": frame.id, "rpc.conn": context.connId }, captureStackTrace: false }))
