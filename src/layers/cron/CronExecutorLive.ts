import { Clock, Effect, Either, Exit, Layer, Option, Ref, Schema } from "effect"
import { ThinkingLevel } from "../../domain/models/messages.js"
import { classifyFailure, type FailoverReason } from "../../domain/models/failover.js"
import { CHANNEL_REQUIRED } from "../../domain/cron/deliveryPreview.js"
import { chatAlertText, type FailureAlertPlan, type FailureDetail, webhookAlertBody } from "../../domain/cron/failureAlert.js"
import { type CronJob, effectiveAgentId } from "../../domain/cron/job.js"
import { AgentRunner } from "../../services/AgentRunner.js"
import { ChannelDelivery, type DeliveryTarget } from "../../services/ChannelDelivery.js"
import { appendPayloadText, SCRIPT_EXECUTION_DISABLED, TRIGGERS_DISABLED, type TriggerEval, triggersEnabled } from "../../domain/cron/script.js"
import { type AlertDelivery, CronExecutor, type ExecuteOptions, type ExecutionOutcome } from "../../services/CronExecutor.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { HeartbeatRunner } from "../../services/HeartbeatRunner.js"
import { runCommand } from "./commandPayload.js"
import { makeModelPreflight } from "./modelPreflight.js"
import { runSelection } from "../../domain/models/selection.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { ToolRegistry } from "../../services/ToolRegistry.js"
import { makeCronScripts, type TriggerLimits } from "./cronScripts.js"
import { mainSessionKey } from "./HeartbeatRunnerLive.js"
import { postWebhook } from "./webhookPost.js"
import type { PacingProposals } from "./automationsTool.js"

/** A command payload's default time limit (0 in `timeoutSeconds` disables it). */
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000
/** How long a failure alert's chat send may take before it counts as not delivered. */
const ALERT_SEND_TIMEOUT = "10 seconds"

/** What a payload did, before delivery. */
interface PayloadRun {
  readonly status: "ok" | "error" | "skipped"
  readonly error?: string
  readonly text?: string
  readonly model?: string
  readonly provider?: string
  readonly sessionKey?: string
  readonly errorReason?: FailoverReason
  readonly failureDetail?: FailureDetail
  /** A script payload's returned state, kept only when the run succeeds. */
  readonly scriptState?: { readonly state: unknown }
  readonly nextCheckMs?: number
}

