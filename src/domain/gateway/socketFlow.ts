/**
 * Per-socket flow control, as pure decisions: how many requests of one socket run at once, how far the
 * server reads ahead of them, and what happens to a frame when the client does not drain its replies.
 * A busy or non-reading client is slowed down through TCP (its socket is no longer read) rather than
 * refused: clients that pipeline get no errors, and the server's memory for one socket stays bounded.
 */
export interface FlowLimits {
  /** Requests of one socket handled at once; the next waits for one to finish. */
  readonly maxInFlight: number
  /** Frames of one socket handled before the event loop gets a turn (other sockets, new connections, /healthz). */
  readonly framesPerTurn: number
  /** Frames read ahead of the handlers before the socket stops being read. */
  readonly maxQueuedFrames: number
  /** Bytes read ahead of the handlers before the socket stops being read. */
  readonly maxQueuedBytes: number
  /** Unsent reply bytes above which no new request starts and the socket is not read, until they drain. */
  readonly pauseBufferedBytes: number
  /** The protocol's `maxBufferedBytes`: past it a droppable event is skipped, anything else closes 1008. */
  readonly maxBufferedBytes: number
}

/** Frames read from a socket and not yet handled. */
export interface ReadAhead {
  readonly frames: number
  readonly bytes: number
}

/** Stop reading once either read-ahead bound is reached. */
export const shouldPauseReading = (queued: ReadAhead, limits: FlowLimits): boolean =>
  queued.frames >= limits.maxQueuedFrames || queued.bytes >= limits.maxQueuedBytes

/** Read again once the read-ahead fell to half of both bounds (so a flood does not toggle per frame). */
export const shouldResumeReading = (queued: ReadAhead, limits: FlowLimits): boolean =>
  queued.frames <= limits.maxQueuedFrames / 2 && queued.bytes <= limits.maxQueuedBytes / 2

/** After this many frames in a row, one socket yields the event loop. */
export const mustYieldTurn = (framesSinceYield: number, limits: FlowLimits): boolean => framesSinceYield >= limits.framesPerTurn

/** A new request waits while the client has not drained enough of its earlier replies. */
export const mustAwaitDrain = (bufferedBytes: number, limits: FlowLimits): boolean => bufferedBytes > limits.pauseBufferedBytes

/** What to do with an outgoing frame given the bytes already waiting for the client. */
export type SendVerdict = "send" | "drop" | "close"

export const sendVerdict = (bufferedBytes: number, droppable: boolean, limits: FlowLimits): SendVerdict =>
  bufferedBytes <= limits.maxBufferedBytes ? "send" : droppable ? "drop" : "close"
