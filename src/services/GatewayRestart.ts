import { Context, type Effect } from "effect"
import type { RestartPreflight, RestartRequestResult } from "../domain/protocol/restartMethods.js"

/** One restart request as the gateway handles it. */
export interface RestartRequest {
  readonly reason: string
  /** Restart at once even with active work. */
  readonly skipDeferral: boolean
  /** How long to wait for active work before forcing the restart: `undefined` the policy's budget, `0` no limit. */
  readonly waitMs: number | undefined
  /** Requests in flight that belong to the caller itself (the restart request), not counted as blockers. */
  readonly ownRequests: number
}

/** Why the gateway restarts, once a restart is due. */
export interface RestartDue {
  readonly reason: string
  /** The drain budget ran out with work still active. */
  readonly forced: boolean
}

/**
 * The gateway's in-process restart: requests coalesce into one restart that waits for active work
 * (bounded), and `gateway run` serves again from fresh config once it is due.
 */
export class GatewayRestart extends Context.Tag("openclaw/GatewayRestart")<GatewayRestart, {
  readonly request: (request: RestartRequest) => Effect.Effect<RestartRequestResult>
  readonly preflight: (ownRequests: number) => Effect.Effect<RestartPreflight>
  /** Completes when a restart is due. */
  readonly due: Effect.Effect<RestartDue>
}>() {}
