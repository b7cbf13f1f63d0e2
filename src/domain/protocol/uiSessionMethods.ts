import { Schema } from "effect"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

/**
 * Session, agent and model reads the original Control UI makes on boot and in its chat view, with the
 * original 2026.9.6's names, params and scopes, answered from this gateway's session store, config
 * and model catalog.
 */
const spec = defineMethod

const NonEmpty = Schema.String.pipe(Schema.minLength(1))
const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const SessionKeyParams = Schema.Struct({ key: NonEmpty, agentId: opt(NonEmpty) })

export const ChatStartupParams = Schema.Struct({
  sessionKey: NonEmpty,
  agentId: opt(NonEmpty),
  limit: opt(Schema.Int.pipe(Schema.between(1, 1000))),
  maxBytes: opt(Schema.Int.pipe(Schema.between(1, 10_000_000)))
})
export type ChatStartupParams = typeof ChatStartupParams.Type

export const ChatStartupResult = Schema.Struct({
  sessionKey: Schema.String,
  sessionId: Schema.NullOr(Schema.String),
  messages: Schema.Array(Schema.Unknown),
  pendingInputs: Schema.Struct({ items: Schema.Array(Schema.Unknown), total: Schema.Number }),
  hasMore: Schema.Boolean,
  totalMessages: Schema.Number,
  defaults: AnyRecord,
  sessionInfo: AnyRecord
})

export const AgentSummary = Schema.Struct({
  id: Schema.String,
  name: opt(Schema.String),
  workspace: opt(Schema.String),
  thinkingLevels: Schema.Array(Schema.Struct({ id: Schema.String, label: Schema.String })),
  thinkingOptions: Schema.Array(Schema.String),
  thinkingDefault: opt(Schema.String),
  model: opt(Schema.Struct({ primary: Schema.String, fallbacks: opt(Schema.Array(Schema.String)) }))
})

export const AgentsListResult = Schema.Struct({
  defaultId: Schema.String,
  ownership: Schema.String,
  selectionRequired: Schema.Boolean,
  mainKey: Schema.String,
  scope: Schema.String,
  agents: Schema.Array(AgentSummary)
})

export const UiSessionMethods = {
  sessionsSubscribe: spec("sessions.subscribe", "operator.read", Schema.Struct({}), Schema.Struct({ subscribed: Schema.Boolean })),
  sessionsUnsubscribe: spec("sessions.unsubscribe", "operator.read", Schema.Struct({}), Schema.Struct({ subscribed: Schema.Boolean })),
  sessionsMessagesSubscribe: spec(
    "sessions.messages.subscribe",
    "operator.read",
    Schema.Struct({ key: NonEmpty, agentId: opt(NonEmpty), includeApprovals: opt(Schema.Literal(true)) }),
    Schema.Struct({ subscribed: Schema.Boolean, key: Schema.String, approvalReplay: opt(Schema.Struct({ sessionKey: Schema.String, updatedAtMs: Schema.Number, approvals: Schema.Array(Schema.Unknown), truncated: Schema.Boolean })) })
  ),
  sessionsMessagesUnsubscribe: spec("sessions.messages.unsubscribe", "operator.read", SessionKeyParams, Schema.Struct({ subscribed: Schema.Boolean, key: Schema.String })),
  sessionsDescribe: spec(
    "sessions.describe",
    "operator.read",
    Schema.Struct({ key: NonEmpty, agentId: opt(NonEmpty), includeDerivedTitles: opt(Schema.Boolean), includeLastMessage: opt(Schema.Boolean) }),
    Schema.Struct({ session: Schema.NullOr(AnyRecord) })
  ),
  chatStartup: spec("chat.startup", "operator.read", ChatStartupParams, ChatStartupResult),
  chatMetadata: spec(
    "chat.metadata",
    "operator.read",
    Schema.Struct({ agentId: opt(NonEmpty), authProfileId: opt(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))), sessionKey: opt(NonEmpty) }).pipe(
      Schema.filter((params) => params.sessionKey !== undefined && params.authProfileId !== undefined ? { path: ["authProfileId"], message: "cannot be combined with sessionKey" } : undefined)
    ),
    Schema.Struct({ models: Schema.Array(Schema.Unknown), commands: Schema.Array(Schema.Unknown), swarmEnabled: Schema.Boolean, accountSelection: AnyRecord, runtimeSelectionLocked: Schema.Boolean })
  ),
  agentsList: spec("agents.list", "operator.read", Schema.Struct({}), AgentsListResult),
  agentIdentityGet: spec(
    "agent.identity.get",
    "operator.read",
    Schema.Struct({ agentId: opt(NonEmpty), sessionKey: opt(Schema.String) }),
    Schema.Struct({ agentId: Schema.String, name: Schema.String, nameSource: Schema.String, avatar: Schema.String, emoji: opt(Schema.String) })
  ),
  modelsAuthStatus: spec(
    "models.authStatus",
    "operator.read",
    Schema.Struct({ refresh: opt(Schema.Boolean), agentId: opt(Schema.String) }),
    Schema.Struct({ ts: Schema.Number, providers: Schema.Array(AnyRecord), providerCapabilities: Schema.Array(AnyRecord) })
  )
} as const
