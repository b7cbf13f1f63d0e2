import { Context, type Effect, type Queue, type Scope } from "effect"
import type { ConfigInvalid, ConfigIoError, ConfigParseError } from "../domain/errors.js"
import type { GatewayClientError } from "../domain/protocol/clientErrors.js"
import type { EventFrame, HelloOk } from "../domain/protocol/frames.js"
import type { MethodSpec } from "../domain/protocol/methods.js"

/** How to reach the gateway; anything left out comes from env and config (spec 3.3). */
export interface ConnectOptions {
  readonly url?: string | undefined
  /** The local gateway on this port (the original's `--port`); `url` wins when both are given. */
  readonly port?: number | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
  readonly timeoutMs?: number | undefined
  readonly scopes?: ReadonlyArray<string> | undefined
  /** Connect as `role: "node"` (the headless node host) declaring these caps and commands. */
  readonly node?: {
    readonly displayName?: string | undefined
    readonly caps: ReadonlyArray<string>
    readonly commands: ReadonlyArray<string>
    readonly permissions?: Readonly<Record<string, boolean>> | undefined
  } | undefined
  /** Probes never create a device identity or a pairing request. */
  readonly probe?: boolean | undefined
  /**
   * A target resolved by the caller (the probe's per-target credentials): used as is, bypassing
   * flag/env/config resolution. `storedToken` allows the cached device token for this URL.
   */
  readonly target?: {
    readonly url: string
    readonly token: string | undefined
    readonly password: string | undefined
    readonly storedToken: boolean
  } | undefined
}

/**
 * The config the target would come from cannot be used (unreadable, not JSON5, invalid): the client
 * says so instead of quietly connecting to the default port without credentials.
 */
export type ClientConfigError = ConfigParseError | ConfigInvalid | ConfigIoError

/** An open, authenticated connection. */
export interface GatewayConnection {
  readonly url: string
  readonly hello: HelloOk
  /** `expectFinal`: for two-phase methods (`agent`), skip the `accepted` answer and resolve with the final one. */
  readonly request: (method: string, params: unknown, timeoutMs?: number, options?: { readonly expectFinal?: boolean }) => Effect.Effect<unknown, GatewayClientError>
  /** `request` with the result decoded against the method's schema, on this one connection. */
  readonly call: <P, R>(spec: MethodSpec<P, R>, params: P, timeoutMs?: number) => Effect.Effect<R, GatewayClientError>
  readonly events: Queue.Dequeue<EventFrame>
  /** Completes when the socket has closed (a long-lived client, like the node host, reconnects then). */
  readonly closed?: Effect.Effect<void>
  /** The device identity this connection signed with (none for an identity-less probe). */
  readonly deviceId?: string | undefined
}

/** The CLI's side of the protocol: device identity, credentials, the connect handshake, calls. */
export class GatewayClient extends Context.Tag("openclaw/GatewayClient")<GatewayClient, {
  readonly connect: (options: ConnectOptions) => Effect.Effect<GatewayConnection, GatewayClientError | ClientConfigError, Scope.Scope>
  /** Connects, calls one method, decodes its result with the method table, and disconnects. */
  readonly call: <P, R>(spec: MethodSpec<P, R>, params: P, options: ConnectOptions) => Effect.Effect<R, GatewayClientError | ClientConfigError>
  /** The same for a method name this client has no schema for (`openclaw gateway call`). */
  readonly callRaw: (method: string, params: unknown, options: ConnectOptions) => Effect.Effect<unknown, GatewayClientError | ClientConfigError>
}>() {}
