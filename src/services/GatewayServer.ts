import { Context, type Effect } from "effect"

/** The listening gateway: where it is, and how many clients it holds. */
export class GatewayServer extends Context.Tag("openclaw/GatewayServer")<GatewayServer, {
  readonly host: string
  readonly port: number
  readonly url: string
  /** Authenticated sessions. */
  readonly connectionCount: Effect.Effect<number>
  /** Sockets being served, before or after their handshake (0 once every socket is released). */
  readonly socketCount: Effect.Effect<number>
}>() {}
