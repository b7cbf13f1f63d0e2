import { Clock, Duration, Effect, Exit, Fiber, Layer, Option, Ref } from "effect"
import { AgentInputInvalid, type AgentRunError, type AgentRunFailed } from "../../domain/agent/errors.js"
import type { AgentRunEvent } from "../../domain/agent/events.js"
import { agentIdOfKey } from "../../domain/agent/sessionKey.js"
import { buildSystemPrompt } from "../../domain/agent/systemPrompt.js"
import { toModelMessages, type TranscriptAssistant, type TranscriptMessage } from "../../domain/agent/transcript.js"
import { CONTINUATION_PROMPT } from "../../domain/agent/turnRules.js"
import { initialTurnState, type TurnAction, type TurnFacts, type TurnState, turnStep } from "../../domain/agent/turnStep.js"
import type { ToolContext } from "../../domain/agent/tools.js"
import { allowedTools, toolAllowed } from "../../domain/agent/toolsAllow.js"
import { emptyUsage, type Message, type ModelInput } from "../../domain/models/messages.js"
import type { ModelResponse } from "../../domain/models/response.js"
import { fallbackClearedNotice, type ModelPlan, runSelection } from "../../domain/models/selection.js"
import { AgentPolicy } from "../../services/AgentPolicy.js"
import { type AgentRunHandle, AgentRunner, type AgentRunRequest, type AgentRunResult } from "../../services/AgentRunner.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import { ModelClient } from "../../services/ModelClient.js"
import { ModelHealth } from "../../services/ModelHealth.js"
import { SessionStore, type StoredSession } from "../../services/SessionStore.js"
import { ToolRegistry } from "../../services/ToolRegistry.js"
import { modelAttempt, runFailed } from "./modelAttempt.js"
import { rawModelTurn } from "./rawModelTurn.js"

/** What an interrupted run leaves behind: the session and the visible text streamed so far. */
interface Partial {
  readonly session: StoredSession | undefined
  readonly text: string
  readonly provider: string | undefined
  readonly model: string | undefined
  readonly startedAt: number
  readonly abortRequested: boolean
}

/**
 * The agent runner: one turn = persist the user message, call the model chain (streaming deltas),
 * run tool calls until a visible answer (bounded), apply the empty/incomplete-turn rule, persist the
 * answer. Runs of one session are serialised; each run can be aborted.
 */
