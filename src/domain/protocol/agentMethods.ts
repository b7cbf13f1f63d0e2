import { Schema } from "effect"
import { PromptMode } from "../agent/modelRun.js"
import { DeliveryStatus } from "../agent/replyDelivery.js"
import { TranscriptMessage } from "../agent/transcript.js"
import { ModelsListResult } from "../models/catalogSnapshot.js"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

const NonEmpty = Schema.String.pipe(Schema.minLength(1))

const spec = defineMethod

/** `agent` params: the fields reference clients send (closed, like the original's schema). */
export const AgentParams = Schema.Struct({
  message: NonEmpty,
  idempotencyKey: NonEmpty,
  agentId: opt(NonEmpty),
  sessionKey: opt(Schema.String),
  sessionId: opt(Schema.String),
  to: opt(Schema.String),
  replyTo: opt(Schema.String),
  /** With `model`: a one-off provider/model override (needs `operator.admin`). */
  provider: opt(Schema.String),
  model: opt(Schema.String),
  thinking: opt(Schema.String),
  deliver: opt(Schema.Boolean),
  /** A delivery failure is reported in `deliveryStatus` instead of failing the run. */
  bestEffortDeliver: opt(Schema.Boolean),
  attachments: opt(Schema.Array(Schema.Unknown)),
  channel: opt(Schema.String),
  replyChannel: opt(Schema.String),
  accountId: opt(Schema.String),
  replyAccountId: opt(Schema.String),
  threadId: opt(Schema.String),
  groupId: opt(Schema.String),
  groupChannel: opt(Schema.String),
  groupSpace: opt(Schema.String),
  /** Seconds. */
  timeout: opt(Schema.Int.pipe(Schema.nonNegative())),
  lane: opt(Schema.String),
  extraSystemPrompt: opt(Schema.String),
  inputProvenance: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  voiceWakeTrigger: opt(Schema.String),
  label: opt(Schema.String.pipe(Schema.maxLength(64))),
  spawnedBy: opt(Schema.String),
  /** A raw model run: no system prompt, tools or transcript, and no durable session left behind. */
  modelRun: opt(Schema.Boolean),
  promptMode: opt(PromptMode),
  /** Accepted for wire compatibility; this gateway opens no bundled MCP servers for a run. */
  cleanupBundleMcpOnRunEnd: opt(Schema.Boolean)
})
export type AgentParams = typeof AgentParams.Type

/** One delivered reply part. */
export const AgentPayload = Schema.Struct({
  text: Schema.String,
  mediaUrl: Schema.NullOr(Schema.String),
  /** A gateway notice (a session reset acknowledgement), not model output. */
  isStatusNotice: opt(Schema.Boolean)
})

/** What the second `agent` response carries (`status: "accepted"` comes first, then this). */
export const AgentResult = Schema.Struct({
  runId: Schema.String,
  status: Schema.Literal("accepted", "ok", "in_flight"),
  acceptedAt: opt(Schema.Number),
  summary: opt(Schema.String),
  result: opt(Schema.Struct({
    payloads: Schema.Array(AgentPayload),
    meta: Schema.Struct({
      durationMs: Schema.Number,
      aborted: Schema.Boolean,
      stopReason: opt(Schema.String),
      agentMeta: Schema.Struct({
        sessionId: Schema.String,
        sessionKey: Schema.String,
        provider: opt(Schema.String),
        model: opt(Schema.String),
        usage: opt(Schema.Record({ key: Schema.String, value: Schema.Number }))
      }),
      fallback: opt(Schema.Record({ key: Schema.String, value: Schema.String }))
    }),
    /** With `deliver`: what became of sending the reply to its channel. */
    deliveryStatus: opt(DeliveryStatus)
  })),
  /** `openclaw agent --json` lifts `result.deliveryStatus` here, as the original's CLI does. */
  deliveryStatus: opt(DeliveryStatus)
})
export type AgentResult = typeof AgentResult.Type

