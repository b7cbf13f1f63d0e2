import type { HealthResult, StatusResult } from "../protocol/methods.js"

/** One agent's stored sessions as the gateway found them. */
export interface AgentSessions {
  readonly agentId: string
  readonly path: string
  readonly count: number
}

/** A sample of the gateway's event loop and process, taken by the layer. */
export interface ProcessSample {
  readonly eventLoop: {
    readonly intervalMs: number
    readonly delayP99Ms: number
    readonly delayMaxMs: number
    readonly utilization: number
    readonly cpuCoreRatio: number
    readonly cpuBreakdown: {
      readonly mainThreadCoreRatio: number
      readonly hostUtilization: number
      readonly hostCpuCount: number
      readonly workerCoreRatio: number
      readonly otherThreadsCoreRatio: number
    }
  }
  readonly memory: {
    readonly rssBytes: number
    readonly heapUsedBytes: number
    readonly heapTotalBytes: number
    readonly externalBytes: number
    readonly arrayBuffersBytes: number
  }
}

/** What health and status are built from. */
export interface HealthInput {
  readonly ts: number
  readonly durationMs: number
  readonly version: string
  readonly uptimeMs: number
  readonly connections: number
  readonly defaultAgentId: string
  /** The default agent's index path, reported even before it has sessions. */
  readonly defaultIndexPath: string
  readonly indexes: ReadonlyArray<AgentSessions>
  /** `agents.defaults.heartbeat.every`, when configured. */
  readonly heartbeatEvery: string | undefined
  readonly process: ProcessSample
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `30m` -> 1 800 000; anything unreadable -> null. */
export const everyToMs = (every: string | undefined): number | null => {
  const match = every === undefined ? null : /^(\d+)\s*(ms|s|m|h|d)$/.exec(every.trim())
  return match === null || match[1] === undefined || match[2] === undefined ? null : Number(match[1]) * (UNIT_MS[match[2]] ?? 0)
}

const agentIds = (input: HealthInput) => [...new Set([input.defaultAgentId, ...input.indexes.map((i) => i.agentId)])]

const sessionsOf = (input: HealthInput, agentId: string) => {
  const index = input.indexes.find((i) => i.agentId === agentId)
  return { path: index?.path ?? input.defaultIndexPath, count: index?.count ?? 0, recent: [] }
}

// Clawgate has no scheduler yet: a configured heartbeat is reported, never as running.
const heartbeatOf = (input: HealthInput) => ({ enabled: false, every: input.heartbeatEvery ?? null, everyMs: everyToMs(input.heartbeatEvery) })

const eventLoopOf = (input: HealthInput) => ({ degraded: false, degradedSinceMs: null, reasons: [], ...input.process.eventLoop })

/** The `health` payload in the original's shape; `version`, `uptimeMs`, `connections` are ours. */
export const healthReport = (input: HealthInput): HealthResult => {
  const ids = agentIds(input)
  const total = input.indexes.reduce((n, i) => n + i.count, 0)
  return {
    ok: true,
    ts: input.ts,
    durationMs: input.durationMs,
    plugins: { loaded: [], errors: [], unavailable: [] },
    configReload: { hotReloadStatus: "active" },
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 0,
    defaultAgentId: input.defaultAgentId,
    agents: ids.map((agentId) => ({ agentId, isDefault: agentId === input.defaultAgentId, heartbeat: heartbeatOf(input), sessions: sessionsOf(input, agentId) })),
    sessions: { ...sessionsOf(input, input.defaultAgentId), count: total },
    modelRuntime: { degraded: false, pendingAgents: [] },
    eventLoop: eventLoopOf(input),
    version: input.version,
    uptimeMs: input.uptimeMs,
    connections: input.connections
  }
}

const zeroCounts = (keys: ReadonlyArray<string>) => Object.fromEntries(keys.map((k) => [k, 0]))

/** Our own status fields, kept next to the original's. */
export interface StatusExtras {
  readonly authMode: string
  readonly bind: string
  readonly port: number
  readonly pid: number
  /** Admin callers also see where config and state live (the original redacts them for others). */
  readonly admin: { readonly configPath: string; readonly stateDir: string } | undefined
  readonly defaultModel: string | null
  readonly contextTokens: number | null
  /** The config projection the original CLI asks for (`includeCliProjection`). */
  readonly cliProjection: { readonly updateChannel: string | null } | undefined
  /** How long a shutdown may take (drain + close) and the part kept for closing sockets. */
  readonly shutdown: { readonly timeoutMs: number; readonly reserveMs: number }
}

/** The `status` payload in the original's shape (what its `openclaw status --json` reads), ours added. */
export const statusReport = (input: HealthInput, extras: StatusExtras): StatusResult => {
  const ids = agentIds(input)
  const shownPath = (p: string) => (extras.admin === undefined ? "[redacted]" : p)
  return {
    runtimeVersion: input.version,
    ...(extras.cliProjection === undefined ? {} : {
      cliProjection: {
        agents: { defaultId: input.defaultAgentId, ownership: ids.length === 1 ? "sole" : "shared", selectionRequired: false, rows: ids.map((id) => ({ id })) },
        updateChannel: extras.cliProjection.updateChannel,
        // No memory plugin runs here.
        memoryPlugin: { enabled: false, slot: null }
      }
    }),
    // Clawgate has no host desktop (VNC) service: reported as the original reports it switched off.
    hostDesktop: { enabled: false, state: "disabled", port: 5900 },
    heartbeat: {
      defaultAgentId: input.defaultAgentId,
      agents: ids.map((agentId) => ({ agentId, ...heartbeatOf(input) }))
    },
    channelSummary: [],
    queuedSystemEvents: [],
    degradedSecretOwners: [],
    degradedPlugins: [],
    tasks: {
      total: 0,
      active: 0,
      terminal: 0,
      failures: 0,
      byStatus: zeroCounts(["queued", "running", "succeeded", "failed", "timed_out", "cancelled", "lost"]),
      byRuntime: zeroCounts(["subagent", "acp", "cli", "cron"])
    },
    taskAudit: {
      total: 0,
      warnings: 0,
      errors: 0,
      byCode: zeroCounts(["stale_queued", "stale_running", "lost", "delivery_failed", "missing_cleanup", "inconsistent_timestamps"])
    },
    sessions: {
      paths: extras.admin === undefined ? [] : input.indexes.map((i) => i.path),
      count: input.indexes.reduce((n, i) => n + i.count, 0),
      defaults: { model: extras.defaultModel, contextTokens: extras.contextTokens },
      recent: [],
      byAgent: ids.map((agentId) => {
        const sessions = sessionsOf(input, agentId)
        return { agentId, path: shownPath(sessions.path), count: sessions.count, recent: [] }
      })
    },
    modelRuntime: { degraded: false, pendingAgents: [] },
    eventLoop: eventLoopOf(input),
    processMemory: input.process.memory,
    // The original's worker pools (transcript reconciliation, model catalog) run inline here: none to report.
    workerPools: {},
    shutdownBudget: {
      timeoutMs: extras.shutdown.timeoutMs,
      reserveMs: extras.shutdown.reserveMs,
      nativeStopBudget: false,
      // A shutdown here drains in-flight RPCs only; none of the original's tracked kinds of work exist.
      activeWork: zeroCounts(["rootRequests", "cronRuns", "sessionMutations", "terminalPersistence", "lifecycleWrites"]),
      writeCustody: []
    },
    pid: extras.pid,
    uptimeMs: input.uptimeMs,
    authMode: extras.authMode,
    bind: extras.bind,
    port: extras.port,
    connections: input.connections,
    ...(extras.admin === undefined ? {} : extras.admin)
  }
}
