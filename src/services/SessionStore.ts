import { Context, type Effect, type Option } from "effect"
import type { SessionStoreError } from "../domain/agent/errors.js"
import type { TranscriptMessage, TranscriptPreview } from "../domain/agent/transcript.js"
import type { StateIoError } from "../domain/errors.js"

/** One session as the store indexes it (`agents/<agentId>/sessions/sessions.json`). */
export interface StoredSession {
  readonly key: string
  readonly agentId: string
  readonly sessionId: string
  readonly transcriptPath: string
  readonly createdAt: number
  readonly updatedAt: number
  readonly model?: string | undefined
  readonly modelProvider?: string | undefined
  readonly inputTokens: number
  readonly outputTokens: number
  readonly totalTokens: number
  readonly abortedLastRun?: boolean | undefined
  readonly label?: string | undefined
  /** The last turn fell back from `selected` to `active` (cleared when the primary answers again). */
  readonly lastFallback?: { readonly selected: string; readonly active: string } | undefined
}

/** What a finished run records on its session row. */
export interface SessionRunUpdate {
  readonly model?: string | undefined
  readonly modelProvider?: string | undefined
  readonly inputTokens?: number | undefined
  readonly outputTokens?: number | undefined
  readonly aborted?: boolean | undefined
  /** The fallback this turn used (`selected` primary, `active` model), or null when the primary answered. */
  readonly fallback?: { readonly selected: string; readonly active: string } | null | undefined
}

/**
 * Agent sessions: the per-agent index and the append-only JSON-lines transcripts under the state dir.
 * Disk failures are `StateIoError` naming the file; `open` refuses an unsafe session id with `SessionStoreError`.
 */
export class SessionStore extends Context.Tag("openclaw/SessionStore")<SessionStore, {
  /** The session of `key`, created (with a fresh id, or `sessionId`) when it does not exist yet. */
  readonly open: (key: string, options?: { readonly sessionId?: string | undefined; readonly label?: string | undefined }) => Effect.Effect<StoredSession, SessionStoreError | StateIoError>
  readonly find: (key: string) => Effect.Effect<Option.Option<StoredSession>, StateIoError>
  readonly findById: (sessionId: string) => Effect.Effect<Option.Option<StoredSession>, StateIoError>
  /** Appends one message as one line; a reader never sees a partial line of it. */
  readonly append: (session: StoredSession, message: TranscriptMessage) => Effect.Effect<void, StateIoError>
  readonly messages: (session: StoredSession) => Effect.Effect<ReadonlyArray<TranscriptMessage>, StateIoError>
  /** The transcript's preview for session lists, kept until the transcript changes (a list reads each session's). */
  readonly preview: (session: StoredSession) => Effect.Effect<TranscriptPreview, StateIoError>
  readonly recordRun: (key: string, update: SessionRunUpdate) => Effect.Effect<void, StateIoError>
  /** Every session of every agent, most recently updated first, and the default agent's index path. */
  readonly list: Effect.Effect<{ readonly path: string; readonly sessions: ReadonlyArray<StoredSession> }, StateIoError>
}>() {}
