import { Layer } from "effect"
import type { AgentTool } from "../../src/domain/agent/tools.js"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { AgentMethodsLive } from "../../src/layers/gateway/methods/agentMethods.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { type RunningGateway, startGateway } from "./gatewayHarness.js"

export const AGENT_TOKEN = "agent-test-token-0123456789"

export type AgentGateway = Pick<RunningGateway, "url" | "dir" | "logFile" | "logLines" | "stop">

/**
 * A real gateway in this process (127.0.0.1, port 0, temp state dir) with the agent feature over the
 * given config, extra tools and agent policy.
 */
export const startAgentGateway = (
  config: Record<string, unknown>,
  options: { readonly tools?: ReadonlyArray<AgentTool<any, any>>; readonly maxToolRounds?: number; readonly runTimeoutMs?: number } = {}
): Promise<AgentGateway> => {
  const full = { gateway: { mode: "local", auth: { mode: "token", token: AGENT_TOKEN } }, ...config }
  const policy = Layer.succeed(AgentPolicy, { maxToolRounds: options.maxToolRounds ?? 12, runTimeout: `${options.runTimeoutMs ?? 30_000} millis` })
  return startGateway(full, {}, (base) => [
    AgentMethodsLive.pipe(Layer.provide(AgentStackLive({ tools: options.tools ?? [], policy })), Layer.provide(base))
  ], "clawgate-agent-")
}
