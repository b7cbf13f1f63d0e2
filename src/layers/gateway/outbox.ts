import type { Socket } from "node:net"
import type { WebSocket } from "ws"

/** One socket's outgoing side: frames written in batches, and a wait for the client to drain them. */
export interface Outbox {
  /** Writes one text frame; frames written in the same event-loop turn leave in one system call. */
  readonly send: (text: string) => void
  /** Writes one text message as fragments, in order (a shared Buffer among them is not copied). */
  readonly sendFragments: (parts: ReadonlyArray<string | Buffer>) => void
  /**
   * Sends what was written this turn now rather than at its end: for the frames a client waits on before
   * it can go on (the challenge, hello), which would otherwise wait for every other socket served this turn.
   */
  readonly flush: () => void
  /** Bytes written and not yet taken by the client's TCP stack. */
  readonly bufferedBytes: () => number
  /**
   * Calls `then` once the unsent bytes are down to `atMost` (at once if they are), or the socket closed.
   * One wait at a time: a second call while one is pending replaces its callback.
   */
  readonly whenDrained: (atMost: number, then: () => void) => void
}

/**
 * One unmasked, unfragmented text frame (RFC 6455 5.2) as a single buffer: header and payload in one write,
 * where `ws.send` makes a header buffer, a payload buffer and two writes. Only for a socket that is open and
 * negotiated no extension (the server offers none), so `ws` itself never holds a frame back in its queue.
 */
export const textFrame = (text: string): Buffer => {
  const bytes = Buffer.byteLength(text, "utf8")
  const head = bytes < 126 ? 2 : bytes < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + bytes)
  frame[0] = 0x81
  if (head === 2) frame[1] = bytes
  else if (head === 4) {
    frame[1] = 126
    frame.writeUInt16BE(bytes, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(bytes / 2 ** 32), 2)
    frame.writeUInt32BE(bytes >>> 0, 6)
  }
  frame.write(text, head, "utf8")
  return frame
}

/**
 * `tcp` is the upgraded socket `ws` writes to (the upgrade request's socket). Corking it until the next
 * turn turns a burst of replies into one `writev` instead of one per reply.
 */
export const makeOutbox = (ws: WebSocket, tcp: Socket): Outbox => {
  let corked = false
  let listening = false
  let pendingDrain: (() => void) | undefined
  // Idempotent: the turn's end finds nothing corked after a flush, or only the frames written since it.
  const uncork = () => {
    if (!corked) return
    corked = false
    tcp.uncork()
  }
  const corkUntilNextTurn = () => {
    if (!corked) {
      corked = true
      tcp.cork()
      setImmediate(uncork)
    }
  }
  return {
    send: (text) => {
      corkUntilNextTurn()
      tcp.write(textFrame(text))
    },
    sendFragments: (parts) => {
      corkUntilNextTurn()
      // Sent in one synchronous run, so no other message can come between the fragments.
      parts.forEach((part, index) => ws.send(part, { binary: false, fin: index === parts.length - 1 }))
    },
    flush: uncork,
    bufferedBytes: () => ws.bufferedAmount,
    whenDrained: (atMost, then) => {
      if (ws.bufferedAmount <= atMost || tcp.destroyed) return then()
      pendingDrain = then
      if (listening) return
      listening = true
      // 'drain' fires once the socket's whole write buffer is flushed; 'close' ends the wait too.
      const done = () => {
        tcp.off("drain", done)
        tcp.off("close", done)
        listening = false
        const next = pendingDrain
        pendingDrain = undefined
        next?.()
      }
      tcp.on("drain", done)
      tcp.on("close", done)
    }
  }
}
