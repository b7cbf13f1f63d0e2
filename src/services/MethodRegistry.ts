import { Context, type Effect } from "effect"
import type { MethodSpec } from "../domain/protocol/methods.js"
import type { GatewayWireError } from "../domain/protocol/errors.js"
import type { ErrorShape } from "../domain/protocol/frames.js"

/** Who is calling, as established at connect. */
export interface CallContext {
  readonly connId: string
  readonly requestId: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly deviceId: string | undefined
  /** How the socket authenticated: `token`, `password`, `none`, `trusted-proxy`, `device-token`. */
  readonly authMethod: string
  readonly clientIp: string
  readonly clientId: string
  /**
   * Sends a second `res` with the same id (two-phase replies: the handler answered `accepted`, this
   * carries the final result). Present on WebSocket requests.
   */
  readonly sendFinal?: ((outcome: { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: ErrorShape }) => Effect.Effect<void>) | undefined
}

export type MethodHandler<P, R> = (params: P, context: CallContext) => Effect.Effect<R, GatewayWireError>

/** A method as registered: its spec and its handler. */
export interface RegisteredMethod {
  readonly spec: MethodSpec
  readonly handler: MethodHandler<unknown, unknown>
}

/** The table of handlers: each feature registers its methods; the dispatcher looks them up. */
export class MethodRegistry extends Context.Tag("openclaw/MethodRegistry")<MethodRegistry, {
  readonly register: <P, R>(spec: MethodSpec<P, R>, handler: MethodHandler<P, R>) => Effect.Effect<void>
  /** The method registered under `name` (plain code: every request looks its method up). */
  readonly find: (name: string) => RegisteredMethod | undefined
  readonly names: Effect.Effect<ReadonlyArray<string>>
}>() {}
