import { Context, type Effect } from "effect"
import type { ChannelsStatusResult } from "../domain/channels/status.js"
import type { Inbound } from "./ChannelRegistry.js"

/** The channel core of a running gateway: accounts started from config, inbound routing, status. */
export class Channels extends Context.Tag("openclaw/Channels")<Channels, {
  /** `channels.status`: every account's snapshot; with `probe`, each account's credentials checked now. */
  readonly status: (input: { readonly probe: boolean; readonly timeoutMs: number; readonly channel?: string | undefined }) => Effect.Effect<ChannelsStatusResult>
  /** Hands one inbound message to the access pipeline and router (what a running account's `emitInbound` does). */
  readonly inbound: (message: Inbound) => Effect.Effect<void>
  /** Waits until every queued inbound turn has been answered (tests, shutdown). */
  readonly idle: Effect.Effect<void>
}>() {}
