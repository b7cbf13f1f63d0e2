import { Clock, Duration, Effect, Either, FiberSet, Layer, Option, Ref, Schema } from "effect"
import type { AgentRunError } from "../../../domain/agent/errors.js"
import { attachmentImages, explicitModelOf, hasModelOverride, MODEL_OVERRIDE_REFUSED, modelRunParamsProblem, modelRunSessionKey } from "../../../domain/agent/modelRun.js"
import type { AgentRunEvent } from "../../../domain/agent/events.js"
import { canonicalSessionKey, resolveRequestSessionKey, sessionKindOf } from "../../../domain/agent/sessionKey.js"
import { displayHistory } from "../../../domain/agent/transcript.js"
import { initialProjection, projectRunEvent, type RunOutcome, terminalChatEvent, type WireEvent } from "../../../domain/agent/wireEvents.js"
import { AgentMethods, type AgentParams, type AgentResult, type SessionRow, type SessionsListParams, SESSIONS_LIST_DEFAULT_LIMIT } from "../../../domain/protocol/agentMethods.js"
import { InvalidRequest, MissingScope, Unavailable } from "../../../domain/protocol/errors.js"
import { scopeSatisfied } from "../../../domain/protocol/scopes.js"
import { AgentRunner, type AgentRunRequest, type AgentRunResult } from "../../../services/AgentRunner.js"
import { EventBus } from "../../../services/EventBus.js"
import { ActiveWork } from "../../../services/ActiveWork.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"
import { ModelCatalog } from "../../../services/ModelCatalog.js"
import { ThinkingLevel } from "../../../domain/models/messages.js"
import { SessionStore } from "../../../services/SessionStore.js"
import { agentResultPayload } from "../../agent/agentResult.js"
import { sessionIdProblem } from "../../../domain/agent/sessionId.js"
import { sessionResetAck, sessionResetOf } from "../../../domain/agent/sessionReset.js"
import { keyLengthProblem } from "../../../domain/protocol/keyLimits.js"
import { truncateEcho } from "../../../domain/text/truncateEcho.js"
import { THINKING_LEVELS } from "../../../domain/models/thinkingLevels.js"
import { configuredCatalog } from "../../../domain/models/catalogSnapshot.js"
import { parseModelRef } from "../../../domain/models/ModelRef.js"
import { randomUUID } from "node:crypto"
import type { DeliveryStatus } from "../../../domain/agent/replyDelivery.js"
import { ChannelDelivery } from "../../../services/ChannelDelivery.js"
import { deliverReply, ReplyNotDelivered } from "../../agent/replyDelivery.js"

/** Chat and agent streams reach sockets holding `operator.read` (spec section 7). */
const STREAM_SCOPE = "operator.read"

const encodeAgentResult = Schema.encodeSync(AgentMethods.agent.result as Schema.Schema<AgentResult, unknown>)

const isThinkingLevel = Schema.is(ThinkingLevel)
const thinkingOf = (level: string | undefined) => (level !== undefined && isThinkingLevel(level) ? level : undefined)

/** How long `agent.wait` waits when the caller names no timeout (the original's 30 s). */
const AGENT_WAIT_DEFAULT_MS = 30_000

/** Idempotency entries kept for repeats (the oldest finished ones go first). */
const MAX_TRACKED_RUNS = 1000

/** A client-chosen session id names a transcript file: refuse anything that is not a bare, safe name. */
const sessionIdParamProblem = (sessionId: string | undefined) =>
  sessionId === undefined || sessionId.trim() === "" ? undefined : sessionIdProblem(sessionId)

const storeUnavailable = (error: { readonly message: string }) => new Unavailable({ message: error.message })

/** Keys that would be stored (the canonical session key, the idempotency key) must fit the key limit. */
const keysProblem = (sessionKey: string | undefined, idempotencyKey: string | undefined, agentId?: string) =>
  keyLengthProblem("sessionKey", sessionKey === undefined ? undefined : canonicalSessionKey(sessionKey, agentId)) ??
    keyLengthProblem("idempotencyKey", idempotencyKey)

