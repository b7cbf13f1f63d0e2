import { Clock, Effect, Either, Exit, Layer, Option, Ref, Schema } from "effect"
import { ThinkingLevel } from "../../domain/models/messages.js"
import { CHANNEL_REQUIRED } from "../../domain/cron/deliveryPreview.js"
import { type CronJob, type CronRunEntry, effectiveAgentId } from "../../domain/cron/job.js"
import { AgentRunner } from "../../services/AgentRunner.js"
import { ChannelDelivery, type DeliveryTarget } from "../../services/ChannelDelivery.js"
import { CronExecutor, type ExecutionOutcome } from "../../services/CronExecutor.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { HeartbeatRunner } from "../../services/HeartbeatRunner.js"
import { runCommand } from "./commandPayload.js"
import { makeModelPreflight } from "./modelPreflight.js"
import { runSelection } from "../../domain/models/selection.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { mainSessionKey } from "./HeartbeatRunnerLive.js"
import type { PacingProposals } from "./automationsTool.js"

/** A command payload's default time limit (0 in `timeoutSeconds` disables it). */
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000
const WEBHOOK_TIMEOUT_MS = 10_000

/** What a payload did, before delivery. */
interface PayloadRun {
  readonly status: "ok" | "error" | "skipped"
  readonly error?: string
  readonly text?: string
  readonly model?: string
  readonly provider?: string
  readonly sessionKey?: string
  readonly nextCheckMs?: number
}

const isThinkingLevel = Schema.is(ThinkingLevel)
/** A stored thinking level this runtime knows (an older or newer spelling is left to the model's default). */
const thinkingOf = (level: string | undefined): ThinkingLevel | undefined => {
  const normalized = level?.trim().toLowerCase()
  return normalized !== undefined && isThinkingLevel(normalized) ? normalized : undefined
}

const summaryOf = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length > 500 ? `${trimmed.slice(0, 497)}...` : trimmed
}

/** The session an agent-turn job runs in. */
export const jobSessionKey = (job: CronJob): string => {
  const agent = effectiveAgentId(job)
  if (job.sessionKey !== undefined) return job.sessionKey
  if (job.sessionTarget.startsWith("session:")) return job.sessionTarget.slice("session:".length)
  return job.sessionTarget === "isolated" ? `agent:${agent}:cron:${job.id}` : mainSessionKey(agent)
}

/** Where an announce goes: the explicit channel and peer, or the main session's last route. */
export const resolveAnnounceTarget = (job: CronJob, delivery: ChannelDelivery["Type"]) =>
  Effect.gen(function*() {
    const d = job.delivery
    if (d === undefined || d.mode !== "announce") return undefined
    const channel = d.channel ?? "last"
    if (channel === "last") {
      const last = yield* delivery.lastRoute(mainSessionKey(effectiveAgentId(job)))
      return Option.match(last, {
        onNone: () => undefined,
        onSome: (route): DeliveryTarget => ({ ...route, ...(d.to === undefined ? {} : { to: d.to }), ...(d.accountId === undefined ? {} : { accountId: d.accountId }), ...(d.threadId === undefined ? {} : { threadId: d.threadId }) })
      })
    }
    if (d.to === undefined) return undefined
    const accounts = yield* delivery.accountIds(channel)
    if (accounts.length === 0) return undefined
    return { channel, to: d.to, ...(d.accountId === undefined ? {} : { accountId: d.accountId }), ...(d.threadId === undefined ? {} : { threadId: d.threadId }) }
  })

/**
 * The real payloads: a heartbeat through the HeartbeatRunner; a system event queued for the main
 * session (and a heartbeat at once with `wakeMode: now`); an agent turn through the AgentRunner; a
 * command as a child process. Results are announced through ChannelDelivery or POSTed to a webhook.
 * `busy` counts the non-heartbeat runs in progress (the heartbeat's `cron-in-progress`).
 */