export const AgentRunnerLive = Layer.scoped(
  AgentRunner,
  Effect.gen(function*() {
    const store = yield* SessionStore
    const registry = yield* ToolRegistry
    const catalog = yield* ModelCatalog
    const client = yield* ModelClient
    const health = yield* ModelHealth
    const log = yield* GatewayLog
    const policy = yield* AgentPolicy
    const config = yield* ConfigStore
    const scope = yield* Effect.scope
    const locks = new Map<string, Effect.Semaphore>()
    const active = new Map<string, { readonly sessionKey: string; readonly fiber: Fiber.RuntimeFiber<AgentRunResult, AgentRunError>; readonly partial: Ref.Ref<Partial> }>()

    const lockFor = (key: string) =>
      Effect.gen(function*() {
        const existing = locks.get(key)
        if (existing !== undefined) return existing
        const created = yield* Effect.makeSemaphore(1)
        locks.set(key, created)
        return created
      })

    const warn = (message: string, fields: Record<string, unknown>) => log.write({ level: "warn", message, fields: { subsystem: "agent/embedded", ...fields } })

    const runTimeout = (request: AgentRunRequest) =>
      Effect.gen(function*() {
        if (request.timeoutMs !== undefined && request.timeoutMs > 0) return Duration.millis(request.timeoutMs)
        const snapshot = yield* config.read.pipe(Effect.option)
        const seconds = Option.getOrUndefined(snapshot)?.config?.agents?.defaults?.timeoutSeconds
        return seconds !== undefined && seconds > 0 ? Duration.seconds(seconds) : Duration.decode(policy.runTimeout)
      })

    const attempt = (plan: ModelPlan, input: ModelInput, onDelta: (delta: string) => Effect.Effect<void>, runId: string) =>
      modelAttempt(client, plan, input, onDelta, runId)

    const body = (request: AgentRunRequest, partial: Ref.Ref<Partial>) =>
      Effect.gen(function*() {
        const emit = (event: AgentRunEvent) => (request.onEvent === undefined ? Effect.void : request.onEvent(event))
        const { runId, sessionKey } = request
        const startedAt = (yield* Ref.get(partial)).startedAt
        const storeFailed = Effect.mapError((e: { readonly message: string }) => runFailed(runId, "SESSION_STORE_IO", e.message))
        const session = yield* store.open(sessionKey, { sessionId: request.sessionId, label: request.label }).pipe(storeFailed)
        yield* Ref.update(partial, (p) => ({ ...p, session }))
        yield* emit({ stream: "lifecycle", phase: "start", startedAt })
        const history = yield* store.messages(session).pipe(storeFailed)
        const plan = yield* catalog.plan(runSelection(request)).pipe(Effect.mapError((e) => runFailed(runId, e.code, e.message)))
        // A run's allow-list (a cron job's `--tools`) narrows what the model is offered and may call.
        const specs = allowedTools(yield* registry.specs, request.toolsAllow)
        const system = buildSystemPrompt({
          agentId: agentIdOfKey(sessionKey),
          sessionKey,
          tools: specs,
          now: new Date(yield* Clock.currentTimeMillis),
          extra: request.extraSystemPrompt,
          minimal: request.promptMode === "minimal"
        })
        const persist = (message: TranscriptMessage) => store.append(session, message).pipe(storeFailed)

        const userContent = [{ type: "text" as const, text: request.message }]
        yield* persist({ role: "user", content: userContent, timestamp: yield* Clock.currentTimeMillis })
        const facts: TurnFacts = { runId, sessionId: session.sessionId, plan, maxToolRounds: policy.maxToolRounds }
        const warnRun = (line: string) => warn(line, { runId, sessionId: session.sessionId })

        const finish = (state: TurnState, payloads: ReadonlyArray<string>, text: string, response: ModelResponse) =>
          Effect.gen(function*() {
            const { usage, fallback } = state
            // Fallback is turn-local; the session remembers it so the primary's return can be announced.
            const previous = session.lastFallback
            const cleared = fallback === undefined && previous !== undefined && `${response.provider}/${response.model}` === previous.selected
              ? { selected: previous.selected, previous: previous.active, notice: fallbackClearedNotice(previous.selected, previous.active) }
              : undefined
            if (cleared !== undefined) yield* emit({ stream: "fallbackCleared", ...cleared })
            yield* store.recordRun(sessionKey, {
              model: response.model,
              modelProvider: response.provider,
              inputTokens: usage.input,
              outputTokens: usage.output,
              fallback: fallback !== undefined ? { selected: fallback.selected, active: fallback.active } : cleared !== undefined ? null : undefined
            }).pipe(storeFailed)
            const endedAt = yield* Clock.currentTimeMillis
            yield* emit({ stream: "lifecycle", phase: "end", startedAt, endedAt, aborted: false })
            return {
              runId,
              sessionKey,
              sessionId: session.sessionId,
              status: "ok",
              payloads,
              text,
              stopReason: response.output.stopReason,
              provider: response.provider,
              model: response.model,
              usage,
              fallback,
              fallbackCleared: cleared,
              startedAt,
              endedAt
            } satisfies AgentRunResult
          })

        // The loop: call the model, let the step decide, perform what it asks (tools, retry, finish).
        const callModel = (state: TurnState, conversation: ReadonlyArray<Message>, continuation: boolean): Effect.Effect<AgentRunResult, AgentRunFailed> =>
          Effect.gen(function*() {
            yield* Ref.update(partial, (p) => ({ ...p, text: "" }))
            const input: ModelInput = {
              system,
              messages: continuation ? [...conversation, { role: "user", content: CONTINUATION_PROMPT }] : conversation,
              tools: specs,
              ...(request.thinking === undefined ? {} : { thinking: request.thinking })
            }
            const response = yield* attempt(plan, input, (delta) =>
              Effect.flatMap(Ref.updateAndGet(partial, (p) => ({ ...p, text: p.text + delta })), (p) => emit({ stream: "assistant", text: p.text, delta })), runId)
            yield* Ref.update(partial, (p) => ({ ...p, provider: response.provider, model: response.model }))
            const step = turnStep(facts, state, { _tag: "ModelAnswered", response })
            if (state.fallback === undefined && step.state.fallback !== undefined) yield* emit({ stream: "fallback", fallback: step.state.fallback })
            const { content, stopReason } = response.output
            const assistant: TranscriptAssistant = {
              role: "assistant",
              content,
              stopReason,
              provider: response.provider,
              model: response.model,
              usage: response.output.usage,
              timestamp: yield* Clock.currentTimeMillis
            }
            return yield* perform(step, conversation, assistant, response)
          })

        const perform = (
          step: { readonly state: TurnState; readonly action: TurnAction },
          conversation: ReadonlyArray<Message>,
          assistant: TranscriptAssistant,
          response: ModelResponse
        ): Effect.Effect<AgentRunResult, AgentRunFailed> =>
          Effect.gen(function*() {
            const { state, action } = step
            switch (action._tag) {
              case "RunTools": {
                yield* persist(assistant)
                const context: ToolContext = { runId, sessionKey, sessionId: session.sessionId, provider: response.provider, model: response.model }
                const results: Array<Message> = []
                const mutating: Array<boolean> = []
                for (const call of action.calls) {
                  yield* emit({ stream: "tool", phase: "start", name: call.name, toolCallId: call.id, args: call.arguments })
                  const outcome = toolAllowed(request.toolsAllow, call.name)
                    ? yield* registry.invoke(call, context)
                    : { content: [{ type: "text" as const, text: `Tool ${call.name} is not allowed in this run (allowed: ${(request.toolsAllow ?? []).join(", ") || "none"})` }], isError: true, mutating: false }
                  mutating.push(outcome.mutating)
                  const resultText = outcome.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n")
                  yield* emit({ stream: "tool", phase: "result", name: call.name, toolCallId: call.id, isError: outcome.isError, result: resultText })
                  yield* persist({ role: "toolResult", toolCallId: call.id, toolName: call.name, content: outcome.content, isError: outcome.isError, timestamp: yield* Clock.currentTimeMillis })
                  results.push({ role: "toolResult", toolCallId: call.id, toolName: call.name, content: outcome.content, isError: outcome.isError })
                }
                const next: ReadonlyArray<Message> = [...conversation, { role: "assistant", content: response.output.content, stopReason: response.output.stopReason }, ...results]
                return yield* perform(turnStep(facts, state, { _tag: "ToolsRan", mutating }), next, assistant, response)
              }
              case "CallModel": {
                if (action.warning !== undefined) yield* warnRun(action.warning)
                return yield* callModel(state, conversation, action.continuation)
              }
              case "Finish": {
                yield* persist(assistant)
                return yield* finish(state, action.payloads, action.text, response)
              }
              case "GiveUp": {
                yield* warnRun(action.warning)
                // Spec 1.3: the profile that produced no answer is marked failed (not a cooldown reason).
                if (action.recordFailure) {
                  yield* health.recordFailure({
                    provider: response.provider,
                    model: response.model,
                    reason: "empty_response",
                    summary: "incomplete turn: no user-visible answer",
                    code: "AGENT_INCOMPLETE_TURN"
                  })
                }
                yield* persist({ ...assistant, content: [{ type: "text", text: action.reply }], stopReason: "error", errorMessage: action.errorMessage, timestamp: yield* Clock.currentTimeMillis })
                return yield* finish(state, [action.reply], action.reply, response)
              }
            }
          })

        return yield* callModel(initialTurnState, [...toModelMessages(history), { role: "user", content: userContent }], false)
      })

    // A raw model run: nothing read from or written to the session store.
    const raw = (request: AgentRunRequest, partial: Ref.Ref<Partial>) =>
      Effect.gen(function*() {
        const emit = (event: AgentRunEvent) => (request.onEvent === undefined ? Effect.void : request.onEvent(event))
        return yield* rawModelTurn({ catalog, client }, request, {
          startedAt: (yield* Ref.get(partial)).startedAt,
          emit,
          onDelta: (delta) =>
            Effect.flatMap(Ref.updateAndGet(partial, (p) => ({ ...p, text: p.text + delta })), (p) => emit({ stream: "assistant", text: p.text, delta })),
          onResponse: (provider, model) => Ref.update(partial, (p) => ({ ...p, provider, model }))
        })
      })

    // An aborted run keeps the partial answer it streamed, marked as aborted (a raw model run keeps nothing).
    const keepPartial = (request: AgentRunRequest, partial: Ref.Ref<Partial>) =>
      Effect.gen(function*() {
        const p = yield* Ref.get(partial)
        if (p.session === undefined && request.modelRun !== true) return
        if (p.session !== undefined && p.text !== "") {
          yield* store.append(p.session, {
            role: "assistant",
            content: [{ type: "text", text: p.text }],
            stopReason: "aborted",
            aborted: true,
            ...(p.provider === undefined ? {} : { provider: p.provider }),
            ...(p.model === undefined ? {} : { model: p.model }),
            timestamp: yield* Clock.currentTimeMillis
          }).pipe(Effect.ignore)
        }
        if (p.session !== undefined) yield* store.recordRun(request.sessionKey, { aborted: true }).pipe(Effect.ignore)
        if (p.abortRequested && request.onEvent !== undefined) {
          yield* request.onEvent({ stream: "lifecycle", phase: "end", startedAt: p.startedAt, endedAt: yield* Clock.currentTimeMillis, aborted: true })
        }
      })

    const start = Effect.fn("AgentRunner.start")(function*(request: AgentRunRequest) {
      const partial = yield* Ref.make<Partial>({ session: undefined, text: "", provider: undefined, model: undefined, startedAt: yield* Clock.currentTimeMillis, abortRequested: false })
      const lock = yield* lockFor(request.sessionKey)
      const emitError = (error: AgentRunError) =>
        Effect.gen(function*() {
          if (request.onEvent === undefined) return
          const p = yield* Ref.get(partial)
          yield* request.onEvent({ stream: "lifecycle", phase: "error", startedAt: p.startedAt, endedAt: yield* Clock.currentTimeMillis, error: error.message })
        })
      const turn = request.modelRun === true ? raw(request, partial) : body(request, partial)
      // Nothing asynchronous before the fork: runs of one session take its lock in request order.
      const timed: Effect.Effect<AgentRunResult, AgentRunError> = Effect.flatMap(runTimeout(request), (timeout) =>
        turn.pipe(
          Effect.onInterrupt(() => keepPartial(request, partial)),
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () => runFailed(request.runId, "AGENT_TIMEOUT", `agent run timed out after ${Duration.format(timeout)}`)
          })
        ))
      const guarded: Effect.Effect<AgentRunResult, AgentRunError> = request.message.trim() === ""
        ? Effect.fail(new AgentInputInvalid({ message: "Message (--message) is required" }))
        : lock.withPermits(1)(timed)
      const fiber = yield* Effect.forkIn(
        guarded.pipe(
          Effect.tapError(emitError),
          Effect.ensuring(Effect.sync(() => active.delete(request.runId)))
        ),
        scope
      )
      active.set(request.runId, { sessionKey: request.sessionKey, fiber, partial })
      const result = Effect.flatMap(Fiber.await(fiber), (exit): Effect.Effect<AgentRunResult, AgentRunError> => {
        if (Exit.isSuccess(exit)) return Effect.succeed(exit.value)
        if (Exit.isInterrupted(exit)) {
          return Effect.gen(function*() {
            const p = yield* Ref.get(partial)
            return {
              runId: request.runId,
              sessionKey: request.sessionKey,
              sessionId: p.session?.sessionId ?? request.sessionId ?? "",
              status: "aborted",
              payloads: p.text === "" ? [] : [p.text],
              text: p.text,
              stopReason: "aborted",
              provider: p.provider,
              model: p.model,
              usage: emptyUsage,
              fallback: undefined,
              startedAt: p.startedAt,
              endedAt: yield* Clock.currentTimeMillis
            } satisfies AgentRunResult
          })
        }
        return Effect.failCause(exit.cause)
      })
      return { runId: request.runId, sessionKey: request.sessionKey, result } satisfies AgentRunHandle
    })

    const abort = Effect.fn("AgentRunner.abort")(function*(input: { readonly sessionKey: string; readonly runId?: string | undefined }) {
      const targets = [...active.entries()].filter(([runId, run]) => run.sessionKey === input.sessionKey && (input.runId === undefined || input.runId === runId))
      for (const [, run] of targets) yield* Ref.update(run.partial, (p) => ({ ...p, abortRequested: true }))
      yield* Effect.forEach(targets, ([, run]) => Fiber.interrupt(run.fiber), { discard: true, concurrency: "unbounded" })
      return targets.map(([runId]) => runId)
    })

    // A foreground run: a caller that goes away aborts it.
    const run = Effect.fn("AgentRunner.run")(function*(request: AgentRunRequest) {
      const handle = yield* start(request)
      return yield* handle.result.pipe(Effect.onInterrupt(() => abort({ sessionKey: request.sessionKey, runId: request.runId })))
    })

    return {
      start,
      run,
      abort,
      active: Effect.sync(() => {
        const byKey = new Map<string, Array<string>>()
        for (const [runId, run] of active) byKey.set(run.sessionKey, [...(byKey.get(run.sessionKey) ?? []), runId])
        return byKey
      })
    }
  })
)
