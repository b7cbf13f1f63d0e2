/** The token a heartbeat reply uses to say "nothing needs attention". */
export const HEARTBEAT_OK = "HEARTBEAT_OK"

/** Replies up to this many characters left after stripping the token are dropped as a bare ack. */
export const ACK_MAX_CHARS = 300

/** A heartbeat reply read for the ack: `ok-empty` (no text), `ok-token` (only an ack), or an alert's text. */
export type HeartbeatReply =
  | { readonly kind: "ok-empty" }
  | { readonly kind: "ok-token"; readonly rest: string }
  | { readonly kind: "alert"; readonly text: string }

/**
 * `HEARTBEAT_OK` at the start or end of a reply is an ack: it is stripped, and the reply is dropped
 * when at most `ackMaxChars` remain; otherwise the reply (without the token) is an alert to deliver.
 */
export const readHeartbeatReply = (text: string, ackMaxChars = ACK_MAX_CHARS): HeartbeatReply => {
  const trimmed = text.trim()
  if (trimmed === "") return { kind: "ok-empty" }
  const atStart = /^[*_`]*HEARTBEAT_OK[*_`]*[\s.!,:;-]*/
  const atEnd = /\s*[*_`]*HEARTBEAT_OK[*_`]*[\s.!]*$/
  if (!atStart.test(trimmed) && !atEnd.test(trimmed)) return { kind: "alert", text: trimmed }
  const rest = trimmed.replace(atStart, "").replace(atEnd, "").trim()
  return rest.length <= ackMaxChars ? { kind: "ok-token", rest } : { kind: "alert", text: rest }
}
