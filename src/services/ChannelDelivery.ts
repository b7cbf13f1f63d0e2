import { Context, type Effect, type Option, Schema } from "effect"

/**
 * Where an outbound message goes: a channel (`telegram`, `webchat`, ...), one of its accounts
 * (the channel's default account when absent) and a peer in it (a chat id, `dm:<user>`, ...).
 */
export interface DeliveryTarget {
  readonly channel: string
  readonly accountId?: string | undefined
  readonly to: string
  readonly threadId?: string | undefined
}

/**
 * A send that did not reach the channel. `CHANNEL_UNKNOWN`: no such channel is registered;
 * `ACCOUNT_UNKNOWN`: the channel has no such account; `CHANNEL_NOT_RUNNING`: the account is not
 * started; `SEND_FAILED`: the platform refused or could not be reached (its words in `message`).
 */
export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  code: Schema.Literal("CHANNEL_UNKNOWN", "ACCOUNT_UNKNOWN", "CHANNEL_NOT_RUNNING", "SEND_FAILED"),
  message: Schema.String
}) {}

/**
 * Outbound delivery for features that are not channels (cron announce, heartbeat replies): the
 * contract between them and the channel layer, so either side can be built and tested alone.
 */
export class ChannelDelivery extends Context.Tag("openclaw/ChannelDelivery")<ChannelDelivery, {
  /** Sends text to a target through its channel, chunked as that channel requires. */
  readonly send: (target: DeliveryTarget, text: string) => Effect.Effect<{ readonly messageIds: ReadonlyArray<string> }, DeliveryFailed>
  /** The account ids configured for a channel (empty when the channel is unknown or not configured). */
  readonly accountIds: (channel: string) => Effect.Effect<ReadonlyArray<string>>
  /** The route the last inbound message of a session came by (heartbeat and cron target `last`). */
  readonly lastRoute: (sessionKey: string) => Effect.Effect<Option.Option<DeliveryTarget>>
}>() {}
