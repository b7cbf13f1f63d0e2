import { Effect, Either, Exit, Layer, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { AgentTool } from "../../src/domain/agent/tools.js"
import { resolveGatewayAuth } from "../../src/domain/auth/resolveAuth.js"
import { validateConfig } from "../../src/domain/config/validate.js"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { ConfigLive } from "../../src/layers/ConfigLive.js"
import { AgentMethodsLive } from "../../src/layers/gateway/methods/agentMethods.js"
import { GatewayPolicyLive } from "../../src/layers/gateway/GatewayServerLive.js"
import { gatewayLayer } from "../../src/layers/gateway/runGateway.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { GatewayLog } from "../../src/services/GatewayLog.js"
import { GatewayServer } from "../../src/services/GatewayServer.js"

export const AGENT_TOKEN = "agent-test-token-0123456789"

export interface AgentGateway {
  readonly url: string
  readonly dir: string
  readonly logFile: string
  /** The gateway log's lines so far (flushed first). */
  readonly logLines: () => Promise<ReadonlyArray<string>>
  readonly stop: () => Promise<void>
}

/**
 * A real gateway in this process (127.0.0.1, port 0, temp state dir) with the agent feature over the
 * given config, extra tools and agent policy.
 */
export const startAgentGateway = async (
  config: Record<string, unknown>,
  options: { readonly tools?: ReadonlyArray<AgentTool<any, any>>; readonly maxToolRounds?: number; readonly runTimeoutMs?: number } = {}
): Promise<AgentGateway> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-agent-"))
  const full = { gateway: { mode: "local", auth: { mode: "token", token: AGENT_TOKEN } }, ...config }
  fs.writeFileSync(path.join(dir, "openclaw.json"), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 })
  const validated = validateConfig(full)
  if (Either.isLeft(validated)) throw new Error(`test config invalid: ${JSON.stringify(validated.left)}`)
  const hostEnv = { OPENCLAW_STATE_DIR: dir }
  const base = ConfigLive({ host: { env: hostEnv, osHome: dir, cwd: dir } })
  const logFile = path.join(dir, "logs", "gateway.log")
  const policy = Layer.succeed(AgentPolicy, { maxToolRounds: options.maxToolRounds ?? 12, runTimeout: `${options.runTimeoutMs ?? 30_000} millis` })
  const feature = AgentMethodsLive.pipe(Layer.provide(AgentStackLive({ tools: options.tools ?? [], policy })), Layer.provide(base))
  const layer = gatewayLayer({
    host: "127.0.0.1",
    port: 0,
    bindMode: "loopback",
    configHash: undefined,
    config: validated.right.config,
    auth: resolveGatewayAuth(validated.right.config.gateway, hostEnv),
    overrides: {},
    logFile,
    features: [feature]
  }).pipe(Layer.provide(base), Layer.provide(GatewayPolicyLive))
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const server = Effect.runSync(Effect.provide(GatewayServer, context))
  const log = Effect.runSync(Effect.provide(GatewayLog, context))
  return {
    url: server.url,
    dir,
    logFile,
    logLines: async () => {
      await Effect.runPromise(log.flush)
      const file = await Effect.runPromise(log.currentFile)
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []
    },
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
