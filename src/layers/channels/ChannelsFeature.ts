import { Effect, Layer } from "effect"
import { ChannelMethods } from "../../domain/protocol/channelMethods.js"
import { Channels } from "../../services/Channels.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { ChannelRegistryLive } from "./ChannelRegistryLive.js"
import { ChannelsCoreLive } from "./ChannelsCoreLive.js"
import { DiscordChannelLive } from "./discord/DiscordChannelLive.js"
import { SlackChannelLive } from "./slack/SlackChannelLive.js"
import { TelegramChannelLive, type TelegramTimings } from "./telegram/TelegramChannelLive.js"
import { WebChatChannelLive } from "./WebChatChannelLive.js"

/** How long `channels.status` waits for probes when the caller names no timeout (the CLI's `--timeout` default). */
const DEFAULT_PROBE_TIMEOUT_MS = 10_000

/**
 * The gateway's channels: the registry with every channel Layer (Telegram, web chat) registered, and the
 * core over them. Provides `Channels` and `ChannelDelivery` (for cron and heartbeat).
 */
export const ChannelsStackLive = (options: { readonly telegram?: Partial<TelegramTimings> } = {}) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const runtime = yield* GatewayRuntime
    const paths = yield* Paths
    const host = yield* Host
    const channelLayers = Layer.mergeAll(
      TelegramChannelLive({ env: host.env, stateDir: paths.stateDir, ...(options.telegram === undefined ? {} : { timings: options.telegram }) }),
      DiscordChannelLive({ env: host.env }),
      SlackChannelLive({ env: host.env }),
      WebChatChannelLive
    ).pipe(Layer.provideMerge(ChannelRegistryLive))
    return ChannelsCoreLive({ config: Effect.map(runtime.settings, (s) => s.config), stateDir: paths.stateDir }).pipe(Layer.provide(channelLayers))
  }))

/** `channels.status` over the Channels core. */
export const ChannelMethodsLive = Layer.effectDiscard(Effect.gen(function*() {
  const methods = yield* MethodRegistry
  const channels = yield* Channels
  yield* methods.register(ChannelMethods.channelsStatus, (params) =>
    channels.status({ probe: params.probe === true, timeoutMs: params.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, channel: params.channel }))
}))
