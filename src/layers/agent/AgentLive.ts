import type * as FileSystem from "@effect/platform/FileSystem"
import { Layer } from "effect"
import type { AgentTool } from "../../domain/agent/tools.js"
import type { AgentPolicy } from "../../services/AgentPolicy.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import type { Host } from "../../services/Host.js"
import type { ModelCatalog } from "../../services/ModelCatalog.js"
import type { ModelClient } from "../../services/ModelClient.js"
import type { ModelHealth } from "../../services/ModelHealth.js"
import type { Paths } from "../../services/Paths.js"
import type { StateFiles } from "../../services/StateFiles.js"
import { ModelsLive } from "../models/ModelsLive.js"
import { AgentPolicyLive } from "./AgentPolicyLive.js"
import { AgentRunnerLive } from "./AgentRunnerLive.js"
import { SessionStoreLive } from "./SessionStoreLive.js"
import { ToolRegistryLive } from "./ToolRegistryLive.js"

/** What the agent stack can be built with: extra tools, other policy numbers, other model services. */
export interface AgentStackOptions {
  readonly tools?: ReadonlyArray<AgentTool<any, any>>
  readonly policy?: Layer.Layer<AgentPolicy>
  readonly models?: Layer.Layer<ModelCatalog | ModelClient | ModelHealth, never, ConfigStore | Host | Paths | StateFiles | FileSystem.FileSystem>
}

/** The agent runtime over model services already in context: runner, session store, tool registry, agent policy. */
export const AgentRuntimeLive = (options: Omit<AgentStackOptions, "models"> = {}) =>
  AgentRunnerLive.pipe(
    Layer.provideMerge(Layer.mergeAll(
      SessionStoreLive,
      ToolRegistryLive(options.tools ?? []),
      options.policy ?? AgentPolicyLive
    ))
  )

/**
 * The agent runtime over a ConfigStore, Paths, Host and GatewayLog: runner, session store, tool
 * registry, agent policy and the model services (catalogue plus the policy-wrapped client).
 */
export const AgentStackLive = (options: AgentStackOptions = {}) =>
  AgentRuntimeLive(options).pipe(Layer.provideMerge(options.models ?? ModelsLive))
