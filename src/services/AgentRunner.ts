import { Context, type Effect } from "effect"
import type { AgentRunError } from "../domain/agent/errors.js"
import type { AgentRunEvent } from "../domain/agent/events.js"
import type { FallbackInfo } from "../domain/models/response.js"
import type { PromptMode } from "../domain/agent/modelRun.js"
import type { ImageBlock, StopReason, ThinkingLevel, Usage } from "../domain/models/messages.js"

/** One agent turn to run. */
export interface AgentRunRequest {
  readonly runId: string
  /** Canonical session key (`agent:<id>:...`). */
  readonly sessionKey: string
  readonly message: string
  /** Reuse (or create) the session with this id. */
  readonly sessionId?: string | undefined
  /**
   * An explicit `provider/model`: strict (never falls back) unless `fallbacks` is given or
   * `modelStrict` is false.
   */
  readonly model?: string | undefined
  /** This run's exact fallback chain after the first model (cron `payload.fallbacks`); `[]` is strict. */
  readonly fallbacks?: ReadonlyArray<string> | undefined
  /**
   * `false`: `model` is a job's preference, not a user's pick, so the configured fallbacks still apply
   * (a cron job's `payload.model` without `payload.fallbacks`).
   */
  readonly modelStrict?: boolean | undefined
  readonly extraSystemPrompt?: string | undefined
  readonly thinking?: ThinkingLevel | undefined
  readonly timeoutMs?: number | undefined
  readonly label?: string | undefined
  /**
   * A raw model run: the message (and `images`) alone to the model chain, with no system prompt, no
   * tools and no transcript; nothing is written to the session store.
   */
  readonly modelRun?: boolean | undefined
  /** Images sent with the message of a raw model run. */
  readonly images?: ReadonlyArray<ImageBlock> | undefined
  /** The system prompt of an agent turn: `full` (default) or `minimal`; `none` only with `modelRun`. */
  readonly promptMode?: PromptMode | undefined
  /** The only tools this run offers and runs (a cron job's `--tools`); absent or `*` is all of them. */
  readonly toolsAllow?: ReadonlyArray<string> | undefined
  /** Receives the run's events in order; must not fail. */
  readonly onEvent?: ((event: AgentRunEvent) => Effect.Effect<void>) | undefined
}

/** A finished run. `payloads` is what the user sees (empty for a silent reply). */
export interface AgentRunResult {
  readonly runId: string
  readonly sessionKey: string
  readonly sessionId: string
  readonly status: "ok" | "aborted"
  readonly payloads: ReadonlyArray<string>
  /** The final visible text (the incomplete-turn notice when the model produced none). */
  readonly text: string
  readonly stopReason: StopReason | undefined
  readonly provider: string | undefined
  readonly model: string | undefined
  readonly usage: Usage
  readonly fallback: FallbackInfo | undefined
  /** The selected model answered again after the session's previous turn had fallen back. */
  readonly fallbackCleared?: { readonly selected: string; readonly previous: string; readonly notice: string } | undefined
  readonly startedAt: number
  readonly endedAt: number
}

/** A run started in the background: its id and a way to wait for the outcome. */
export interface AgentRunHandle {
  readonly runId: string
  readonly sessionKey: string
  readonly result: Effect.Effect<AgentRunResult, AgentRunError>
}

/** Runs agent turns over sessions: transcript, system prompt, tools, the model chain; serialised per session. */
export class AgentRunner extends Context.Tag("openclaw/AgentRunner")<AgentRunner, {
  /** Runs one turn in the foreground. */
  readonly run: (request: AgentRunRequest) => Effect.Effect<AgentRunResult, AgentRunError>
  /** Starts one turn in the runner's scope; it keeps running when the caller goes away. */
  readonly start: (request: AgentRunRequest) => Effect.Effect<AgentRunHandle>
  /** Aborts the active runs of a session (or just `runId`); answers the ids it aborted. */
  readonly abort: (input: { readonly sessionKey: string; readonly runId?: string | undefined }) => Effect.Effect<ReadonlyArray<string>>
  /** Active run ids by session key. */
  readonly active: Effect.Effect<ReadonlyMap<string, ReadonlyArray<string>>>
}>() {}
