import { Schema } from "effect"

/** The session store refused a request before touching the disk (a session id that cannot name a transcript file). */
export class SessionStoreError extends Schema.TaggedError<SessionStoreError>()("SessionStoreError", {
  code: Schema.tag("SESSION_STORE_IO"),
  message: Schema.String,
  path: Schema.String
}) {}

/** A run request the runner refuses before starting (blank message, bad selector). */
export class AgentInputInvalid extends Schema.TaggedError<AgentInputInvalid>()("AgentInputInvalid", {
  code: Schema.tag("AGENT_INPUT_INVALID"),
  message: Schema.String
}) {}

/** A run that started and failed: the model chain failed, the store broke, or it timed out. */
export class AgentRunFailed extends Schema.TaggedError<AgentRunFailed>()("AgentRunFailed", {
  code: Schema.tag("AGENT_RUN_FAILED"),
  message: Schema.String,
  runId: Schema.String,
  /** The model error's code (`MODEL_FAILOVER_EXHAUSTED`, ...) or `AGENT_TIMEOUT`. */
  cause: Schema.String,
  hint: Schema.optionalWith(Schema.String, { exact: true }),
  /** The model the failed call went to, when the run got that far. */
  provider: Schema.optionalWith(Schema.String, { exact: true }),
  model: Schema.optionalWith(Schema.String, { exact: true })
}) {}

/** Anything a run can fail with. */
export type AgentRunError = AgentInputInvalid | AgentRunFailed
