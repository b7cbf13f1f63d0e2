/** A group message the bot saw but did not answer (no mention), kept as context for the next turn. */
export interface PendingEntry {
  readonly sender: string
  readonly text: string
}

/** How many unanswered group messages are kept per group when `historyLimit` is not set (the original's default). */
export const DEFAULT_GROUP_HISTORY_LIMIT = 50

export const HISTORY_CONTEXT_MARKER = "[Chat messages since your last reply - for context]"
export const CURRENT_MESSAGE_MARKER = "[Current message - respond to this]"

/** Adds an entry, keeping the newest `limit` (0 turns history off). */
export const appendPending = (pending: ReadonlyArray<PendingEntry>, entry: PendingEntry, limit: number): ReadonlyArray<PendingEntry> =>
  limit <= 0 ? [] : [...pending, entry].slice(-limit)

/** The turn's text: the pending messages as context, then the message to answer; the message alone when none are pending. */
export const withPendingContext = (pending: ReadonlyArray<PendingEntry>, current: PendingEntry): string =>
  pending.length === 0
    ? current.text
    : [HISTORY_CONTEXT_MARKER, ...pending.map((e) => `${e.sender}: ${e.text}`), "", CURRENT_MESSAGE_MARKER, `${current.sender}: ${current.text}`].join("\n")
