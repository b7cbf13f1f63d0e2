import { Effect, Layer, Option } from "effect"
import { ChannelDelivery, DeliveryFailed } from "../../src/services/ChannelDelivery.js"

/**
 * ChannelDelivery when no channel layer is wired into the gateway: no channel has accounts, no session
 * has a route, and every send fails with `CHANNEL_UNKNOWN`. Cron and heartbeat then report `no-route`
 * / not delivered instead of failing to start. (The gateway wires the channels layer.)
 */
export const ChannelDeliveryUnavailable = Layer.succeed(ChannelDelivery, {
  send: (target) => Effect.fail(new DeliveryFailed({ code: "CHANNEL_UNKNOWN", message: `Unknown channel: ${target.channel}` })),
  accountIds: () => Effect.succeed([]),
  lastRoute: () => Effect.succeed(Option.none())
})
