import { Context, type Duration, type Schedule } from "effect"
import type { FlowLimits } from "../domain/gateway/socketFlow.js"

/** Timings of the gateway server, its shutdown, bind retries and lock polling; tests swap in short ones. */
export class GatewayPolicy extends Context.Tag("openclaw/GatewayPolicy")<GatewayPolicy, {
  readonly tickInterval: Duration.DurationInput
  /** How long a socket may take to send a valid `connect`. */
  readonly handshakeTimeout: Duration.DurationInput
  /** How long presence changes gather before one `presence` event goes out. */
  readonly presenceCoalesce: Duration.DurationInput
  /** Presence fan-out budget: bytes per second of `presence` events over all sockets (bursts wait longer). */
  readonly presenceBytesPerSecond: number
  /** How old a cached health snapshot may be (`health {probe: true}` measures anew). */
  readonly healthCacheTtl: Duration.DurationInput
  /** Per-socket requests in flight, read-ahead and send-buffer limits. */
  readonly socketFlow: FlowLimits
  /** At shutdown: how long the `shutdown` event gets to reach sockets before draining starts. */
  readonly shutdownAnnounce: Duration.DurationInput
  /** At shutdown: how often the in-flight request count is checked while draining. */
  readonly drainPoll: Duration.DurationInput
  /** How long shutdown waits for in-flight requests. */
  readonly drainTimeout: Duration.DurationInput
  /** How long a safe restart waits for active work (agent runs, cron runs, RPCs) before it is forced. */
  readonly restartDrainBudget: Duration.DurationInput
  /** How often a deferred restart checks whether the active work has drained. */
  readonly restartPoll: Duration.DurationInput
  /** After the 1012 close: how long sockets get to close before they are terminated. */
  readonly closeGrace: Duration.DurationInput
  /** How long shutdown waits for the listener to close at all. */
  readonly closeTimeout: Duration.DurationInput
  /** Retries of a bind that failed with `EADDRINUSE`. */
  readonly bindRetry: Schedule.Schedule<unknown>
  /** Polling of a gateway lock held by a live process, until `lockTimeout`. */
  readonly lockPoll: Schedule.Schedule<unknown>
  /** How long a held gateway lock is polled before giving up. */
  readonly lockTimeout: Duration.DurationInput
}>() {}