export const ChatSendParams = Schema.Struct({
  sessionKey: NonEmpty,
  message: Schema.String,
  idempotencyKey: NonEmpty,
  sessionId: opt(NonEmpty),
  thinking: opt(Schema.String),
  fastMode: opt(Schema.Unknown),
  fastAutoOnSeconds: opt(Schema.Number),
  queueMode: opt(Schema.String),
  deliver: opt(Schema.Boolean),
  originatingChannel: opt(Schema.String),
  originatingTo: opt(Schema.String),
  originatingAccountId: opt(Schema.String),
  originatingThreadId: opt(Schema.String),
  attachments: opt(Schema.Array(Schema.Unknown)),
  timeoutMs: opt(Schema.Int.pipe(Schema.nonNegative())),
  systemInputProvenance: opt(Schema.Unknown),
  systemProvenanceReceipt: opt(Schema.String),
  expectedLeafEntryId: opt(Schema.NullOr(Schema.String)),
  replyToId: opt(Schema.String)
})
export type ChatSendParams = typeof ChatSendParams.Type

export const ChatSendResult = Schema.Struct({
  runId: Schema.String,
  status: Schema.Literal("started", "in_flight", "ok", "error")
})

export const ChatHistoryParams = Schema.Struct({
  sessionKey: NonEmpty,
  agentId: opt(NonEmpty),
  limit: opt(Schema.Int.pipe(Schema.between(1, 1000))),
  maxChars: opt(Schema.Int.pipe(Schema.between(1, 500_000)))
})

export const ChatHistoryResult = Schema.Struct({
  sessionKey: Schema.String,
  sessionId: Schema.NullOr(Schema.String),
  messages: Schema.Array(TranscriptMessage)
})

export const ChatAbortParams = Schema.Struct({ sessionKey: NonEmpty, runId: opt(NonEmpty) })
export const ChatAbortResult = Schema.Struct({ ok: Schema.Boolean, aborted: Schema.Boolean, runIds: Schema.Array(Schema.String) })

/** Rows per page when the caller names no limit, as the original (`limitApplied: 100`). */
export const SESSIONS_LIST_DEFAULT_LIMIT = 100

