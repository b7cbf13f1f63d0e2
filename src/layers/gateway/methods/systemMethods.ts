import { Clock, DateTime, Effect, JSONSchema, Layer, Option } from "effect"
import * as fs from "node:fs"
import os from "node:os"
import { VERSION } from "../../../domain/BuildInfo.js"
import { OpenClawConfig } from "../../../domain/config/ConfigSchema.js"
import { configuredSelection } from "../../../domain/models/selection.js"
import { MissingScope } from "../../../domain/protocol/errors.js"
import { scopeSatisfied } from "../../../domain/protocol/scopes.js"
import { SystemMethods as M } from "../../../domain/protocol/systemMethods.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"
import { Paths } from "../../../services/Paths.js"

/** Free and total bytes of the file system holding `dir`; none when the platform cannot say. */
const diskOf = (dir: string) =>
  Effect.tryPromise(() => fs.promises.statfs(dir)).pipe(
    Effect.map((s) => ({ path: dir, totalBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize })),
    Effect.option
  )

/**
 * `system.info`, `diagnostics.lanes`, `config.schema`, `update.status`, `openclaw.setup.detect` and
 * `environments.list`: what the original Control UI's settings, devices and debug views read, from
 * this host and this gateway's config.
 */
export const SystemMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const paths = yield* Paths
    // The JSON schema of the config this gateway validates (sections it keeps but does not read are open),
    // made on the first `config.schema` call rather than at every start.
    let configJsonSchema: Record<string, unknown> | undefined

    yield* registry.register(M.systemInfo, () =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const disk = yield* diskOf(paths.stateDir)
        const memory = process.memoryUsage()
        const cpus = os.cpus()
        const settings = yield* runtime.settings
        return {
          machineName: os.hostname(),
          hostname: os.hostname(),
          platform: process.platform,
          release: os.release(),
          arch: process.arch,
          osLabel: `${os.type()} ${os.release()}`,
          port: settings.port,
          nodeVersion: process.version,
          pid: process.pid,
          processInstanceId: runtime.bootId,
          uptimeMs: Math.max(0, now - runtime.startedAtMs),
          cpuCount: cpus.length,
          cpuModel: cpus[0]?.model.trim() ?? "",
          loadAverage: os.loadavg(),
          memoryTotalBytes: os.totalmem(),
          memoryFreeBytes: os.freemem(),
          processMemory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external, arrayBuffersBytes: memory.arrayBuffers },
          disks: Option.toArray(disk),
          ...Option.match(disk, { onNone: () => ({}), onSome: (d) => ({ diskTotalBytes: d.totalBytes, diskAvailableBytes: d.availableBytes }) }),
          diskPath: paths.stateDir
        }
      }))

    // This gateway runs agent turns without named command lanes: there are none to report.
    yield* registry.register(M.diagnosticsLanes, () => Effect.map(Clock.currentTimeMillis, (ts) => ({ ts, lanes: [], dynamic: null })))

    yield* registry.register(M.configSchema, () =>
      Effect.map(DateTime.now, (now) => ({ schema: (configJsonSchema ??= JSONSchema.make(OpenClawConfig) as unknown as Record<string, unknown>), uiHints: {}, version: VERSION, generatedAt: DateTime.formatIso(now) })))

    // No self-updater here: nothing pending, nothing known to be available, updates never automatic.
    yield* registry.register(M.updateStatus, () =>
      Effect.succeed({ sentinel: null, updateAvailable: null, effectiveChannel: "stable", schedule: { channel: "stable", autoEnabled: false } }))

    // Model setup is done by editing the config here (no provider sign-in flows): setup is complete
    // once a default model is configured, and there is nothing to offer besides.
    yield* registry.register(M.setupDetect, () =>
      Effect.gen(function*() {
        const { config } = yield* runtime.settings
        const primary = configuredSelection(config).primary
        return {
          manualProviders: [],
          authOptions: [],
          prepareOptions: [],
          nativeSessionCatalogs: [],
          nativeSessionCatalogPreferenceRequired: false,
          workspace: paths.stateDir,
          setupComplete: primary !== undefined,
          candidates: [],
          unavailableCandidates: [],
          recommendedInstalls: []
        }
      }))

    // The gateway host itself is the one place agents run here (paired nodes run commands, not sessions).
    const environments = {
      environments: [{
        id: "gateway",
        type: "local",
        label: "Gateway local",
        status: "available",
        platform: process.platform,
        sessionHost: true,
        trust: "persistent",
        capabilities: ["agent.run", "sessions", "tools"]
      }]
    }
    // Naming a runtime asks to prepare it, which needs write (the original's param-aware scope).
    yield* registry.register(M.environmentsList, (params, caller) =>
      params.runtimeId !== undefined && !scopeSatisfied(caller.scopes, "operator.write")
        ? Effect.fail(new MissingScope({ message: "missing scope: operator.write", missingScope: "operator.write", requiredScopes: ["operator.write"] }))
        : Effect.succeed(environments))
  })
)