/** `agent` turns whose text resets the session need admin (spec section 7, param-aware scopes). */
const resetsSession = (params: AgentParams) => params.modelRun !== true && sessionResetOf(params.message) !== undefined

const outcomeOf = (exit: Either.Either<AgentRunResult, AgentRunError>): RunOutcome =>
  Either.match(exit, {
    onLeft: (error) => ({ status: "error", message: error.message, timeout: error._tag === "AgentRunFailed" && error.cause === "AGENT_TIMEOUT" }),
    onRight: (result) =>
      result.status === "aborted"
        ? { status: "aborted", text: result.text }
        : { status: "ok", text: result.text, stopReason: result.stopReason, usage: result.usage }
  })

interface Tracked {
  readonly runId: string
  readonly done: Ref.Ref<Option.Option<Either.Either<AgentRunResult, AgentRunError>>>
  readonly result: Effect.Effect<AgentRunResult, AgentRunError>
  /** With `deliver`: the reply's delivery, run once after the turn (repeats share it). */
  readonly delivery?: Effect.Effect<DeliveryStatus, ReplyNotDelivered | AgentRunError>
}

/**
 * `agent`, `chat.send`, `chat.history`, `chat.abort` and `sessions.list`: runs go to the AgentRunner in
 * the background; their events stream to `operator.read` sockets as `agent` and `chat` events.
 */