/** A model failure's class for a failure alert; none when the text says nothing classifiable. */
const reasonOf = (cause: string, message: string): FailoverReason | undefined => {
  if (cause === "AGENT_TIMEOUT") return "timeout"
  const reason = classifyFailure({ message })
  return reason === "unknown" || reason === "unclassified" || reason === "no_error_details" ? undefined : reason
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
export const CronExecutorLive = (busy: Ref.Ref<number>, triggerLimits: TriggerLimits, proposals?: PacingProposals) =>
  Layer.effect(
    CronExecutor,
    Effect.gen(function*() {
      const heartbeat = yield* HeartbeatRunner
      const runner = yield* AgentRunner
      const delivery = yield* ChannelDelivery
      const runtime = yield* GatewayRuntime
      const catalog = yield* ModelCatalog
      const log = yield* GatewayLog
      const scripts = makeCronScripts(yield* ToolRegistry, triggerLimits)
      const scriptsAllowed = Effect.map(runtime.settings, (settings) => triggersEnabled(settings.config))

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

      const payloadRun = (job: CronJob, runId: string, streamBatch: string | undefined): Effect.Effect<PayloadRun> => {
        const payload = job.payload
        switch (payload.kind) {
          case "script":
            return Effect.gen(function*() {
              if (!(yield* scriptsAllowed)) return { status: "error" as const, error: SCRIPT_EXECUTION_DISABLED }
              const result = yield* scripts.runPayload({ jobId: job.id, runId, sessionKey: jobSessionKey(job) }, payload, { state: job.state.triggerState, streamBatch })
              if (result.kind === "error") return { status: "error" as const, error: `cron script payload failed (${result.code}): ${result.error}` }
              // Pacing (dynamic next checks) is not part of this version: no job has pacing bounds.
              if (result.nextCheckMs !== undefined) return { status: "error" as const, error: "cron script payload returned nextCheck, but this job has no pacing bounds" }
              const notify = result.notify?.trim() === "" ? undefined : result.notify
              const main = job.sessionTarget === "main"
              if (main && notify !== undefined) yield* heartbeat.enqueueSystemEvent(notify)
              if (result.wake !== undefined) {
                if (!main || notify === undefined) yield* heartbeat.enqueueSystemEvent(notify ?? `script job ${job.name} completed`)
                if (result.wake === "now") yield* heartbeat.run({ agentId: effectiveAgentId(job), reason: "cron" })
              }
              return {
                status: "ok" as const,
                // An isolated job delivers `notify` like any run's text; a main job's went in as a system event.
                ...(main || notify === undefined ? {} : { text: notify }),
                ...(result.stateChanged ? { scriptState: { state: result.state } } : {})
              }
            })
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
                ...(payload.toolsAllow === undefined ? {} : { toolsAllow: payload.toolsAllow }),
                timeoutMs: payload.timeoutSeconds === undefined || payload.timeoutSeconds === 0 ? undefined : payload.timeoutSeconds * 1000,
                label: `cron:${job.name}`
              })).pipe(Effect.onExit((exit) => (proposals === undefined || Exit.isSuccess(exit) ? Effect.void : Effect.asVoid(proposals.end(runId)))))
              const nextCheckMs = proposals === undefined ? undefined : yield* proposals.end(runId)
              if (Either.isLeft(result)) {
                const failed = result.left
                const reason = failed._tag === "AgentRunFailed" ? reasonOf(failed.cause, failed.message) : undefined
                return { status: "error" as const, error: failed.message, sessionKey, ...(reason === undefined ? {} : { errorReason: reason }) }
              }
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
                timeoutMs: payload.timeoutSeconds === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : payload.timeoutSeconds * 1000,
                noOutputTimeoutMs: payload.noOutputTimeoutSeconds === undefined ? undefined : payload.noOutputTimeoutSeconds * 1000,
                maxOutputBytes: payload.outputMaxBytes
              }),
              (run) => {
                switch (run.kind) {
                  case "spawn-failed":
                    return { status: "error" as const, error: `command failed to start: ${run.message}` }
                  case "timed-out":
                    return { status: "error" as const, error: "command timed out", text: run.stdout, failureDetail: { kind: "command-timeout" as const } }
                  case "no-output-timeout":
                    // A silence kill is a timeout too, for the failure alert's cause line.
                    return { status: "error" as const, error: "command produced no output before noOutputTimeoutSeconds", text: run.stdout, failureDetail: { kind: "command-timeout" as const } }
                  case "exited":
                    return run.code === 0
                      ? { status: "ok" as const, text: run.stdout }
                      : {
                        status: "error" as const,
                        error: `command exited with ${run.code === null ? `signal ${run.signal ?? "?"}` : `code ${run.code}`}${run.stderr.trim() === "" ? "" : `: ${summaryOf(run.stderr).slice(0, 300)}`}`,
                        text: run.stdout,
                        ...(run.code === null ? {} : { failureDetail: { kind: "command-exit" as const, exitCode: run.code } })
                      }
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
            const cron = (yield* runtime.settings).config.cron
            const ts = yield* Clock.currentTimeMillis
            const body = { jobId: job.id, jobName: job.name, runId, status, ts, ...(text === undefined ? {} : { summary: summaryOf(text) }), ...(error === undefined ? {} : { error }) }
            const posted = yield* postWebhook({ url, body, token: typeof cron?.webhookToken === "string" ? cron.webhookToken : undefined, policy: cron?.webhookSsrfPolicy })
            return posted.ok ? { deliveryStatus: "delivered" as const } : { deliveryStatus: "not-delivered" as const, deliveryError: posted.error }
          }
          if (status !== "ok" || text === undefined || text.trim() === "") return { deliveryStatus: "not-requested" as const }
          const target = yield* resolveAnnounceTarget(job, delivery)
          if (target === undefined) return { deliveryStatus: "not-delivered" as const, deliveryError: CHANNEL_REQUIRED }
          const sent = yield* Effect.either(delivery.send(target, text.trim()))
          return Either.isRight(sent) ? { deliveryStatus: "delivered" as const } : { deliveryStatus: "not-delivered" as const, deliveryError: sent.left.message }
        })

      /**
       * The condition gate: `undefined` when the job has none (or this run skips it), else whether it
       * fired (the job to run, its message appended) or the outcome to record instead.
       */
      const gate = (job: CronJob, runId: string, options: ExecuteOptions | undefined) =>
        Effect.gen(function*() {
          const trigger = job.trigger
          if (trigger === undefined || options?.evaluateTrigger !== true) return undefined
          if (!(yield* scriptsAllowed)) return { stop: { status: "skipped" as const, error: TRIGGERS_DISABLED, deliveryStatus: "not-requested" as const } }
          const result = yield* scripts.evaluateTrigger({ jobId: job.id, runId, sessionKey: jobSessionKey(job) }, { script: trigger.script, state: job.state.triggerState, streamBatch: options.streamBatch })
          if (result.kind === "error") {
            const triggerEval: TriggerEval = { fired: false, stateChanged: false }
            return { stop: { status: "error" as const, error: `cron trigger evaluation failed (${result.code}): ${result.error}`, deliveryStatus: "not-requested" as const, triggerEval } }
          }
          const triggerEval: TriggerEval = { fired: result.fire, stateChanged: result.stateChanged, ...(result.stateChanged ? { state: result.state } : {}) }
          if (!result.fire) return { stop: { status: "ok" as const, deliveryStatus: "not-requested" as const, triggerEval } }
          return { triggerEval, job: result.message === undefined ? job : { ...job, payload: appendPayloadText(job.payload, result.message) } }
        })

      const execute = (job: CronJob, runId: string, options?: ExecuteOptions): Effect.Effect<ExecutionOutcome> =>
        Effect.gen(function*() {
          const gated = yield* gate(job, runId, options)
          if (gated !== undefined && "stop" in gated) return gated.stop
          const fired = gated?.job ?? job
          // A stream's batch rides along with a text payload (a script payload reads it as trigger.streamBatch).
          const streamBatch = options?.streamBatch
          const effective = streamBatch === undefined || fired.payload.kind === "script" ? fired : { ...fired, payload: appendPayloadText(fired.payload, streamBatch) }
          const outcome = yield* executePayload(effective, runId, streamBatch)
          return gated === undefined ? outcome : { ...outcome, triggerEval: gated.triggerEval }
        })

      const executePayload = (job: CronJob, runId: string, streamBatch: string | undefined): Effect.Effect<ExecutionOutcome> =>
        Effect.gen(function*() {
          const counts = job.payload.kind !== "heartbeat"
          if (counts) yield* Ref.update(busy, (n) => n + 1)
          const run: PayloadRun = yield* payloadRun(job, runId, streamBatch).pipe(
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
            ...(run.errorReason === undefined ? {} : { errorReason: run.errorReason }),
            ...(run.failureDetail === undefined ? {} : { failureDetail: run.failureDetail }),
            ...(run.scriptState === undefined ? {} : { scriptState: run.scriptState }),
            ...(run.nextCheckMs === undefined ? {} : { nextCheckMs: run.nextCheckMs })
          }
        })

      /**
       * Sends a planned failure alert: a webhook POST (under the SSRF policy), or a chat message to the
       * resolved channel and peer (`last`: the main session's last route), naming when the run started.
       */
      const alert = (job: CronJob, plan: FailureAlertPlan): Effect.Effect<AlertDelivery> =>
        Effect.gen(function*() {
          const config = (yield* runtime.settings).config
          const route = plan.route
          if (route.mode === "webhook") {
            if (route.to === undefined) return { status: "not-delivered" as const, error: "failure alert webhook mode needs a URL (--failure-alert-to <url>)" }
            const token = config.cron?.webhookToken
            const posted = yield* postWebhook({ url: route.to, body: webhookAlertBody(job, plan), token: typeof token === "string" ? token : undefined, policy: config.cron?.webhookSsrfPolicy })
            return posted.ok ? { status: "delivered" as const } : { status: "not-delivered" as const, error: posted.error }
          }
          const last = route.channel === "last" ? Option.getOrUndefined(yield* delivery.lastRoute(mainSessionKey(effectiveAgentId(job)))) : undefined
          const target: DeliveryTarget | undefined = route.channel === "last"
            ? (last === undefined ? undefined : { ...last, ...(route.to === undefined ? {} : { to: route.to, threadId: undefined }), ...(route.accountId === undefined ? {} : { accountId: route.accountId }) })
            : route.to === undefined
            ? undefined
            : { channel: route.channel, to: route.to, ...(route.accountId === undefined ? {} : { accountId: route.accountId }), ...(route.threadId === undefined ? {} : { threadId: route.threadId }) }
          if (target === undefined) return { status: "not-delivered" as const, error: CHANNEL_REQUIRED }
          const sent = yield* Effect.either(delivery.send(target, chatAlertText(plan, config.agents?.defaults?.userTimezone)).pipe(Effect.timeoutOption(ALERT_SEND_TIMEOUT)))
          if (Either.isLeft(sent)) return { status: "not-delivered" as const, error: sent.left.message }
          return Option.isSome(sent.right) ? { status: "delivered" as const } : { status: "not-delivered" as const, error: "failure alert announcement timed out" }
        })

      return CronExecutor.of({ execute, alert })
    })
  )
