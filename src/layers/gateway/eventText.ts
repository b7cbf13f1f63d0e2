import type { BusEvent } from "../../services/EventBus.js"

// A broadcast is one object handed to every subscriber: its payload is stringified once, not per socket
// (a presence list to n sockets would otherwise cost O(n^2)).
const payloadTexts = new WeakMap<object, string | undefined>()

const payloadText = (event: BusEvent): string | undefined => {
  if (payloadTexts.has(event)) return payloadTexts.get(event)
  const text = event.payload === undefined ? undefined : JSON.stringify(event.payload)
  payloadTexts.set(event, text)
  return text
}

/** The `event` frame's text for one socket: `{type, event, payload?, seq, stateVersion?}`, as `JSON.stringify` would write it. */
export const eventFrameText = (event: BusEvent, seq: number): string => {
  const payload = payloadText(event)
  return `{"type":"event","event":${JSON.stringify(event.event)}${payload === undefined ? "" : `,"payload":${payload}`},"seq":${seq}${
    event.stateVersion === undefined ? "" : `,"stateVersion":${JSON.stringify(event.stateVersion)}`
  }}`
}
