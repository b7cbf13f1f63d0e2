import { Context, type Effect, type Queue, type Scope } from "effect"

/** An event for connected clients; `audience` narrows who receives it (default: every authenticated socket). */
export interface BusEvent {
  readonly event: string
  readonly payload?: unknown
  /** Operator scope needed to receive it (e.g. `operator.pairing` for pairing events). */
  readonly scope?: string
  /** Only sockets of this connection id. */
  readonly connId?: string
  /** Sent with presence and health events so clients can drop stale snapshots. */
  readonly stateVersion?: { readonly presence: number; readonly health: number }
  /** Marks events a slow consumer may miss (tick, presence, health). */
  readonly droppable?: boolean
}

/** The gateway's one event bus: features publish, each connection subscribes. */
export class EventBus extends Context.Tag("openclaw/EventBus")<EventBus, {
  readonly publish: (event: BusEvent) => Effect.Effect<void>
  /** A queue of every event published while the scope is open, for a consumer that runs as a fiber. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<BusEvent>, never, Scope.Scope>
  /**
   * `deliver` is called synchronously, in publish order, by `publish` itself, until the scope closes: for
   * consumers that only hand the event on (a socket writing a frame), so a thousand idle sockets hold no
   * fiber and no queue each. `deliver` must not throw or block.
   */
  readonly listen: (deliver: (event: BusEvent) => void) => Effect.Effect<void, never, Scope.Scope>
}>() {}
