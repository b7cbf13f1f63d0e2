import { Schema } from "effect"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

/**
 * Methods the original Control UI calls for concepts this gateway does not have (plugins and their
 * surfaces, questions, plugin/openclaw approvals, mentions, session groups, pull requests, tasks,
 * branches, companion, talk, session catalogs, usage by provider): names, params and scopes as the
 * original 2026.9.6's, answered with the empty state of each concept. Never invented items.
 */
const spec = defineMethod

const NonEmpty = Schema.String.pipe(Schema.minLength(1))
const None = Schema.Struct({})
const AnyArray = Schema.Array(Schema.Unknown)
const SessionScoped = Schema.Struct({ sessionKey: NonEmpty, agentId: opt(NonEmpty) })
const TaskStatus = Schema.Literal("queued", "running", "completed", "failed", "cancelled", "timed_out")

export const AbsentConceptMethods = {
  pluginsControlUiList: spec("plugins.controlUi.list", "operator.read", None, Schema.Struct({ revision: Schema.String, plugins: AnyArray, diagnostics: AnyArray })),
  pluginsList: spec("plugins.list", "operator.read", None, Schema.Struct({ plugins: AnyArray, diagnostics: AnyArray, mutationAllowed: Schema.Boolean, generation: Schema.Number })),
  pluginSurfaceRefresh: spec(
    "plugin.surface.refresh",
    "operator.read",
    Schema.Struct({ surface: NonEmpty, observedUrl: opt(Schema.String) }),
    Schema.Struct({ surface: Schema.String, pluginSurfaceUrls: Schema.Record({ key: Schema.String, value: Schema.String }) })
  ),
  pluginApprovalList: spec("plugin.approval.list", "operator.approvals", None, AnyArray),
  openclawApprovalList: spec("openclaw.approval.list", "operator.approvals", None, AnyArray),
  approvalHistory: spec(
    "approval.history",
    "operator.approvals",
    Schema.Struct({ cursor: opt(NonEmpty), limit: opt(Schema.Int.pipe(Schema.between(1, 100))), kind: opt(Schema.String) }),
    Schema.Struct({ items: AnyArray })
  ),
  execApprovalGrantsList: spec("exec.approval.grants.list", "operator.approvals", Schema.Struct({ limit: opt(Schema.Int.pipe(Schema.between(1, 500))) }), Schema.Struct({ grants: AnyArray })),
  questionList: spec("question.list", "operator.questions", None, Schema.Struct({ questions: AnyArray })),
  sessionsObserverVisibility: spec("sessions.observer.visibility", "operator.read", Schema.Struct({ visible: Schema.Boolean }), Schema.Struct({ ok: Schema.Boolean })),
  sessionsGroupsList: spec("sessions.groups.list", "operator.read", None, Schema.Struct({ groups: AnyArray, sectionOrder: AnyArray })),
  sessionsGroupsDefaults: spec("sessions.groups.defaults", "operator.write", None, Schema.Struct({ defaults: AnyArray })),
  mentionsList: spec("mentions.list", "operator.read", None, Schema.Struct({ gatewayInstanceId: Schema.String, revision: Schema.Number, items: AnyArray })),
  sessionPullRequestsSubscribe: spec(
    "controlUi.sessionPullRequests.subscribe",
    "operator.read",
    Schema.Struct({ sessionKeys: Schema.Array(Schema.String) }),
    Schema.Struct({ subscribed: Schema.Boolean })
  ),
  sessionsCatalogList: spec(
    "sessions.catalog.list",
    "operator.read",
    Schema.Struct({
      catalogId: opt(NonEmpty),
      metadataOnly: opt(Schema.Boolean),
      cursors: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
      agentId: opt(NonEmpty),
      progressId: opt(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128))),
      allowPartialResults: opt(Schema.Boolean),
      search: opt(Schema.String),
      limitPerHost: opt(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
      hostIds: opt(Schema.Array(NonEmpty))
    }),
    Schema.Struct({ catalogs: AnyArray })
  ),
  talkCatalog: spec(
    "talk.catalog",
    "operator.read",
    Schema.Struct({ provider: opt(NonEmpty), model: opt(NonEmpty) }),
    Schema.Struct({ modes: AnyArray, transports: AnyArray, brains: AnyArray, speech: Schema.Struct({ providers: AnyArray }), transcription: Schema.Struct({ ready: Schema.Boolean, providers: AnyArray }), realtime: Schema.Struct({ ready: Schema.Boolean, providers: AnyArray }) })
  ),
  progressCardGet: spec("progressCard.get", "operator.read", SessionScoped, Schema.Struct({ card: Schema.Null })),
  sessionsBranchesList: spec("sessions.branches.list", "operator.read", SessionScoped, Schema.Struct({ branches: AnyArray })),
  sessionsCompanionState: spec("sessions.companion.state", "operator.read", SessionScoped, Schema.Struct({ exchanges: AnyArray })),
  tasksList: spec(
    "tasks.list",
    "operator.read",
    Schema.Struct({
      status: opt(Schema.Union(TaskStatus, Schema.Array(TaskStatus))),
      agentId: opt(NonEmpty),
      sessionKey: opt(NonEmpty),
      limit: opt(Schema.Int.pipe(Schema.between(1, 500))),
      cursor: opt(Schema.String.pipe(Schema.maxLength(512))),
      sortBy: opt(Schema.Literal("updatedAt", "endedAt"))
    }),
    Schema.Struct({ tasks: AnyArray })
  ),
  usageStatus: spec("usage.status", "operator.read", None, Schema.Struct({ updatedAt: Schema.Number, providers: AnyArray }))
} as const
