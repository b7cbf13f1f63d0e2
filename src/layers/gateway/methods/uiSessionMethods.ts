import { Clock, Effect, Layer, Option, Queue, Ref } from "effect"
import { agentIdOfKey, canonicalSessionKey, sessionKindOf } from "../../../domain/agent/sessionKey.js"
import { displayHistory } from "../../../domain/agent/transcript.js"
import { configuredCatalog } from "../../../domain/models/catalogSnapshot.js"
import { configuredSelection } from "../../../domain/models/selection.js"
import { THINKING_LEVELS } from "../../../domain/models/thinkingLevels.js"
import { InvalidRequest, Unavailable } from "../../../domain/protocol/errors.js"
import { UiSessionMethods as M } from "../../../domain/protocol/uiSessionMethods.js"
import { isRecord } from "../../../domain/isRecord.js"
import { EventBus } from "../../../services/EventBus.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { type CallContext, MethodRegistry } from "../../../services/MethodRegistry.js"
import { ModelCatalog } from "../../../services/ModelCatalog.js"
import { SessionStore } from "../../../services/SessionStore.js"

const MAIN_AGENT = "main"
const ACCOUNT_SELECTION = { kind: "automatic", label: "Automatic account selection" } as const
/** The slash commands this gateway's agent turns understand (`/new`, `/reset`), as the original lists them. */
const COMMANDS = [
  { name: "reset", nativeName: "reset", textAliases: ["/reset"], description: "Reset the current session.", category: "session", source: "native", scope: "both", acceptsArgs: true },
  { name: "new", nativeName: "new", textAliases: ["/new"], description: "Start a new session.", category: "session", source: "native", scope: "both", acceptsArgs: true }
]
/** Rows enough to find one session among all of them. */
const ALL_ROWS = 1_000_000
const TERMINAL_CHAT_STATES = new Set(["final", "aborted", "error"])

const unavailable = (error: { readonly message: string }) => new Unavailable({ message: error.message })

/** The newest messages whose JSON fits `maxBytes` (at least none; order kept). */
const fitBytes = <A>(messages: ReadonlyArray<A>, maxBytes: number | undefined): ReadonlyArray<A> => {
  if (maxBytes === undefined) return messages
  let total = 2
  let start = messages.length
  while (start > 0) {
    const size = Buffer.byteLength(JSON.stringify(messages[start - 1])) + 1
    if (total + size > maxBytes) break
    total += size
    start -= 1
  }
  return messages.slice(start)
}

/**
 * The original Control UI's session, agent and model reads (`sessions.subscribe`, `sessions.describe`,
 * `chat.startup`, `chat.metadata`, `agents.list`, `agent.identity.get`, `models.authStatus`, the message
 * subscriptions), answered from the session store, the config and the model catalog. A run's end is
 * announced to `sessions.subscribe` sockets as `sessions.changed` and, with its reply, to
 * `sessions.messages.subscribe` sockets of that session as `session.message`.
 */
