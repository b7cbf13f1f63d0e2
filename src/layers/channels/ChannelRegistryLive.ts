import { Effect, Layer } from "effect"
import { type ChannelPlugin, ChannelRegistry } from "../../services/ChannelRegistry.js"

/** The registry every channel Layer registers into (in registration order, which is `channels status` order). */
export const ChannelRegistryLive = Layer.sync(ChannelRegistry, () => {
  const plugins: Array<ChannelPlugin> = []
  return {
    register: (plugin) => Effect.sync(() => {
      const at = plugins.findIndex((p) => p.id === plugin.id)
      if (at >= 0) plugins[at] = plugin
      else plugins.push(plugin)
    }),
    plugins: Effect.sync(() => [...plugins]),
    get: (id) => Effect.sync(() => plugins.find((p) => p.id === id))
  }
})
