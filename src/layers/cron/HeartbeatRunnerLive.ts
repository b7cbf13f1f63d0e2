import { Clock, Effect, Either, Layer, Option, Ref, Schema } from "effect"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { parseDurationMs } from "../../domain/cron/duration.js"
import { appendHeartbeatScratch } from "../../domain/cron/scratch.js"
import { readHeartbeatReply } from "../../domain/heartbeat/ack.js"
import { decideHeartbeat, type HeartbeatDecision, type SkipReason } from "../../domain/heartbeat/decide.js"
import { DEFAULT_HEARTBEAT_PROMPT } from "../../domain/heartbeat/heartbeatFile.js"
import { type ChannelView, commandOwners, type HeartbeatRoute, NO_ROUTE_MESSAGE, resolveHeartbeatRoute } from "../../domain/heartbeat/route.js"
import { DEFAULT_HEARTBEAT_VISIBILITY, resolveHeartbeatVisibility } from "../../domain/heartbeat/visibility.js"
import { AgentRunner } from "../../services/AgentRunner.js"
import { ChannelDelivery } from "../../services/ChannelDelivery.js"
import { EventBus } from "../../services/EventBus.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { type HeartbeatEvent, HeartbeatEvent as HeartbeatEventSchema, HeartbeatRunner } from "../../services/HeartbeatRunner.js"
import { StateFiles } from "../../services/StateFiles.js"
import { cronPaths } from "./cronStore.js"

/** The heartbeat interval when none is configured. */
export const DEFAULT_HEARTBEAT_EVERY = "30m"

/** Busy reasons are retried each second for this long before the skip is recorded. */
const BUSY_REASONS: ReadonlyArray<SkipReason> = ["requests-in-flight", "cron-in-progress", "lanes-busy"]

export interface HeartbeatRunnerOptions {
  readonly stateDir: string
  /** How long a busy heartbeat keeps retrying (1 s apart) before it records the skip; 0 records at once. */
  readonly retryBusyForMs?: number | undefined
  /** True while a cron job other than a heartbeat runs. */
  readonly cronBusy: Effect.Effect<boolean>
  /**
   * The agent's heartbeat monitor job's scratch (`openclaw cron scratch <jobId>`), when it has one: it
   * takes HEARTBEAT.md's place and is appended to the prompt.
   */
  readonly monitorScratch?: ((agentId: string) => Effect.Effect<string | undefined>) | undefined
}

/** The interval of `agents.defaults.heartbeat.every` (default 30 m; `0m` disables). */
export const heartbeatIntervalMs = (config: OpenClawConfig): number => parseDurationMs(config.agents?.defaults?.heartbeat?.every ?? DEFAULT_HEARTBEAT_EVERY) ?? 0

/** The main session of an agent: where heartbeats and system events go. */
export const mainSessionKey = (agentId: string) => `agent:${agentId}:main`

const TaskState = Schema.parseJson(Schema.Struct({ tasks: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Number }) }) }))
const decodeTaskState = Schema.decodeUnknownEither(TaskState)

/** The visibility of where the reply would go: that channel and account, else the built-in default. */
const visibilityOf = (config: OpenClawConfig, route: HeartbeatRoute) =>
  route.kind === "target"
    ? resolveHeartbeatVisibility(config, route.target.channel, route.target.accountId)
    : route.kind === "unknown-account"
    ? resolveHeartbeatVisibility(config, route.target, undefined)
    : DEFAULT_HEARTBEAT_VISIBILITY

const decodeLastEvent = Schema.decodeUnknownEither(Schema.parseJson(Schema.NullOr(HeartbeatEventSchema)))
const encodeLastEvent = Schema.encodeSync(HeartbeatEventSchema)

const preview = (text: string) => (text.length > 200 ? `${text.slice(0, 197)}...` : text)

