import { Effect, FiberSet, Layer, Ref } from "effect"
import { randomUUID } from "node:crypto"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { agentIdOfKey, canonicalSessionKey, mainSessionKey, normalizeAgentId } from "../../domain/agent/sessionKey.js"
import { deliveryPreview } from "../../domain/cron/deliveryPreview.js"
import { CRON_SCRATCH_MAX_BYTES } from "../../domain/cron/scratch.js"
import { SCRIPT_PAYLOADS_DISABLED, TRIGGER_MIN_INTERVAL_MS, TRIGGER_TOOL_BUDGET, TRIGGER_WALL_CLOCK_MS, TRIGGERS_DISABLED, triggersEnabled } from "../../domain/cron/script.js"
import type { CronJob } from "../../domain/cron/job.js"
import { staggerOffsetMs } from "../../domain/cron/schedule.js"
import { cronSnapshotRevision } from "../../domain/cron/snapshotRevision.js"
import { jobView } from "../../domain/cron/view.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import { InvalidRequest } from "../../domain/protocol/errors.js"
import { ChannelDelivery } from "../../services/ChannelDelivery.js"
import { CronScheduler } from "../../services/CronScheduler.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { HeartbeatRunner } from "../../services/HeartbeatRunner.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import type { PacingProposals } from "./automationsTool.js"
import { CronExecutorLive, resolveAnnounceTarget } from "./CronExecutorLive.js"
import { CronSchedulerLive } from "./CronSchedulerLive.js"
import { heartbeatIntervalMs, HeartbeatRunnerLive } from "./HeartbeatRunnerLive.js"
import { scriptSyntaxProblem } from "./scriptHost.js"

/** Unique per gateway process, as the original's `processInstanceId` on `cron.run`. */
const PROCESS_INSTANCE_ID = randomUUID()

/** The scheduler runs unless `cron.enabled: false` or `OPENCLAW_SKIP_CRON=1`. */
export const cronEnabled = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>) =>
  config.cron?.enabled !== false && env["OPENCLAW_SKIP_CRON"] !== "1"

/** The system job that owns the main agent's heartbeat cadence (none when `every` is 0). */
export const declaredHeartbeats = (config: OpenClawConfig) => {
  const everyMs = heartbeatIntervalMs(config)
  if (everyMs <= 0) return []
  const key = "heartbeat:main"
  return [{
    declarationKey: key,
    name: "heartbeat-main",
    displayName: "Heartbeat (main)",
    agentId: "main",
    sessionTarget: "main" as const,
    wakeMode: "next-heartbeat" as const,
    // A fixed phase per agent, so restarts keep the cadence.
    schedule: { kind: "every" as const, everyMs, anchorMs: staggerOffsetMs(key, everyMs) },
    payload: { kind: "heartbeat" as const }
  }]
}

const bad = (error: { readonly message: string }) => new InvalidRequest({ message: error.message })

/**
 * Why the scripts a request authors cannot be saved: triggers and script payloads are off
 * (`cron.triggers.enabled: false`), or a script does not compile. Scripts already stored are not re-checked.
 */
const authoredScriptProblem = (
  authored: { readonly trigger?: { readonly script: string } | null | undefined; readonly payload?: { readonly kind: string; readonly script?: string } | undefined },
  enabled: boolean
): string | undefined => {
  const trigger = authored.trigger ?? undefined
  const script = authored.payload?.kind === "script" ? authored.payload.script : undefined
  if (!enabled && trigger !== undefined) return TRIGGERS_DISABLED
  if (!enabled && script !== undefined) return SCRIPT_PAYLOADS_DISABLED
  const triggerSyntax = trigger === undefined ? undefined : scriptSyntaxProblem(trigger.script)
  if (triggerSyntax !== undefined) return `cron trigger script has a syntax error: ${triggerSyntax}`
  const payloadSyntax = script === undefined ? undefined : scriptSyntaxProblem(script)
  return payloadSyntax === undefined ? undefined : `cron script payload has a syntax error: ${payloadSyntax}`
}

/** The session a `wake` with `sessionKey` targets (canonical), none without one, or why it cannot. */
export const wakeTarget = (params: { readonly sessionKey?: string | undefined; readonly agentId?: string | undefined }): string | undefined | { readonly error: string } => {
  const key = params.sessionKey?.trim()
  if (key === undefined || key === "") return undefined
  const agentId = params.agentId?.trim() || undefined
  const target = canonicalSessionKey(key, agentId)
  if (agentId !== undefined && agentIdOfKey(target) !== normalizeAgentId(agentId)) {
    return { error: "wake agentId contradicts the agent that owns sessionKey; pass a single canonical wake target" }
  }
  return target
}
const needId = (params: { readonly id?: string | undefined; readonly jobId?: string | undefined }) =>
  params.id ?? params.jobId ?? undefined

