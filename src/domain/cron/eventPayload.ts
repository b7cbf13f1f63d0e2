import type { CronPayload } from "./job.js"

/**
 * A payload with an event's text (a closed stream batch, a watched command's exit) appended: to a
 * system event's text or an agent turn's message, after a blank line. Other payloads are unchanged.
 */
export const appendToPayload = (payload: CronPayload, text: string): CronPayload => {
  switch (payload.kind) {
    case "systemEvent":
      return { ...payload, text: payload.text.trim() === "" ? text : `${payload.text}\n\n${text}` }
    case "agentTurn":
      return { ...payload, message: payload.message.trim() === "" ? text : `${payload.message}\n\n${text}` }
    default:
      return payload
  }
}