const omitUndefined = <T>(value: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

/**
 * The heartbeat runner: gathers the situation (config, lanes, cron, HEARTBEAT.md, route), decides with
 * the spec's order, runs the turn through the AgentRunner, reads the ack, delivers through
 * ChannelDelivery, records the event (`last-heartbeat`, a `heartbeat` event, the log).
 */
export const HeartbeatRunnerLive = (options: HeartbeatRunnerOptions) =>
  Layer.effect(
    HeartbeatRunner,
    Effect.gen(function*() {
      const runtime = yield* GatewayRuntime
      const runner = yield* AgentRunner
      const delivery = yield* ChannelDelivery
      const files = yield* StateFiles
      const bus = yield* EventBus
      const log = yield* GatewayLog
      const enabled = yield* Ref.make(true)
      // Queued system events per target session; "" is the heartbeat's own (main) session.
      const events = yield* Ref.make<ReadonlyMap<string, ReadonlyArray<string>>>(new Map())
      const queued = (key: string) => Effect.map(Ref.get(events), (all) => all.get(key) ?? [])
      const updateQueue = (key: string, f: (queue: ReadonlyArray<string>) => ReadonlyArray<string>) =>
        Ref.update(events, (all) => new Map([...all, [key, f(all.get(key) ?? [])]]))
      const statePath = cronPaths(options.stateDir).heartbeat
      const lastPath = cronPaths(options.stateDir).lastHeartbeat
      const fields = { subsystem: "gateway/heartbeat" }
      // The last event survives a restart; a file that does not decode is reported and treated as none.
      const stored = yield* files.readIfExists(lastPath).pipe(Effect.orElseSucceed(() => undefined))
      const decodedLast = stored === undefined ? Either.right(null) : decodeLastEvent(stored)
      if (Either.isLeft(decodedLast)) {
        yield* log.write({ level: "warn", message: `heartbeat: ignoring ${lastPath}: it does not decode`, fields })
      }
      const last = yield* Ref.make<HeartbeatEvent | null>(Either.getOrElse(decodedLast, () => null))

      const readTaskState = Effect.map(files.readIfExists(statePath), (text) =>
        text === undefined ? {} : Either.getOrElse(decodeTaskState(text), () => ({ tasks: {} })).tasks)

      const channelViews = (config: OpenClawConfig) =>
        Effect.forEach(Object.entries(config.channels ?? {}).filter(([name]) => name !== "defaults"), ([name, section]) =>
          Effect.map(delivery.accountIds(name), (accountIds): ChannelView => ({
            channel: name,
            accountIds,
            allowFrom: ((section as { allowFrom?: ReadonlyArray<string | number> } | undefined)?.allowFrom ?? []).map(String)
          })))

      const decide = (agentId: string, reason: string, nowMs: number, target: string | undefined) =>
        Effect.gen(function*() {
          const config = (yield* runtime.settings).config
          const hb = config.agents?.defaults?.heartbeat
          const sessionKey = target ?? hb?.session ?? mainSessionKey(agentId)
          const active = yield* runner.active
          const agentRuns = [...active.entries()].filter(([key, ids]) => key.startsWith(`agent:${agentId}:`) && ids.length > 0)
          const taskState = yield* readTaskState.pipe(Effect.orElseSucceed(() => ({} as Record<string, Record<string, number>>)))
          const bypassPreflight = reason === "cron" || reason === "exec" || reason === "hook"
          const scratch = options.monitorScratch === undefined ? undefined : yield* options.monitorScratch(agentId)
          // The current runtime's scratch first; the legacy workspace file when the monitor has none.
          const file = scratch ?? (yield* files.readIfExists(`${options.stateDir}/workspace/HEARTBEAT.md`).pipe(Effect.orElseSucceed(() => undefined)))
          const channels = yield* channelViews(config)
          // A targeted wake answers where that session's conversation came from.
          const lastRoute = yield* delivery.lastRoute(target ?? mainSessionKey(agentId))
          const pending = yield* queued(target ?? "")
          const route = resolveHeartbeatRoute({ target: hb?.target, to: hb?.to, accountId: hb?.accountId, ownerAllowFrom: commandOwners(config), channels, lastRoute: Option.getOrUndefined(lastRoute) })
          const visibility = visibilityOf(config, route)
          const decision = decideHeartbeat({
            enabled: (yield* Ref.get(enabled)) || reason !== "interval",
            intervalMs: heartbeatIntervalMs(config),
            nowMs,
            activeHours: hb?.activeHours,
            userTimezone: config.agents?.defaults?.userTimezone,
            mainLaneQueued: active.get(mainSessionKey(agentId))?.length !== undefined && (active.get(mainSessionKey(agentId))?.length ?? 0) > 0,
            cronInProgress: yield* options.cronBusy,
            scheduledWake: reason === "interval",
            replyRunActive: agentRuns.length > 0,
            bypassPreflight,
            heartbeatFile: file,
            pendingEvents: pending.length,
            taskLastRunAtMs: taskState[agentId] ?? {},
            targetSessionBusy: (active.get(sessionKey)?.length ?? 0) > 0,
            route,
            directPolicy: hb?.directPolicy ?? "allow",
            visibility,
            prompt: bypassPreflight ? hb?.prompt ?? DEFAULT_HEARTBEAT_PROMPT : appendHeartbeatScratch(hb?.prompt ?? DEFAULT_HEARTBEAT_PROMPT, scratch)
          })
          return { decision, config, sessionKey, pending, taskState, visibility }
        })

      /** Decides, retrying busy reasons each second within the window. */
      const decideWithRetry = (agentId: string, reason: string, target: string | undefined) =>
        Effect.gen(function*() {
          const startedAt = yield* Clock.currentTimeMillis
          for (;;) {
            const now = yield* Clock.currentTimeMillis
            const gathered = yield* decide(agentId, reason, now, target)
            const d = gathered.decision
            const retry = d.kind === "skip" && BUSY_REASONS.includes(d.reason) && now + 1000 - startedAt <= (options.retryBusyForMs ?? 120_000)
            if (!retry) return gathered
            yield* Effect.sleep(1000)
          }
        })

      const record = (event: HeartbeatEvent) =>
        Effect.gen(function*() {
          yield* Ref.set(last, event)
          // Best effort: a full disk must not stop heartbeats; the event is still served from memory.
          yield* files.atomicWrite(lastPath, `${JSON.stringify(encodeLastEvent(event))}\n`).pipe(
            Effect.catchAll((error) => log.write({ level: "warn", message: `heartbeat: could not save the last event: ${error.message}`, fields }))
          )
          yield* bus.publish({ event: "heartbeat", payload: event, scope: "operator.read" })
          if (event.status === "skipped") {
            yield* log.write({ level: "info", message: `heartbeat skipped reason=${event.reason ?? "unknown"}`, fields: { ...fields, reason: event.reason, agentId: event.agentId } })
          } else if (event.status === "failed") {
            yield* log.write({ level: "warn", message: "heartbeat failed", fields: { ...fields, reason: event.reason, agentId: event.agentId } })
          } else {
            yield* log.write({ level: "info", message: `heartbeat ${event.status}`, fields: { ...fields, agentId: event.agentId, channel: event.channel, to: event.to } })
          }
          return event
        })

      const runTurn = (agentId: string, targetSession: string | undefined, gathered: Effect.Effect.Success<ReturnType<typeof decide>>, decision: Extract<HeartbeatDecision, { kind: "run" }>, startedAt: number) =>
        Effect.gen(function*() {
          const hb = gathered.config.agents?.defaults?.heartbeat
          const systemLines = gathered.pending.map((text) => `System: ${text}`)
          const message = [...systemLines, ...(systemLines.length > 0 ? [""] : []), decision.prompt].join("\n")
          const every = heartbeatIntervalMs(gathered.config)
          const timeoutMs = (hb?.timeoutSeconds ?? gathered.config.agents?.defaults?.timeoutSeconds ?? Math.min(every / 1000, 600)) * 1000
          const now = yield* Clock.currentTimeMillis
          const result = yield* Effect.either(runner.run({ runId: `heartbeat:${agentId}:${now}`, sessionKey: gathered.sessionKey, message, model: hb?.model, timeoutMs, label: "heartbeat" }))
          const done = yield* Clock.currentTimeMillis
          const base = { ts: done, agentId, durationMs: done - startedAt }
          if (Either.isLeft(result)) {
            return omitUndefined<HeartbeatEvent>({ ...base, status: "failed", reason: "agent-runner-failure", preview: preview(result.left.message), indicatorType: gathered.visibility.useIndicator ? "error" : undefined, silent: true })
          }
          // The turn ran: the queued events were seen, the due tasks are done.
          yield* updateQueue(targetSession ?? "", (queue) => queue.slice(gathered.pending.length))
          if (decision.dueTasks.length > 0) {
            const mine = { ...(gathered.taskState[agentId] ?? {}) }
            for (const task of decision.dueTasks) mine[task.name] = done
            yield* files.atomicWrite(statePath, JSON.stringify({ tasks: { ...gathered.taskState, [agentId]: mine } }, null, 2)).pipe(Effect.ignore)
          }
          const reply = readHeartbeatReply(result.right.text)
          const route = decision.route
          const target = route.kind === "target" ? route.target : undefined
          const where = target === undefined ? {} : { channel: target.channel, to: target.to, accountId: target.accountId }
          const { showOk, showAlerts, useIndicator } = gathered.visibility
          // The indicator is what a status UI shows; `useIndicator: false` leaves it out (skips never have one).
          const indicator = (type: "ok" | "alert" | "error") => (useIndicator ? type : undefined)
          if (reply.kind !== "alert") {
            if (showOk && target !== undefined && decision.deliverySkip === undefined) {
              yield* delivery.send(target, "HEARTBEAT_OK").pipe(Effect.ignore)
            }
            return omitUndefined<HeartbeatEvent>({ ...base, ...where, status: reply.kind, indicatorType: indicator("ok"), silent: !showOk })
          }
          const text = reply.text
          if (decision.deliverySkip !== undefined) return omitUndefined<HeartbeatEvent>({ ...base, ...where, status: "skipped", reason: decision.deliverySkip, preview: preview(text) })
          if (route.kind === "unknown-account") return omitUndefined<HeartbeatEvent>({ ...base, status: "skipped", reason: "unknown-account", channel: route.target, accountId: route.accountId, preview: preview(text) })
          if (target === undefined) return omitUndefined<HeartbeatEvent>({ ...base, status: "skipped", reason: "target-none", preview: preview(text) })
          if (!showAlerts) return omitUndefined<HeartbeatEvent>({ ...base, ...where, status: "skipped", reason: "alerts-disabled", preview: preview(text), silent: true })
          const sent = yield* Effect.either(delivery.send(target, text))
          return Either.isRight(sent)
            ? omitUndefined<HeartbeatEvent>({ ...base, ...where, status: "sent", preview: preview(text), indicatorType: indicator("alert"), silent: false })
            : omitUndefined<HeartbeatEvent>({ ...base, ...where, status: "failed", reason: sent.left.message, preview: preview(text), indicatorType: indicator("error") })
        })

      const run = ({ agentId, reason, sessionKey }: { readonly agentId: string; readonly reason: string; readonly sessionKey?: string | undefined }) =>
        Effect.gen(function*() {
          const startedAt = yield* Clock.currentTimeMillis
          const gathered = yield* decideWithRetry(agentId, reason, sessionKey).pipe(Effect.orDie)
          const decision = gathered.decision
          if (decision.warning !== undefined) {
            yield* log.write({ level: "warn", message: decision.warning.message, fields: { ...fields, accountId: decision.warning.accountId, target: decision.warning.target } })
          }
          if (decision.kind === "skip") {
            const now = yield* Clock.currentTimeMillis
            return yield* record(omitUndefined<HeartbeatEvent>({
              ts: now,
              agentId,
              status: "skipped",
              reason: decision.reason,
              durationMs: now - startedAt,
              ...(decision.reason === "no-route" ? { message: NO_ROUTE_MESSAGE } : {})
            }))
          }
          return yield* record(yield* runTurn(agentId, sessionKey, gathered, decision, startedAt))
        })

      return HeartbeatRunner.of({
        run,
        last: Ref.get(last),
        setEnabled: (value) => Ref.set(enabled, value),
        enabled: Ref.get(enabled),
        enqueueSystemEvent: (text, sessionKey) => updateQueue(sessionKey ?? "", (queue) => [...queue, text].slice(-20)),
        pendingEvents: queued("")
      })
    })
  )