export const UiSessionMethodsLive = Layer.scopedDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const store = yield* SessionStore
    const catalog = yield* ModelCatalog
    const bus = yield* EventBus
    // Who listens: sockets (by connId) for every session's changes, and per session key for its messages.
    const sessionListeners = yield* Ref.make(new Set<string>())
    const messageListeners = yield* Ref.make(new Map<string, ReadonlySet<string>>())

    const liveConnIds = Effect.map(runtime.sessions, (sessions) => new Set(sessions.map((s) => s.connId)))

    /** The `sessions.list` row of `key` (this gateway's one row builder), or null when there is no such session. */
    const rowOf = (key: string, caller: CallContext, extra: { readonly includeDerivedTitles?: boolean | undefined; readonly includeLastMessage?: boolean | undefined } = {}) =>
      Effect.gen(function*() {
        const list = registry.find("sessions.list")
        if (list === undefined) return { row: null, defaults: {} }
        const page = (yield* list.handler({ includeGlobal: true, includeUnknown: true, limit: ALL_ROWS, ...extra }, caller)) as { readonly sessions: ReadonlyArray<Record<string, unknown>>; readonly defaults: Record<string, unknown> }
        return { row: page.sessions.find((s) => s["key"] === key) ?? null, defaults: page.defaults }
      })

    yield* registry.register(M.sessionsSubscribe, (_params, caller) =>
      Effect.as(Ref.update(sessionListeners, (set) => new Set([...set, caller.connId])), { subscribed: true }))
    yield* registry.register(M.sessionsUnsubscribe, (_params, caller) =>
      Effect.as(Ref.update(sessionListeners, (set) => new Set([...set].filter((id) => id !== caller.connId))), { subscribed: false }))

    yield* registry.register(M.sessionsMessagesSubscribe, (params, caller) =>
      Effect.gen(function*() {
        const key = canonicalSessionKey(params.key, params.agentId)
        yield* Ref.update(messageListeners, (map) => new Map(map).set(key, new Set([...(map.get(key) ?? []), caller.connId])))
        // No approval flow is tied to sessions here: the replay the UI asked for is empty.
        const replay = params.includeApprovals === true
          ? { approvalReplay: { sessionKey: key, updatedAtMs: yield* Clock.currentTimeMillis, approvals: [], truncated: false } }
          : {}
        return { subscribed: true, key, ...replay }
      }))
    yield* registry.register(M.sessionsMessagesUnsubscribe, (params, caller) =>
      Effect.gen(function*() {
        const key = canonicalSessionKey(params.key, params.agentId)
        yield* Ref.update(messageListeners, (map) => new Map(map).set(key, new Set([...(map.get(key) ?? [])].filter((id) => id !== caller.connId))))
        return { subscribed: false, key }
      }))

    yield* registry.register(M.sessionsDescribe, (params, caller) =>
      Effect.map(rowOf(canonicalSessionKey(params.key, params.agentId), caller, params), ({ row }) => ({ session: row })))

    yield* registry.register(M.chatStartup, (params, caller) =>
      Effect.gen(function*() {
        const sessionKey = canonicalSessionKey(params.sessionKey, params.agentId)
        const found = yield* store.find(sessionKey).pipe(Effect.mapError(unavailable))
        const all = Option.isNone(found) ? [] : yield* store.messages(found.value).pipe(Effect.mapError(unavailable))
        const shown = displayHistory(all, { limit: ALL_ROWS })
        const messages = fitBytes(shown.slice(Math.max(0, shown.length - (params.limit ?? 200))), params.maxBytes)
        const { row, defaults } = yield* rowOf(sessionKey, caller)
        const agentId = agentIdOfKey(sessionKey)
        return {
          sessionKey,
          sessionId: Option.isNone(found) ? null : found.value.sessionId,
          messages,
          pendingInputs: { items: [], total: 0 },
          hasMore: messages.length < shown.length,
          totalMessages: shown.length,
          defaults,
          sessionInfo: row ?? { key: sessionKey, kind: sessionKindOf(sessionKey), agentId, isMain: sessionKey === `agent:${agentId}:main`, updatedAt: null, hasActiveRun: false, activeRunIds: [] }
        }
      }))

    const configuredModels = Effect.map(catalog.view.pipe(Effect.option), Option.match({
      onNone: () => [],
      onSome: (view) => configuredCatalog(view.catalogue, view.selection).models
    }))

    yield* registry.register(M.chatMetadata, () =>
      Effect.map(configuredModels, (models) => ({ models, commands: COMMANDS, swarmEnabled: false, accountSelection: ACCOUNT_SELECTION, runtimeSelectionLocked: false })))

    // One agent runs here: `main`, with the configured default model.
    yield* registry.register(M.agentsList, () =>
      Effect.gen(function*() {
        const { config } = yield* runtime.settings
        const selection = configuredSelection(config)
        return {
          defaultId: MAIN_AGENT,
          ownership: "sole",
          selectionRequired: false,
          mainKey: "main",
          scope: "per-sender",
          agents: [{
            id: MAIN_AGENT,
            thinkingLevels: THINKING_LEVELS.map((id) => ({ id, label: id })),
            thinkingOptions: [...THINKING_LEVELS],
            ...(selection.primary === undefined ? {} : { model: { primary: selection.primary, ...(selection.fallbacks.length === 0 ? {} : { fallbacks: [...selection.fallbacks] }) } })
          }]
        }
      }))

    // No identity is configured for agents here: the original's defaults for an unnamed agent.
    yield* registry.register(M.agentIdentityGet, (params) => {
      const agentId = (params.agentId ?? (params.sessionKey === undefined ? MAIN_AGENT : agentIdOfKey(params.sessionKey))).trim().toLowerCase()
      return agentId === MAIN_AGENT
        ? Effect.succeed({ agentId, name: "Assistant", nameSource: "default", avatar: "A" })
        : Effect.fail(new InvalidRequest({ message: `unknown agent id "${agentId}"` }))
    })

    // Providers authenticate by an API key in the config here (no sign-in profiles): `static` with a key, else `missing`.
    yield* registry.register(M.modelsAuthStatus, () =>
      Effect.gen(function*() {
        const { config } = yield* runtime.settings
        const providers = Object.entries(config.models?.providers ?? {}).map(([provider, entry]) => ({
          provider,
          authProvider: provider,
          displayName: provider,
          status: entry.apiKey === undefined ? "missing" : "static",
          profiles: []
        }))
        return { ts: yield* Clock.currentTimeMillis, providers, providerCapabilities: [] }
      }))

    // Run ends become session events for the sockets that subscribed (closed sockets are dropped).
    const events = yield* bus.subscribe
    yield* Effect.forkScoped(Effect.forever(Effect.gen(function*() {
      const event = yield* Queue.take(events)
      if (event.event !== "chat" || !isRecord(event.payload)) return
      const payload = event.payload
      const sessionKey = payload["sessionKey"]
      if (typeof sessionKey !== "string" || !TERMINAL_CHAT_STATES.has(String(payload["state"]))) return
      const live = yield* liveConnIds
      const ts = yield* Clock.currentTimeMillis
      const agentId = agentIdOfKey(sessionKey)
      const sessionConns = [...(yield* Ref.updateAndGet(sessionListeners, (set) => new Set([...set].filter((id) => live.has(id)))))]
      yield* Effect.forEach(sessionConns, (connId) =>
        bus.publish({ event: "sessions.changed", payload: { sessionKey, agentId, phase: "end", runId: payload["runId"], ts }, connId, scope: "operator.read" }), { discard: true })
      if (payload["message"] === undefined) return
      const messageConns = [...((yield* Ref.get(messageListeners)).get(sessionKey) ?? [])].filter((id) => live.has(id))
      yield* Effect.forEach(messageConns, (connId) =>
        bus.publish({ event: "session.message", payload: { sessionKey, agentId, message: payload["message"], runId: payload["runId"] }, connId, scope: "operator.read" }), { discard: true })
    })))
  })
)
