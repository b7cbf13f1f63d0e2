import { Schema } from "effect"
import { opt } from "../opt.js"

/** The last heartbeat, as `last-heartbeat` and `system heartbeat last` show it (spec 3.8). */
export const HeartbeatEvent = Schema.Struct({
  ts: Schema.Number,
  agentId: opt(Schema.String),
  status: Schema.Literal("sent", "ok-empty", "ok-token", "skipped", "failed"),
  to: opt(Schema.String),
  accountId: opt(Schema.String),
  preview: opt(Schema.String),
  durationMs: opt(Schema.Number),
  hasMedia: opt(Schema.Boolean),
  reason: opt(Schema.String),
  message: opt(Schema.String),
  channel: opt(Schema.String),
  silent: opt(Schema.Boolean),
  indicatorType: opt(Schema.Literal("ok", "alert", "error"))
})
export type HeartbeatEvent = typeof HeartbeatEvent.Type
