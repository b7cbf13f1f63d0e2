import { Context, type Effect } from "effect"
import type { HeartbeatEvent } from "../domain/heartbeat/event.js"

export { HeartbeatEvent } from "../domain/heartbeat/event.js"

/** What woke the heartbeat: its schedule, a wake request, or a cron system event (which bypasses the empty-file preflight). */
export type HeartbeatWakeReason = "interval" | "wake" | "cron" | "exec" | "hook"

/** Runs heartbeat turns and keeps the system events they pick up. */
export class HeartbeatRunner extends Context.Tag("openclaw/HeartbeatRunner")<HeartbeatRunner, {
  /**
   * One heartbeat now: decides (maybe skipping, with the reason), runs the turn, delivers, records.
   * `sessionKey` targets that session (its queued events, its last route) instead of the main one.
   */
  readonly run: (input: { readonly agentId: string; readonly reason: HeartbeatWakeReason; readonly sessionKey?: string | undefined }) => Effect.Effect<HeartbeatEvent>
  readonly last: Effect.Effect<HeartbeatEvent | null>
  /** `set-heartbeats`: turns scheduled heartbeats on or off for this gateway process. */
  readonly setEnabled: (enabled: boolean) => Effect.Effect<void>
  readonly enabled: Effect.Effect<boolean>
  /** Queues a `System:` line for the next heartbeat of the main session (or of `sessionKey`). */
  readonly enqueueSystemEvent: (text: string, sessionKey?: string | undefined) => Effect.Effect<void>
  readonly pendingEvents: Effect.Effect<ReadonlyArray<string>>
}>() {}