export const AgentMethodsLive = Layer.scopedDiscard(
  Effect.gen(function*() {
    const methods = yield* MethodRegistry
    const bus = yield* EventBus
    const runner = yield* AgentRunner
    const store = yield* SessionStore
    const catalog = yield* ModelCatalog
    // Replies go out through the channel layer when the gateway runs one (`agent --deliver`).
    const channelDelivery = yield* Effect.serviceOption(ChannelDelivery)
    const background = yield* FiberSet.make<void, never>()
    // A run in progress holds off a safe restart (`gateway restart --safe`) until it ends.
    const work = yield* Effect.serviceOption(ActiveWork)
    const asAgentRun = <A, E, R>(effect: Effect.Effect<A, E, R>) => Option.isSome(work) ? work.value.track("agentRuns", effect) : effect
    // Idempotency: one run per key; repeats answer from here.
    const runs = new Map<string, Tracked>()

    const forgetOldRuns = Effect.gen(function*() {
      for (const [key, run] of runs) {
        if (runs.size < MAX_TRACKED_RUNS) return
        if (Option.isSome(yield* Ref.get(run.done))) runs.delete(key)
      }
    })

    const publish = (wire: WireEvent) => bus.publish({ event: wire.event, payload: wire.payload, scope: STREAM_SCOPE })

    /** Starts a run whose events are published, and a watcher that publishes the terminal chat event. */
    const startRun = (input: Omit<AgentRunRequest, "onEvent" | "thinking"> & {
      /** As the client sent it; an unknown level is dropped. */
      readonly thinking?: string | undefined
      readonly onDone?: (exit: Either.Either<AgentRunResult, AgentRunError>) => Effect.Effect<void>
    }) =>
      Effect.gen(function*() {
        const projection = yield* Ref.make(initialProjection)
        const onEvent = (event: AgentRunEvent) =>
          Effect.gen(function*() {
            const ts = yield* Clock.currentTimeMillis
            const events = yield* Ref.modify(projection, (state) => {
              const next = projectRunEvent(state, { runId: input.runId, sessionKey: input.sessionKey, ts, event })
              return [next.events, next.state]
            })
            yield* Effect.forEach(events, publish, { discard: true })
          })
        const { onDone: _onDone, thinking, ...request } = input
        const handle = yield* runner.start({ ...request, thinking: thinkingOf(thinking), onEvent })
        const done = yield* Ref.make<Option.Option<Either.Either<AgentRunResult, AgentRunError>>>(Option.none())
        const tracked: Tracked = { runId: input.runId, done, result: handle.result }
        yield* forgetOldRuns
        yield* FiberSet.run(background, asAgentRun(Effect.gen(function*() {
          const exit = yield* Effect.either(handle.result)
          yield* Ref.set(done, Option.some(exit))
          const state = yield* Ref.get(projection)
          yield* publish(terminalChatEvent(state, { runId: input.runId, sessionKey: input.sessionKey, ts: yield* Clock.currentTimeMillis, outcome: outcomeOf(exit) }))
          if (input.onDone !== undefined) yield* input.onDone(exit)
        })))
        return tracked
      })

    const sessionKeyOfAgent = (params: AgentParams) =>
      Effect.gen(function*() {
        if (params.sessionKey !== undefined && params.sessionKey.trim() !== "") return canonicalSessionKey(params.sessionKey, params.agentId)
        if (params.sessionId !== undefined && params.sessionId.trim() !== "") {
          const found = yield* store.findById(params.sessionId).pipe(Effect.mapError(storeUnavailable))
          if (Option.isSome(found)) return found.value.key
        }
        return resolveRequestSessionKey({ agentId: params.agentId })
      })

    const finalOutcome = (exit: Either.Either<AgentRunResult, AgentRunError>, runId: string) =>
      Either.match(exit, {
        onLeft: (error) => ({
          ok: false as const,
          error: {
            code: "UNAVAILABLE",
            message: error.message,
            details: {
              runId,
              code: error.code,
              ...(error._tag === "AgentRunFailed" && error.hint !== undefined ? { hint: error.hint } : {}),
              ...(error._tag === "AgentRunFailed" && error.provider !== undefined ? { provider: error.provider } : {}),
              ...(error._tag === "AgentRunFailed" && error.model !== undefined ? { model: error.model } : {})
            }
          }
        }),
        onRight: (result) => ({ ok: true as const, payload: encodeAgentResult(agentResultPayload(result)) })
      })

    /** The final `agent` answer: the run's outcome, then (with `deliver`) its reply's delivery. */
    const finalOfAgent = (tracked: Tracked) =>
      Effect.gen(function*() {
        const result = agentResultPayload(yield* tracked.result)
        if (tracked.delivery === undefined || result.result === undefined) return result
        const deliveryStatus = yield* tracked.delivery
        return { ...result, result: { ...result.result, deliveryStatus } }
      }).pipe(Effect.either)

    /** The second `agent` response frame for that answer. */
    const finalFrame = (answer: Either.Either<AgentResult, AgentRunError | ReplyNotDelivered>, runId: string) =>
      Either.match(answer, {
        onRight: (result) => ({ ok: true as const, payload: encodeAgentResult(result) }),
        onLeft: (error) =>
          error._tag === "ReplyNotDelivered"
            ? { ok: false as const, error: { code: "UNAVAILABLE", message: error.message, details: { runId, code: "DELIVERY_FAILED", deliveryStatus: error.status } } }
            : finalOutcome(Either.left(error), runId)
      })

    yield* methods.register(AgentMethods.agent, (params, caller) =>
      Effect.gen(function*() {
        const problem = modelRunParamsProblem(params) ?? sessionIdParamProblem(params.sessionId) ??
          keysProblem(params.sessionKey, params.idempotencyKey, params.agentId)
        if (problem !== undefined) return yield* new InvalidRequest({ message: problem })
        const admin = scopeSatisfied(caller.scopes, "operator.admin")
        if (resetsSession(params) && !admin) {
          return yield* new MissingScope({ message: "missing scope: operator.admin", missingScope: "operator.admin", requiredScopes: ["operator.admin"] })
        }
        // The original's refusal, word for word: only an operator.admin caller may pick the provider/model.
        if (hasModelOverride(params) && !admin) return yield* new InvalidRequest({ message: MODEL_OVERRIDE_REFUSED })
        const modelRun = params.modelRun === true
        const images = modelRun ? attachmentImages(params.attachments ?? []) : Either.right([])
        if (Either.isLeft(images)) return yield* new InvalidRequest({ message: images.left })
        const acceptedAt = yield* Clock.currentTimeMillis
        const existing = runs.get(params.idempotencyKey)
        // `/new` / `/reset` (admin, checked above) start a fresh session under the same key; the old
        // transcript stays on disk. A bare command is acknowledged without calling the model.
        const reset = modelRun || existing !== undefined ? undefined : sessionResetOf(params.message)
        if (reset !== undefined) {
          // The key the caller addresses; its current session id is what gets replaced.
          const { sessionId: _current, ...addressed } = params
          const sessionKey = yield* sessionKeyOfAgent(addressed)
          const fresh = yield* store.open(sessionKey, { sessionId: randomUUID() }).pipe(Effect.mapError(storeUnavailable))
          if (reset.rest === "") {
            const acknowledged: AgentResult = {
              runId: params.idempotencyKey,
              status: "ok",
              summary: "completed",
              result: {
                payloads: [{ text: sessionResetAck(reset.reason), mediaUrl: null, isStatusNotice: true }],
                meta: { durationMs: 0, aborted: false, agentMeta: { sessionId: fresh.sessionId, sessionKey } }
              }
            }
            return acknowledged
          }
          params = { ...params, message: reset.rest, sessionKey, sessionId: fresh.sessionId }
        }
        const tracked = existing ?? (yield* Effect.gen(function*() {
          // A raw model run gets a fresh, never-persisted session of its own.
          const sessionKey = modelRun ? canonicalSessionKey(modelRunSessionKey(params), params.agentId) : yield* sessionKeyOfAgent(params)
          const sessionId = params.sessionId !== undefined && params.sessionId.trim() !== ""
            ? params.sessionId
            : modelRun ? `model-run-${params.idempotencyKey}` : undefined
          const created = yield* startRun({
            runId: params.idempotencyKey,
            sessionKey,
            message: params.message,
            sessionId,
            model: explicitModelOf(params),
            extraSystemPrompt: params.extraSystemPrompt,
            timeoutMs: params.timeout === undefined || params.timeout === 0 ? undefined : params.timeout * 1000,
            label: params.label,
            thinking: params.thinking,
            modelRun,
            promptMode: params.promptMode,
            images: images.right
          })
          const request = params
          const delivery = request.deliver === true
            ? yield* Effect.cached(Effect.flatMap(created.result, (result) => deliverReply(channelDelivery, request, result)))
            : undefined
          const tracked: Tracked = delivery === undefined ? created : { ...created, delivery }
          runs.set(params.idempotencyKey, tracked)
          return tracked
        }))
        const sendFinal = caller.sendFinal
        if (sendFinal === undefined) {
          // No second response possible: answer with the final result directly.
          const answer = yield* finalOfAgent(tracked)
          if (Either.isRight(answer)) return answer.right
          const error = answer.left
          return yield* new Unavailable({
            message: error.message,
            details: error._tag === "ReplyNotDelivered" ? { runId: tracked.runId, code: "DELIVERY_FAILED", deliveryStatus: error.status } : { runId: tracked.runId, code: error.code }
          })
        }
        yield* FiberSet.run(background, Effect.flatMap(finalOfAgent(tracked), (answer) => sendFinal(finalFrame(answer, tracked.runId))))
        return { runId: tracked.runId, status: "accepted" as const, acceptedAt }
      }))

    yield* methods.register(AgentMethods.chatSend, (params) =>
      Effect.gen(function*() {
        if (params.message.trim() === "" && (params.attachments ?? []).length === 0) {
          return yield* new InvalidRequest({ message: "invalid chat.send params: message or attachments required" })
        }
        const badSessionId = sessionIdParamProblem(params.sessionId) ?? keysProblem(params.sessionKey, params.idempotencyKey)
        if (badSessionId !== undefined) return yield* new InvalidRequest({ message: badSessionId })
        const existing = runs.get(params.idempotencyKey)
        if (existing !== undefined) {
          const done = yield* Ref.get(existing.done)
          return {
            runId: existing.runId,
            status: Option.match(done, { onNone: () => "in_flight" as const, onSome: (exit) => (Either.isRight(exit) ? "ok" as const : "error" as const) })
          }
        }
        const tracked = yield* startRun({
          runId: params.idempotencyKey,
          sessionKey: canonicalSessionKey(params.sessionKey),
          message: params.message,
          sessionId: params.sessionId,
          timeoutMs: params.timeoutMs === undefined || params.timeoutMs === 0 ? undefined : params.timeoutMs,
          thinking: params.thinking
        })
        runs.set(params.idempotencyKey, tracked)
        return { runId: tracked.runId, status: "started" as const }
      }))

    yield* methods.register(AgentMethods.chatHistory, (params) =>
      Effect.gen(function*() {
        const tooLong = keysProblem(params.sessionKey, undefined, params.agentId)
        if (tooLong !== undefined) return yield* new InvalidRequest({ message: tooLong })
        const sessionKey = canonicalSessionKey(params.sessionKey, params.agentId)
        const found = yield* store.find(sessionKey).pipe(Effect.mapError(storeUnavailable))
        if (Option.isNone(found)) return { sessionKey, sessionId: null, messages: [] }
        const messages = yield* store.messages(found.value).pipe(Effect.mapError(storeUnavailable))
        return {
          sessionKey,
          sessionId: found.value.sessionId,
          messages: displayHistory(messages, { limit: params.limit ?? 200, maxChars: params.maxChars })
        }
      }))

    yield* methods.register(AgentMethods.chatAbort, (params) =>
      Effect.map(runner.abort({ sessionKey: canonicalSessionKey(params.sessionKey), runId: params.runId }), (runIds) => ({
        ok: true,
        aborted: runIds.length > 0,
        runIds
      })))

    yield* methods.register(AgentMethods.sessionsList, (params) => listSessions(params))
    // One agent (main) here: the catalog is the same for every session and agent a caller names.
    // An unreadable config lists no models rather than failing the picker.
    yield* methods.register(AgentMethods.modelsList, () =>
      Effect.map(catalog.view.pipe(Effect.option), Option.match({
        onNone: () => ({ models: [], accountSelection: { kind: "automatic", label: "Automatic account selection" } }),
        onSome: (view) => configuredCatalog(view.catalogue, view.selection)
      })))

    // Waits on the run this gateway tracks (by idempotency key = runId); the run goes on after a timeout.
    yield* methods.register(AgentMethods.agentWait, (params) =>
      Effect.gen(function*() {
        const tracked = runs.get(params.runId)
        if (tracked === undefined) return yield* new InvalidRequest({ message: `unknown runId: ${truncateEcho(params.runId)}` })
        const outcome = yield* Effect.either(tracked.result).pipe(Effect.timeoutOption(Duration.millis(params.timeoutMs ?? AGENT_WAIT_DEFAULT_MS)))
        if (Option.isNone(outcome)) return { runId: params.runId, status: "timeout" as const }
        return Either.match(outcome.value, {
          onLeft: (error) => ({ runId: params.runId, status: "error" as const, error: error.message }),
          onRight: (result) => ({ runId: params.runId, status: "ok" as const, startedAt: result.startedAt, endedAt: result.endedAt })
        })
      }))

    function listSessions(params: SessionsListParams) {
      return Effect.gen(function*() {
        const { path, sessions } = yield* store.list.pipe(Effect.mapError(storeUnavailable))
        const active = yield* runner.active
        const view = yield* catalog.view.pipe(Effect.option)
        const defaultKey = Option.map(view, (v) => v.selection.primary ?? v.catalogue.models[0]?.key)
        const defaultTarget = Option.flatMap(view, (v) => Option.fromNullable(v.catalogue.models.find((m) => m.key === Option.getOrUndefined(defaultKey))))
        const configuredRef = Option.flatMap(defaultKey, (key) => Option.fromNullable(key === undefined ? undefined : parseModelRef(key)))
        const now = yield* Clock.currentTimeMillis
        const search = params.search?.trim().toLowerCase()
        const rows: Array<SessionRow> = []
        for (const session of sessions) {
          if (params.agentId !== undefined && session.agentId !== params.agentId.trim().toLowerCase()) continue
          if (params.label !== undefined && session.label !== params.label) continue
          if (params.activeMinutes !== undefined && now - session.updatedAt > params.activeMinutes * 60_000) continue
          const kind = sessionKindOf(session.key)
          if (kind === "global" && params.includeGlobal !== true) continue
          if (kind === "unknown" && params.includeUnknown !== true) continue
          if (search !== undefined && search !== "" && !`${session.key} ${session.label ?? ""}`.toLowerCase().includes(search)) continue
          let derivedTitle: string | undefined
          let lastMessagePreview: string | undefined
          if (params.includeDerivedTitles === true || params.includeLastMessage === true) {
            const preview = yield* store.preview(session).pipe(Effect.orElseSucceed(() => ({ firstUserText: undefined, lastText: undefined })))
            if (params.includeDerivedTitles === true && preview.firstUserText !== undefined) derivedTitle = preview.firstUserText.slice(0, 60)
            if (params.includeLastMessage === true && preview.lastText !== undefined) lastMessagePreview = preview.lastText.slice(0, 120)
          }
          const runIds = active.get(session.key) ?? []
          rows.push({
            key: session.key,
            kind,
            agentId: session.agentId,
            sessionId: session.sessionId,
            updatedAt: session.updatedAt,
            displayName: session.label ?? session.key,
            ...(session.label === undefined ? {} : { label: session.label }),
            ...(derivedTitle === undefined ? {} : { derivedTitle }),
            ...(lastMessagePreview === undefined ? {} : { lastMessagePreview }),
            ...(session.model === undefined ? {} : { model: session.model }),
            ...(session.modelProvider === undefined ? {} : { modelProvider: session.modelProvider }),
            inputTokens: session.inputTokens,
            outputTokens: session.outputTokens,
            totalTokens: session.totalTokens,
            ...(session.abortedLastRun === undefined ? {} : { abortedLastRun: session.abortedLastRun }),
            hasActiveRun: runIds.length > 0,
            activeRunIds: [...runIds]
          })
        }
        const limit = params.limit ?? SESSIONS_LIST_DEFAULT_LIMIT
        const offset = params.offset ?? 0
        const limited = rows.slice(offset, offset + limit)
        const hasMore = offset + limited.length < rows.length
        return {
          ts: now,
          path,
          count: limited.length,
          totalCount: rows.length,
          limitApplied: limit,
          nextOffset: hasMore ? offset + limited.length : null,
          hasMore,
          owners: [],
          defaults: {
            // A configured default the catalogue does not list is still the default: named as configured.
            modelProvider: Option.getOrNull(Option.orElse(Option.map(defaultTarget, (t) => t.provider), () => Option.map(configuredRef, (r) => r.provider))),
            model: Option.getOrNull(Option.orElse(Option.map(defaultTarget, (t) => t.model), () => Option.map(configuredRef, (r) => r.model))),
            contextTokens: Option.getOrNull(Option.map(defaultTarget, (t) => t.contextWindow)),
            thinkingLevels: THINKING_LEVELS.map((id) => ({ id, label: id })),
            thinkingOptions: [...THINKING_LEVELS]
          },
          sessions: limited
        }
      })
    }
  })
)