export const SessionsListParams = Schema.Struct({
  limit: opt(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  offset: opt(Schema.Int.pipe(Schema.nonNegative())),
  activeMinutes: opt(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  includeGlobal: opt(Schema.Boolean),
  includeUnknown: opt(Schema.Boolean),
  includeDerivedTitles: opt(Schema.Boolean),
  includeLastMessage: opt(Schema.Boolean),
  label: opt(Schema.String),
  spawnedBy: opt(Schema.String),
  agentId: opt(Schema.String),
  search: opt(Schema.String),
  // The original's Control UI sends both on boot (control-ui.md 5); every agent here is configured
  // and there are no session owners, so neither changes the list.
  configuredAgentsOnly: opt(Schema.Boolean),
  ownerFirst: opt(Schema.Boolean)
})
export type SessionsListParams = typeof SessionsListParams.Type

/** One row of `sessions.list`. */
export const SessionRow = Schema.Struct({
  key: Schema.String,
  kind: Schema.Literal("direct", "group", "global", "unknown"),
  agentId: Schema.String,
  sessionId: Schema.String,
  updatedAt: Schema.NullOr(Schema.Number),
  label: opt(Schema.String),
  displayName: opt(Schema.String),
  derivedTitle: opt(Schema.String),
  lastMessagePreview: opt(Schema.String),
  model: opt(Schema.String),
  modelProvider: opt(Schema.String),
  inputTokens: opt(Schema.Number),
  outputTokens: opt(Schema.Number),
  totalTokens: opt(Schema.Number),
  abortedLastRun: opt(Schema.Boolean),
  hasActiveRun: Schema.Boolean,
  activeRunIds: Schema.Array(Schema.String)
})
export type SessionRow = typeof SessionRow.Type

export const SessionsListResult = Schema.Struct({
  ts: Schema.Number,
  path: Schema.String,
  count: Schema.Number,
  /** Paging, as the original: rows matching before the page was cut, the page size, where the next page starts. */
  totalCount: Schema.Number,
  limitApplied: Schema.Number,
  nextOffset: Schema.NullOr(Schema.Number),
  hasMore: Schema.Boolean,
  /** Session owners (multi-user installs); this gateway has one operator, so none are listed. */
  owners: Schema.Array(Schema.Unknown),
  defaults: Schema.Struct({
    modelProvider: Schema.NullOr(Schema.String),
    model: Schema.NullOr(Schema.String),
    contextTokens: Schema.NullOr(Schema.Number),
    /** The thinking levels a run may ask for, as the original lists them (objects for pickers, then the bare ids). */
    thinkingLevels: opt(Schema.Array(Schema.Struct({ id: Schema.String, label: Schema.String }))),
    thinkingOptions: opt(Schema.Array(Schema.String))
  }),
  sessions: Schema.Array(SessionRow)
})
export type SessionsListResult = typeof SessionsListResult.Type

/** The agent and chat methods: runs need `operator.write`, reads need `operator.read` (spec section 7). */
/** `agent.wait`: wait for a run's end (default 30 s); waiting never stops the run. */
export const AgentWaitParams = Schema.Struct({
  runId: NonEmpty,
  timeoutMs: opt(Schema.Int.pipe(Schema.nonNegative()))
})
export type AgentWaitParams = typeof AgentWaitParams.Type

export const AgentWaitResult = Schema.Struct({
  runId: Schema.String,
  status: Schema.Literal("ok", "error", "timeout"),
  startedAt: opt(Schema.Number),
  endedAt: opt(Schema.Number),
  error: opt(Schema.String)
})
export type AgentWaitResult = typeof AgentWaitResult.Type

/** `models.list`: the model picker's catalog for a session or agent (`view: "configured"` is the one served). */
export const ModelsListParams = Schema.Struct({
  sessionKey: opt(Schema.String),
  agentId: opt(Schema.String),
  view: opt(Schema.String)
})

export const AgentMethods = {
  agent: spec("agent", "operator.write", AgentParams, AgentResult),
  agentWait: spec("agent.wait", "operator.write", AgentWaitParams, AgentWaitResult),
  chatSend: spec("chat.send", "operator.write", ChatSendParams, ChatSendResult),
  chatHistory: spec("chat.history", "operator.read", ChatHistoryParams, ChatHistoryResult),
  chatAbort: spec("chat.abort", "operator.write", ChatAbortParams, ChatAbortResult),
  sessionsList: spec("sessions.list", "operator.read", SessionsListParams, SessionsListResult),
  modelsList: { ...spec("models.list", "operator.read", ModelsListParams, ModelsListResult), unknownParams: "ignore" as const }
} as const

/** `agent {runId, seq, stream, ts, data}`. */
export const AgentEventPayload = Schema.Struct({
  runId: Schema.String,
  seq: Schema.Int,
  stream: Schema.String,
  ts: Schema.Number,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})
export type AgentEventPayload = typeof AgentEventPayload.Type

const chatMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.Array(Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })),
  timestamp: Schema.Number
})

/** `chat` event payloads: `delta` while streaming, then exactly one of `final`, `aborted`, `error`. */
export const ChatEventPayload = Schema.Union(
  Schema.Struct({ runId: Schema.String, sessionKey: Schema.String, seq: Schema.Int, state: Schema.Literal("delta"), message: chatMessage, deltaText: Schema.String, replace: opt(Schema.Boolean) }),
  Schema.Struct({ runId: Schema.String, sessionKey: Schema.String, seq: Schema.Int, state: Schema.Literal("final"), message: opt(chatMessage), stopReason: opt(Schema.String), usage: opt(Schema.Unknown) }),
  Schema.Struct({ runId: Schema.String, sessionKey: Schema.String, seq: Schema.Int, state: Schema.Literal("aborted"), message: opt(chatMessage), stopReason: opt(Schema.String) }),
  Schema.Struct({ runId: Schema.String, sessionKey: Schema.String, seq: Schema.Int, state: Schema.Literal("error"), errorMessage: Schema.String, errorKind: opt(Schema.Literal("refusal", "timeout", "rate_limit", "context_length", "unknown")) })
)
export type ChatEventPayload = typeof ChatEventPayload.Type
