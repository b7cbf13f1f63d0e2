import { Buffer } from "node:buffer"
import type { ErrorShape } from "../../domain/protocol/frames.js"
import type { BusEvent } from "../../services/EventBus.js"

/**
 * A payload this large goes out as its own WebSocket fragment, one Buffer shared by every socket: a
 * 230 KB presence list sent to 1,000 sockets as one string each was 1,000 copies held in send buffers.
 */
const SHARED_PAYLOAD_BYTES = 8 * 1024

/** A frame: its whole text, or a head, a shared payload and a tail sent as three fragments of one message. */
export type FrameText = string | readonly [head: string, payload: Buffer, tail: string]

type Payload = { readonly text: string } | { readonly bytes: Buffer }

// A broadcast is one object handed to every subscriber, and a cached result (health's snapshot) is one object
// handed to every caller: its JSON is written (and encoded) once, not per socket or per request (a presence list
// to n sockets would otherwise cost O(n^2)). Keyed by the payload object, so only objects nobody mutates go here.
const payloads = new WeakMap<object, Payload>()

const payloadOf = (value: unknown): Payload | undefined => {
  if (value === undefined) return undefined
  const known = typeof value === "object" && value !== null ? payloads.get(value) : undefined
  if (known !== undefined) return known
  const text = JSON.stringify(value)
  const payload = text.length < SHARED_PAYLOAD_BYTES ? { text } : { bytes: Buffer.from(text, "utf8") }
  if (typeof value === "object" && value !== null) payloads.set(value, payload)
  return payload
}

/** The `event` frame for one socket: `{type, event, payload?, seq, stateVersion?}`, as `JSON.stringify` would write it. */
export const eventFrame = (event: BusEvent, seq: number): FrameText => {
  const head = `{"type":"event","event":${JSON.stringify(event.event)}`
  const tail = `,"seq":${seq}${event.stateVersion === undefined ? "" : `,"stateVersion":${JSON.stringify(event.stateVersion)}`}}`
  const payload = payloadOf(event.payload)
  if (payload === undefined) return head + tail
  if ("text" in payload) return `${head},"payload":${payload.text}${tail}`
  return [`${head},"payload":`, payload.bytes, tail]
}

/** The frame as one text (what the client reassembles from the fragments). */
export const eventFrameText = (event: BusEvent, seq: number): string => {
  const frame = eventFrame(event, seq)
  return typeof frame === "string" ? frame : `${frame[0]}${frame[1].toString("utf8")}${frame[2]}`
}

/** A `res` frame: `{type, id, ok, payload?}` or `{type, id, ok: false, error}`, as `JSON.stringify` would write it. */
export const responseFrame = (
  id: string,
  outcome: { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: ErrorShape }
): FrameText => {
  if (!outcome.ok) return JSON.stringify({ type: "res", id, ok: false, error: outcome.error })
  const head = `{"type":"res","id":${JSON.stringify(id)},"ok":true`
  const payload = payloadOf(outcome.payload)
  if (payload === undefined) return `${head}}`
  if ("text" in payload) return `${head},"payload":${payload.text}}`
  return [`${head},"payload":`, payload.bytes, "}"]
}