/** `cron.*`, `last-heartbeat`, `set-heartbeats`, `wake`, `system-event`. */
export const CronMethodsLive = Layer.scopedDiscard(
  Effect.gen(function*() {
    // Wakes run in the feature's scope: closing the gateway interrupts them.
    const background = yield* FiberSet.make<unknown, never>()
    const methods = yield* MethodRegistry
    const scheduler = yield* CronScheduler
    const heartbeat = yield* HeartbeatRunner
    const delivery = yield* ChannelDelivery
    const runtime = yield* GatewayRuntime
    const scriptsEnabled = Effect.map(runtime.settings, (settings) => triggersEnabled(settings.config))
    const checkAuthored = (authored: Parameters<typeof authoredScriptProblem>[0]) =>
      Effect.flatMap(scriptsEnabled, (enabled) => {
        const problem = authoredScriptProblem(authored, enabled)
        return problem === undefined ? Effect.void : Effect.fail(new InvalidRequest({ message: problem }))
      })

    const previewOf = (job: CronJob) =>
      Effect.map(resolveAnnounceTarget(job, delivery), (target) => deliveryPreview(job, target !== undefined))
    const withId = <A>(params: { readonly id?: string | undefined; readonly jobId?: string | undefined }, use: (id: string) => Effect.Effect<A, InvalidRequest>) => {
      const id = needId(params)
      return id === undefined ? Effect.fail(new InvalidRequest({ message: "Missing job id. Pass it positionally or with --id." })) : use(id)
    }

    yield* methods.register(CronMethods.status, () =>
      Effect.map(scheduler.status, (s) => ({ enabled: s.enabled, triggersEnabled: s.triggersEnabled, storePath: s.storePath, storage: "json", jobs: s.jobs, nextWakeAtMs: s.nextWakeAtMs })))

    yield* methods.register(CronMethods.list, (params) =>
      Effect.gen(function*() {
        const includeDisabled = params.includeDisabled === true || params.enabled === "all" || params.enabled === "disabled"
        const all = yield* scheduler.list({ includeDisabled, agentId: params.agentId })
        const filtered = params.enabled === "disabled" ? all.filter((j) => !j.enabled) : all
        const offset = params.offset ?? 0
        const limit = params.limit ?? 200
        const page = filtered.slice(offset, offset + limit)
        const hasMore = offset + page.length < filtered.length
        const previews = Object.fromEntries(yield* Effect.forEach(page, (job) => Effect.map(previewOf(job), (p) => [job.id, p] as const)))
        return {
          jobs: page.map(jobView),
          // The Control UI refuses an inventory page without it (and re-pages when it changes).
          snapshotRevision: cronSnapshotRevision(filtered.map(jobView)),
          total: filtered.length,
          offset,
          limit,
          hasMore,
          nextOffset: hasMore ? offset + page.length : null,
          ...(params.includeDeliveryPreviews === false ? {} : { deliveryPreviews: previews })
        }
      }))

    yield* methods.register(CronMethods.add, (params) =>
      Effect.gen(function*() {
        yield* checkAuthored(params)
        const job = yield* Effect.mapError(scheduler.add(params), bad)
        return { ...jobView(job), deliveryPreview: yield* previewOf(job) }
      }))

    yield* methods.register(CronMethods.update, (params) =>
      withId(params, (id) =>
        Effect.gen(function*() {
          yield* checkAuthored(params.patch)
          const job = yield* Effect.mapError(scheduler.update(id, params.patch), bad)
          return { ...jobView(job), deliveryPreview: yield* previewOf(job) }
        })))

    yield* methods.register(CronMethods.remove, (params) =>
      withId(params, (id) => Effect.map(scheduler.remove(id), (r) => ({ ok: true, removed: r.removed }))))

    yield* methods.register(CronMethods.run, (params) =>
      withId(params, (id) =>
        Effect.map(Effect.mapError(scheduler.run(id, params.mode ?? "force"), bad), (r) => ({ ...r, processInstanceId: PROCESS_INSTANCE_ID }))))

    yield* methods.register(CronMethods.runs, (params) =>
      Effect.mapError(
        scheduler.runs({
          id: needId(params),
          runId: params.runId,
          limit: params.limit,
          offset: params.offset,
          status: params.status,
          deliveryStatus: params.deliveryStatus,
          query: params.query,
          sortDir: params.sortDir
        }),
        bad
      ))

    yield* methods.register(CronMethods.scratchGet, (params) =>
      withId(params, (id) =>
        Effect.map(Effect.mapError(scheduler.readScratch(id), bad), (state) => ({ ...state, maxBytes: CRON_SCRATCH_MAX_BYTES }))))

    yield* methods.register(CronMethods.scratchSet, (params) =>
      withId(params, (id) =>
        Effect.map(
          Effect.mapError(scheduler.writeScratch(id, { content: params.content, expectedRevision: params.expectedRevision }), bad),
          (written) => (written.ok ? { ok: true as const, ...written.state, maxBytes: CRON_SCRATCH_MAX_BYTES } : written)
        )))

    yield* methods.register(CronMethods.lastHeartbeat, () => heartbeat.last)

    yield* methods.register(CronMethods.setHeartbeats, (params) =>
      Effect.as(heartbeat.setEnabled(params.enabled), { ok: true, enabled: params.enabled }))

    const wake = (params: { readonly text: string; readonly mode?: "now" | "next-heartbeat" | undefined; readonly sessionKey?: string | undefined; readonly agentId?: string | undefined }) =>
      Effect.gen(function*() {
        const target = wakeTarget(params)
        if (typeof target === "object") return yield* new InvalidRequest({ message: target.error })
        // The agent's main session is the heartbeat's own queue; any other key is a targeted wake.
        const session = target === undefined || target === mainSessionKey(agentIdOfKey(target)) ? undefined : target
        const agentId = target === undefined ? "main" : agentIdOfKey(target)
        if (params.text.trim() !== "") yield* heartbeat.enqueueSystemEvent(params.text.trim(), session)
        // The heartbeat runs in the background: the caller gets its answer at once. A targeted event
        // wakes its session now whatever the mode (the original's timing exception for --session-key).
        if (params.mode === "now" || target !== undefined) yield* FiberSet.run(background, heartbeat.run({ agentId, reason: "wake", sessionKey: session }))
        return { ok: true }
      })
    yield* methods.register(CronMethods.wake, (params) => wake(params))
    yield* methods.register(CronMethods.systemEvent, (params) => wake({ ...params, mode: params.mode ?? "next-heartbeat" }))
  })
)

