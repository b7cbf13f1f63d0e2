import { type Context, Layer } from "effect"
import type { ConfigStore } from "../../services/ConfigStore.js"
import type { Host } from "../../services/Host.js"
import type { Paths } from "../../services/Paths.js"
import { AgentMethodsLive } from "../gateway/methods/agentMethods.js"
import { type AgentStackOptions, AgentStackLive } from "./AgentLive.js"

/**
 * The gateway feature serving agent and chat methods, with its agent stack built over the caller's
 * config, paths and host (the gateway's GatewayLog receives the runner's log lines).
 */
export const AgentFeatureLive = (context: Context.Context<ConfigStore | Paths | Host>, options: AgentStackOptions = {}) =>
  AgentMethodsLive.pipe(Layer.provide(AgentStackLive(options)), Layer.provide(Layer.succeedContext(context)))
