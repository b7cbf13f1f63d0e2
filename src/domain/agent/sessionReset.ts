/** A `/new` or `/reset` at the start of an agent message, and whatever text follows it. */
export interface SessionResetCommand {
  readonly reason: "new" | "reset"
  /** Text after the command, run as the first turn of the fresh session; empty for a bare command. */
  readonly rest: string
}

/** Reads `/new` or `/reset` (case-insensitive) leading the message; undefined for anything else. */
export const sessionResetOf = (message: string): SessionResetCommand | undefined => {
  const match = /^\/(new|reset)(?:\s+([\s\S]*))?$/i.exec(message.trim())
  if (match === null) return undefined
  return { reason: match[1]?.toLowerCase() === "new" ? "new" : "reset", rest: (match[2] ?? "").trim() }
}

/** The acknowledgement of a bare reset (the original's words); the model is not called. */
export const sessionResetAck = (reason: SessionResetCommand["reason"]) => (reason === "new" ? "✅ New session started." : "✅ Session reset.")
