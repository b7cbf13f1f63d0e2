import { Buffer } from "node:buffer"

/** Encoded lines of one file, in arrival order, ready to be appended in one write. */
export interface Segment {
  readonly file: string
  /** When its first line was logged (the writer's day switch and pruning go by it). */
  readonly millis: number
  /** The lines' bytes. */
  readonly bytes: Buffer
  /** The whole buffer they are in, reused once they are written. */
  readonly buffer: Buffer
}

// A new segment starts this small and doubles as lines come (a quiet gateway holds a few KiB, a busy one
// grows its two buffers once and reuses them).
const INITIAL_BYTES = 16 * 1024
// A buffer larger than this is not kept for reuse once written: a burst's memory goes back after it.
const MAX_SPARE_BYTES = 1024 * 1024

interface Filling {
  file: string
  millis: number
  buf: Buffer
  used: number
}

/**
 * The log writer's buffer: lines are encoded to UTF-8 once, when they are logged, into segments of at most
 * `maxSegmentBytes` (a single longer line gets a segment of its own), one file per segment. Copying on
 * growth doubles the capacity, so encoding n bytes copies fewer than 2n.
 */
export const makeSegments = (maxSegmentBytes: number) => {
  let filling: Filling | undefined
  let closed: Array<Segment> = []
  let closedBytes = 0
  let spare: Buffer | undefined

  const close = () => {
    if (filling === undefined) return
    const { file, millis, buf, used } = filling
    closed.push({ file, millis, bytes: buf.subarray(0, used), buffer: buf })
    closedBytes += used
    filling = undefined
  }

  const open = (file: string, millis: number, atLeast: number): Filling => {
    const reuse = spare !== undefined && spare.length >= atLeast ? spare : undefined
    if (reuse !== undefined) spare = undefined
    filling = { file, millis, buf: reuse ?? Buffer.allocUnsafe(Math.max(INITIAL_BYTES, atLeast)), used: 0 }
    return filling
  }

  return {
    /** Encodes `line` (newline included) into the segment of `file`. */
    add: (file: string, millis: number, line: string): void => {
      if (filling !== undefined && filling.file !== file) close()
      // A UTF-16 unit is at most 3 UTF-8 bytes: the exact size is measured only when that bound does not fit.
      let target = filling
      if (target === undefined || target.used + line.length * 3 > target.buf.length || target.used + line.length * 3 > maxSegmentBytes) {
        const size = Buffer.byteLength(line, "utf8")
        if (target !== undefined && target.used + size > maxSegmentBytes) {
          close()
          target = undefined
        } else if (target !== undefined && target.used + size > target.buf.length) {
          const grown = Buffer.allocUnsafe(Math.min(maxSegmentBytes, Math.max(target.buf.length * 2, target.used + size)))
          target.buf.copy(grown, 0, 0, target.used)
          target.buf = grown
        }
        target ??= open(file, millis, size)
      }
      target.used += target.buf.write(line, target.used, "utf8")
    },
    /** The bytes held, encoded and not yet taken. */
    bufferedBytes: (): number => closedBytes + (filling?.used ?? 0),
    hasLines: (): boolean => closed.length > 0 || (filling !== undefined && filling.used > 0),
    /** Every segment held, oldest first: the writer appends them; lines added meanwhile start a new one. */
    take: (): ReadonlyArray<Segment> => {
      close()
      const taken = closed
      closed = []
      closedBytes = 0
      return taken
    },
    /** A written segment's buffer, kept for the next segment unless it grew past a burst's size. */
    recycle: (segment: Segment): void => {
      const { buffer } = segment
      if (buffer.length <= MAX_SPARE_BYTES && (spare === undefined || spare.length < buffer.length)) spare = buffer
    }
  }
}
