import { Context, type Effect } from "effect"
import type { ActiveWorkCounts } from "../domain/gateway/restartPreflight.js"

/** A kind of work the gateway tracks so a shutdown or a safe restart can wait for it. */
export type WorkKind = keyof ActiveWorkCounts

/** The gateway's work in progress: RPCs in flight, agent runs, cron runs. */
export class ActiveWork extends Context.Tag("openclaw/ActiveWork")<ActiveWork, {
  readonly begin: (kind: WorkKind) => Effect.Effect<void>
  readonly end: (kind: WorkKind) => Effect.Effect<void>
  /** `begin` and `end` for plain code: the request path counts every RPC without running an effect for it. */
  readonly unsafeBegin: (kind: WorkKind) => void
  readonly unsafeEnd: (kind: WorkKind) => void
  /** Counts `effect` as work of `kind` while it runs (however it ends). */
  readonly track: <A, E, R>(kind: WorkKind, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly counts: Effect.Effect<ActiveWorkCounts>
}>() {}
