import { Clock, Effect, Layer } from "effect"
import { createHash } from "node:crypto"
import { AbsentConceptMethods as M } from "../../../domain/protocol/absentConceptMethods.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"

/**
 * The original Control UI's calls for concepts this gateway does not have: each answers the empty
 * state of its concept (no plugins, no questions, no plugin or openclaw approvals, no mentions, no
 * groups, no tasks...), so the UI shows "nothing here" instead of an error. Nothing is invented.
 */
export const AbsentConceptMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    // The UI caches plugin surfaces by revision: the revision of an empty plugin list.
    const emptyRevision = createHash("sha256").update("[]").digest("hex")
    const constant = <A>(value: A) => () => Effect.succeed(value)

    yield* registry.register(M.pluginsControlUiList, constant({ revision: emptyRevision, plugins: [], diagnostics: [] }))
    yield* registry.register(M.pluginsList, constant({ plugins: [], diagnostics: [], mutationAllowed: false, generation: 0 }))
    // No plugin serves a surface (canvas, ...) here: no URL for any.
    yield* registry.register(M.pluginSurfaceRefresh, (params) => Effect.succeed({ surface: params.surface, pluginSurfaceUrls: {} }))
    yield* registry.register(M.pluginApprovalList, constant([]))
    yield* registry.register(M.openclawApprovalList, constant([]))
    yield* registry.register(M.approvalHistory, constant({ items: [] }))
    yield* registry.register(M.execApprovalGrantsList, constant({ grants: [] }))
    yield* registry.register(M.questionList, constant({ questions: [] }))
    // Nothing observes sessions on this gateway's behalf; the visibility hint is acknowledged.
    yield* registry.register(M.sessionsObserverVisibility, constant({ ok: true }))
    yield* registry.register(M.sessionsGroupsList, constant({ groups: [], sectionOrder: [] }))
    yield* registry.register(M.sessionsGroupsDefaults, constant({ defaults: [] }))
    yield* registry.register(M.mentionsList, constant({ gatewayInstanceId: runtime.bootId, revision: 0, items: [] }))
    // No pull-request tracking here: nothing to subscribe to, as the original says for an empty key list.
    yield* registry.register(M.sessionPullRequestsSubscribe, constant({ subscribed: false }))
    yield* registry.register(M.sessionsCatalogList, constant({ catalogs: [] }))
    yield* registry.register(M.talkCatalog, constant({
      modes: [],
      transports: [],
      brains: [],
      speech: { providers: [] },
      transcription: { ready: false, providers: [] },
      realtime: { ready: false, providers: [] }
    }))
    yield* registry.register(M.progressCardGet, constant({ card: null }))
    yield* registry.register(M.sessionsBranchesList, constant({ branches: [] }))
    yield* registry.register(M.sessionsCompanionState, constant({ exchanges: [] }))
    yield* registry.register(M.tasksList, constant({ tasks: [] }))
    yield* registry.register(M.usageStatus, () => Effect.map(Clock.currentTimeMillis, (updatedAt) => ({ updatedAt, providers: [] })))
  })
)
