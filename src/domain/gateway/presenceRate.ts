/**
 * The presence fan-out budget. The protocol's `presence` event carries the whole list (the original
 * sends no deltas), so one event to n sockets costs n x the list: with 1,000 clients, 230 MB. After each
 * broadcast the next one waits until the bytes just sent fit the budget; changes in between coalesce
 * into that next event, and `system-presence` always answers with the current list.
 */
export const presenceCooldownMs = (input: {
  /** Bytes of the presence payload just broadcast. */
  readonly payloadBytes: number
  /** Sockets it went to. */
  readonly sockets: number
  readonly bytesPerSecond: number
  /** The wait that applies however small the broadcast (the coalescing window). */
  readonly minMs: number
}): number => Math.max(input.minMs, Math.ceil((input.payloadBytes * input.sockets * 1000) / input.bytesPerSecond))
