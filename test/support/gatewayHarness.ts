import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Exit, Layer, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { resolveGatewayAuth } from "../../src/domain/auth/resolveAuth.js"
import { validateConfig } from "../../src/domain/config/validate.js"
import { ConfigLive } from "../../src/layers/ConfigLive.js"
import { GatewayPolicyLive } from "../../src/layers/gateway/GatewayPolicyLive.js"
import { gatewayLayer, type GatewayFeatureContext } from "../../src/layers/gateway/runGateway.js"
import { GatewayLog } from "../../src/services/GatewayLog.js"
import { GatewayPolicy } from "../../src/services/GatewayPolicy.js"
import { GatewayServer } from "../../src/services/GatewayServer.js"
import { Either } from "effect"

type Feature = Layer.Layer<never, never, GatewayFeatureContext>
/** The config foundation the gateway runs on, for features that need it (the agent stack). */
/** The config foundation of a test gateway over a temp dir, on the real disk. */
const gatewayBase = (env: Record<string, string>, dir: string) => ConfigLive({ host: { env, osHome: dir, cwd: dir } }).pipe(Layer.provideMerge(NodeFileSystem.layer))
export type GatewayBase = ReturnType<typeof gatewayBase>

export interface RunningGateway {
  readonly url: string
  readonly port: number
  readonly dir: string
  readonly configPath: string
  /** The gateway's JSON-lines log (writes are buffered: poll for a line, or use logLines). */
  readonly logFile: string
  /** The log's lines so far, flushed first. */
  readonly logLines: () => Promise<ReadonlyArray<string>>
  /** Sockets the server is serving (authenticated or not). */
  readonly socketCount: () => Promise<number>
  readonly stop: () => Promise<void>
}

/** The default GatewayPolicy with some timings replaced. */
export const testPolicy = (overrides: Partial<GatewayPolicy["Type"]>) =>
  Layer.effect(GatewayPolicy, Effect.map(GatewayPolicy, (defaults) => ({ ...defaults, ...overrides }))).pipe(Layer.provide(GatewayPolicyLive))

/** Starts a real gateway in this process on 127.0.0.1, port 0, over a temp state dir and the given config. */
export const startGateway = async (
  config: Record<string, unknown>,
  env: Record<string, string> = {},
  features: ReadonlyArray<Feature> | ((base: GatewayBase) => ReadonlyArray<Feature>) = [],
  tempPrefix = "clawgate-gw-",
  /** Timings to override (the rest are the defaults). */
  policy: Partial<GatewayPolicy["Type"]> = {},
  /** The bundled Control UI folder the gateway serves when gateway.controlUi.root is unset. */
  options: { readonly controlUiRoot?: string } = {}
): Promise<RunningGateway> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix))
  const configPath = path.join(dir, "openclaw.json")
  fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
  const validated = validateConfig(config)
  if (Either.isLeft(validated)) throw new Error(`test config invalid: ${JSON.stringify(validated.left)}`)
  const hostEnv = { OPENCLAW_STATE_DIR: dir, ...env }
  const logFile = path.join(dir, "logs", "gateway.log")
  const base = gatewayBase(hostEnv, dir)
  const layer = gatewayLayer({
    host: "127.0.0.1",
    port: 0,
    bindMode: "loopback",
    configHash: undefined,
    config: validated.right.config,
    auth: resolveGatewayAuth(validated.right.config.gateway, hostEnv),
    overrides: {},
    logFile,
    features: typeof features === "function" ? features(base) : features,
    controlUiRoot: options.controlUiRoot
  }).pipe(Layer.provide(base), Layer.provide(testPolicy(policy)))
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const server = Effect.runSync(Effect.provide(GatewayServer, context))
  const log = Effect.runSync(Effect.provide(GatewayLog, context))
  return {
    url: server.url,
    port: server.port,
    dir,
    configPath,
    logFile,
    logLines: async () => {
      await Effect.runPromise(log.flush)
      const file = await Effect.runPromise(log.currentFile)
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []
    },
    socketCount: () => Effect.runPromise(server.socketCount),
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
