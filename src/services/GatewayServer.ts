import { Context, type Duration, type Effect } from "effect"

/** Timings of the server; tests swap in short ones. */
export class GatewayPolicy extends Context.Tag("openclaw/GatewayPolicy")<GatewayPolicy, {
  readonly tickInterval: Duration.DurationInput
  /** How long a socket may take to send a valid `connect`. */
  readonly handshakeTimeout: Duration.DurationInput
  /** How long shutdown waits for in-flight requests. */
  readonly drainTimeout: Duration.DurationInput
  /** How long presence changes gather before one `presence` event goes out. */
  readonly presenceCoalesce: Duration.DurationInput
}>() {}

/** The listening gateway: where it is, and how many clients it holds. */
export class GatewayServer extends Context.Tag("openclaw/GatewayServer")<GatewayServer, {
  readonly host: string
  readonly port: number
  readonly url: string
  readonly connectionCount: Effect.Effect<number>
}>() {}
