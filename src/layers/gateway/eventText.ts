import { Buffer } from "node:buffer"
import type { BusEvent } from "../../services/EventBus.js"

/**
 * A payload this large goes out as its own WebSocket fragment, one Buffer shared by every socket: a
 * 230 KB presence list sent to 1,000 sockets as one string each was 1,000 copies held in send buffers.
 */
const SHARED_PAYLOAD_BYTES = 8 * 1024

/** An event frame: its whole text, or a head, a shared payload and a tail sent as three fragments of one message. */
export type EventFrame = string | readonly [head: string, payload: Buffer, tail: string]

type Payload = { readonly text: string } | { readonly bytes: Buffer }

// A broadcast is one object handed to every subscriber: its payload is stringified (and encoded) once, not per
// socket (a presence list to n sockets would otherwise cost O(n^2)).
const payloads = new WeakMap<object, Payload | undefined>()

const payloadOf = (event: BusEvent): Payload | undefined => {
  if (payloads.has(event)) return payloads.get(event)
  const text = event.payload === undefined ? undefined : JSON.stringify(event.payload)
  const payload = text === undefined ? undefined : text.length < SHARED_PAYLOAD_BYTES ? { text } : { bytes: Buffer.from(text, "utf8") }
  payloads.set(event, payload)
  return payload
}

/** The `event` frame for one socket: `{type, event, payload?, seq, stateVersion?}`, as `JSON.stringify` would write it. */
export const eventFrame = (event: BusEvent, seq: number): EventFrame => {
  const head = `{"type":"event","event":${JSON.stringify(event.event)}`
  const tail = `,"seq":${seq}${event.stateVersion === undefined ? "" : `,"stateVersion":${JSON.stringify(event.stateVersion)}`}}`
  const payload = payloadOf(event)
  if (payload === undefined) return head + tail
  if ("text" in payload) return `${head},"payload":${payload.text}${tail}`
  return [`${head},"payload":`, payload.bytes, tail]
}

/** The frame as one text (what the client reassembles from the fragments). */
export const eventFrameText = (event: BusEvent, seq: number): string => {
  const frame = eventFrame(event, seq)
  return typeof frame === "string" ? frame : `${frame[0]}${frame[1].toString("utf8")}${frame[2]}`
}