export const CronExecutorLive = (busy: Ref.Ref<number>, proposals?: PacingProposals) =>
  Layer.effect(
    CronExecutor,
    Effect.gen(function*() {
      const heartbeat = yield* HeartbeatRunner
      const runner = yield* AgentRunner
      const delivery = yield* ChannelDelivery
      const runtime = yield* GatewayRuntime
      const catalog = yield* ModelCatalog
      const log = yield* GatewayLog

      const preflight = makeModelPreflight()

      /**
       * Probes the turn's local model candidates first: all down → the run is skipped with the first
       * one's reason; a later one up → the turn runs on it with the rest of the chain as its fallbacks.
       */
      const preflightTurn = (job: CronJob, selection: { readonly model: string | undefined; readonly modelStrict: false; readonly fallbacks: ReadonlyArray<string> | undefined }) =>
        Effect.gen(function*() {
          const planned = yield* Effect.either(catalog.plan(runSelection(selection)))
          // A chain that does not resolve is the runner's to report, as for any turn.
          if (Either.isLeft(planned)) return { ok: true as const, selection }
          const chain = [planned.right.selected, ...planned.right.fallbacks]
          const providers = (yield* runtime.settings).config.models?.providers ?? {}
          const candidates = chain.map((t) => ({ provider: t.provider, model: t.model, baseUrl: providers[t.provider]?.baseUrl, api: providers[t.provider]?.api }))
          const verdict = yield* preflight.check(job.id, candidates)
          if (!verdict.ok) {
            yield* log.write({ level: "warn", message: `[cron:${job.id}] ${verdict.reason}`, fields: { subsystem: "cron", jobId: job.id } })
            return { ok: false as const, reason: verdict.reason, target: { provider: planned.right.selected.provider, model: planned.right.selected.model } }
          }
          if (verdict.warning !== undefined) yield* log.write({ level: "warn", message: verdict.warning, fields: { subsystem: "cron", jobId: job.id } })
          if (verdict.selectedIndex === 0) return { ok: true as const, selection }
          const rest = chain.slice(verdict.selectedIndex)
          return { ok: true as const, selection: { model: rest[0]?.key, modelStrict: false as const, fallbacks: rest.slice(1).map((t) => t.key) } }
        })

      const payloadRun = (job: CronJob, runId: string): Effect.Effect<PayloadRun> => {
        const payload = job.payload
        switch (payload.kind) {
          case "heartbeat":
            return Effect.map(heartbeat.run({ agentId: effectiveAgentId(job), reason: "interval" }), (event) =>
              event.status === "skipped"
                ? { status: "skipped" as const, error: `heartbeat skipped: ${event.reason ?? "unknown"}` }
                : event.status === "failed"
                ? { status: "error" as const, error: `heartbeat failed: ${event.reason ?? "unknown"}` }
                : { status: "ok" as const, ...(event.preview === undefined ? {} : { text: event.preview }) })
          case "systemEvent":
            return Effect.gen(function*() {
              yield* heartbeat.enqueueSystemEvent(payload.text)
              if (job.wakeMode !== "now") return { status: "ok" as const, text: payload.text }
              const event = yield* heartbeat.run({ agentId: effectiveAgentId(job), reason: "cron" })
              return event.status === "failed" ? { status: "error" as const, error: event.reason ?? "heartbeat failed", text: payload.text } : { status: "ok" as const, text: payload.text }
            })
          case "agentTurn":
            return Effect.gen(function*() {
              const sessionKey = jobSessionKey(job)
              // The job's model is its preference: configured fallbacks apply unless it names its own.
              const selection = { model: payload.model, modelStrict: false as const, fallbacks: payload.fallbacks }
              const checked = yield* preflightTurn(job, selection)
              if (!checked.ok) return { status: "skipped" as const, error: checked.reason, sessionKey, ...checked.target }
              // The turn may propose its next check through the `automations` tool (paced jobs).
              if (proposals !== undefined) yield* proposals.begin(runId, job.pacing)
              const result = yield* Effect.either(runner.run({
                runId,
                sessionKey,
                message: payload.message,
                ...checked.selection,
                thinking: thinkingOf(payload.thinking),
                // `--light-context`: the lightweight bootstrap, i.e. the minimal system prompt.
                ...(payload.lightContext === true ? { promptMode: "minimal" as const } : {}),
                timeoutMs: payload.timeoutSeconds === undefined || payload.timeoutSeconds === 0 ? undefined : payload.timeoutSeconds * 1000,
                label: `cron:${job.name}`
              })).pipe(Effect.onExit((exit) => (proposals === undefined || Exit.isSuccess(exit) ? Effect.void : Effect.asVoid(proposals.end(runId)))))
              const nextCheckMs = proposals === undefined ? undefined : yield* proposals.end(runId)
              if (Either.isLeft(result)) return { status: "error" as const, error: result.left.message, sessionKey }
              const r = result.right
              return { status: r.status === "ok" ? "ok" as const : "error" as const, text: r.text, sessionKey, ...(nextCheckMs === undefined ? {} : { nextCheckMs }), ...(r.model === undefined ? {} : { model: r.model }), ...(r.provider === undefined ? {} : { provider: r.provider }), ...(r.status === "ok" ? {} : { error: "aborted" }) }
            })
          case "command":
            return Effect.map(
              runCommand({
                argv: payload.argv,
                cwd: payload.cwd,
                env: payload.env,
                stdin: payload.input,
                timeoutMs: payload.timeoutSeconds === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : payload.timeoutSeconds * 1000
              }),
              (run) => {
                switch (run.kind) {
                  case "spawn-failed":
                    return { status: "error" as const, error: `command failed to start: ${run.message}` }
                  case "timed-out":
                    return { status: "error" as const, error: "command timed out", text: run.stdout }
                  case "exited":
                    return run.code === 0
                      ? { status: "ok" as const, text: run.stdout }
                      : { status: "error" as const, error: `command exited with ${run.code === null ? `signal ${run.signal ?? "?"}` : `code ${run.code}`}${run.stderr.trim() === "" ? "" : `: ${summaryOf(run.stderr).slice(0, 300)}`}`, text: run.stdout }
                }
              }
            )
        }
      }

      const deliver = (job: CronJob, runId: string, status: string, text: string | undefined, error: string | undefined) =>
        Effect.gen(function*() {
          const d = job.delivery
          if (d === undefined || d.mode === "none" || job.payload.kind === "heartbeat" || job.payload.kind === "systemEvent") {
            return { deliveryStatus: "not-requested" as const }
          }
          if (d.mode === "webhook") {
            const url = d.to
            if (url === undefined) return { deliveryStatus: "not-delivered" as const, deliveryError: "webhook delivery needs a URL (--webhook <url>)" }
            const token = (yield* runtime.settings).config.cron?.webhookToken
            const ts = yield* Clock.currentTimeMillis
            const body = JSON.stringify({ jobId: job.id, jobName: job.name, runId, status, ts, ...(text === undefined ? {} : { summary: summaryOf(text) }), ...(error === undefined ? {} : { error }) })
            const posted = yield* Effect.either(Effect.tryPromise(() =>
              fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json", ...(typeof token === "string" ? { authorization: `Bearer ${token}` } : {}) },
                body,
                signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)
              })
            ))
            if (Either.isLeft(posted)) return { deliveryStatus: "not-delivered" as const, deliveryError: `webhook POST failed: ${String((posted.left.error as Error | undefined)?.message ?? posted.left)}` }
            return posted.right.ok ? { deliveryStatus: "delivered" as const } : { deliveryStatus: "not-delivered" as const, deliveryError: `webhook answered HTTP ${posted.right.status}` }
          }
          if (status !== "ok" || text === undefined || text.trim() === "") return { deliveryStatus: "not-requested" as const }
          const target = yield* resolveAnnounceTarget(job, delivery)
          if (target === undefined) return { deliveryStatus: "not-delivered" as const, deliveryError: CHANNEL_REQUIRED }
          const sent = yield* Effect.either(delivery.send(target, text.trim()))
          return Either.isRight(sent) ? { deliveryStatus: "delivered" as const } : { deliveryStatus: "not-delivered" as const, deliveryError: sent.left.message }
        })

      const execute = (job: CronJob, runId: string): Effect.Effect<ExecutionOutcome> =>
        Effect.gen(function*() {
          const counts = job.payload.kind !== "heartbeat"
          if (counts) yield* Ref.update(busy, (n) => n + 1)
          const run: PayloadRun = yield* payloadRun(job, runId).pipe(
            Effect.catchAllDefect((defect) => Effect.succeed<PayloadRun>({ status: "error", error: defect instanceof Error ? defect.message : String(defect) })),
            Effect.ensuring(counts ? Ref.update(busy, (n) => n - 1) : Effect.void)
          )
          const delivered = yield* deliver(job, runId, run.status, run.text, run.error)
          const summary = run.text === undefined ? undefined : summaryOf(run.text)
          return {
            status: run.status,
            ...delivered,
            ...(run.error === undefined ? {} : { error: run.error }),
            ...(summary === undefined || summary === "" ? {} : { summary }),
            ...(run.sessionKey === undefined ? {} : { sessionKey: run.sessionKey }),
            ...(run.model === undefined ? {} : { model: run.model }),
            ...(run.provider === undefined ? {} : { provider: run.provider }),
            ...(run.nextCheckMs === undefined ? {} : { nextCheckMs: run.nextCheckMs })
          }
        })

      const alert = (job: CronJob, entry: CronRunEntry) =>
        Effect.gen(function*() {
          const configured = (yield* runtime.settings).config.cron?.failureAlert
          const own = job.failureAlert === false ? undefined : job.failureAlert
          const channel = own?.channel ?? configured?.channel ?? (job.delivery?.mode === "announce" ? job.delivery.channel : undefined)
          const to = own?.to ?? configured?.to ?? (job.delivery?.mode === "announce" ? job.delivery.to : undefined)
          const accountId = own?.accountId ?? configured?.accountId
          const text = `Cron job "${job.name}" failed ${job.state.consecutiveErrors ?? 1} times in a row: ${entry.error ?? entry.status}`
          let target: DeliveryTarget | undefined
          if (channel === undefined || channel === "last") {
            const last = yield* delivery.lastRoute(mainSessionKey(effectiveAgentId(job)))
            target = Option.getOrUndefined(last)
          } else if (to !== undefined) {
            target = { channel, to, ...(accountId === undefined ? {} : { accountId }) }
          }
          if (target === undefined) return "not-delivered" as const
          const sent = yield* Effect.either(delivery.send(target, text))
          return Either.isRight(sent) ? "delivered" as const : "not-delivered" as const
        })

      return CronExecutor.of({ execute, alert })
    })
  )