/** What the cron feature is built over besides the gateway's own services. */
export type CronFeatureContext = Paths | StateFiles | Host

/**
 * The scheduler, the heartbeat runner and their RPCs as one gateway feature. It needs the agent stack
 * (`AgentRunner`) and a `ChannelDelivery` (the channels layer).
 */
export const CronFeatureLive = (options: {
  readonly retryBusyForMs?: number
  /** Trigger limits (default 30 s between evaluations, 30 s and 5 tool calls per evaluation). */
  readonly triggerMinIntervalMs?: number
  readonly triggerWallClockMs?: number
  readonly triggerToolBudget?: number
  /** The agent's `automations` tool's pacing proposals (one registry per gateway). */
  readonly pacingProposals?: PacingProposals
} = {}) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const runtime = yield* GatewayRuntime
    const log = yield* GatewayLog
    const paths = yield* Paths
    const host = yield* Host
    const config = (yield* runtime.settings).config
    const busy = yield* Ref.make(0)
    const enabled = cronEnabled(config, host.env)
    // Read anew each tick: `config set cron.enabled false` applies without a restart (hot reload).
    const enabledNow = Effect.map(runtime.settings, (settings) => cronEnabled(settings.config, host.env))
    const intervalMs = heartbeatIntervalMs(config)
    if (intervalMs > 0 && enabled) yield* log.write({ level: "info", message: "heartbeat: started", fields: { subsystem: "gateway/heartbeat", intervalMs } })
    // The heartbeat reads its monitor job's scratch through the scheduler, which is built after it.
    const built = yield* Ref.make<CronScheduler["Type"] | undefined>(undefined)
    const monitorScratch = (agentId: string) =>
      Effect.flatMap(Ref.get(built), (scheduler) =>
        scheduler === undefined ? Effect.succeed(undefined) : Effect.gen(function*() {
          const monitor = (yield* scheduler.list({ includeDisabled: true })).find((job) => job.declarationKey === `heartbeat:${agentId}`)
          if (monitor === undefined) return undefined
          const state = yield* scheduler.readScratch(monitor.id).pipe(Effect.orElseSucceed(() => undefined))
          return state?.scratch?.content
        }))
    const heartbeatLayer = HeartbeatRunnerLive({ stateDir: paths.stateDir, cronBusy: Effect.map(Ref.get(busy), (n) => n > 0), retryBusyForMs: options.retryBusyForMs, monitorScratch })
    const executor = CronExecutorLive(busy, { wallClockMs: options.triggerWallClockMs ?? TRIGGER_WALL_CLOCK_MS, maxToolCalls: options.triggerToolBudget ?? TRIGGER_TOOL_BUDGET }, options.pacingProposals).pipe(Layer.provide(heartbeatLayer))
    const scheduler = CronSchedulerLive({
      enabled: enabledNow,
      triggersEnabled: Effect.map(runtime.settings, (settings) => triggersEnabled(settings.config)),
      stateDir: paths.stateDir,
      // Read on each timer turn and config reload: a new heartbeat interval applies without a restart.
      declared: Effect.map(runtime.settings, (settings) => declaredHeartbeats(settings.config)),
      declaredFamilies: ["heartbeat:"],
      triggerMinIntervalMs: options.triggerMinIntervalMs ?? TRIGGER_MIN_INTERVAL_MS,
      failureAlert: Effect.map(runtime.settings, (settings) => settings.config.cron?.failureAlert)
    }).pipe(Layer.provide(executor))
    const publishScheduler = Layer.effectDiscard(Effect.flatMap(CronScheduler, (s) => Ref.set(built, s)))
    return Layer.merge(CronMethodsLive, publishScheduler).pipe(Layer.provide(Layer.merge(scheduler, heartbeatLayer)))
  }))
