import { describe, expect, it } from "@effect/vitest"
import { type FlowLimits, mustAwaitDrain, mustYieldTurn, sendVerdict, shouldPauseReading, shouldResumeReading } from "../../src/domain/gateway/socketFlow.js"

const limits: FlowLimits = { maxInFlight: 4, framesPerTurn: 8, maxQueuedFrames: 10, maxQueuedBytes: 1000, pauseBufferedBytes: 100, maxBufferedBytes: 500 }

describe("socket flow control", () => {
  it("stops reading at either read-ahead bound, and reads again only at half of both", () => {
    expect(shouldPauseReading({ frames: 9, bytes: 999 }, limits)).toBe(false)
    expect(shouldPauseReading({ frames: 10, bytes: 10 }, limits)).toBe(true)
    expect(shouldPauseReading({ frames: 1, bytes: 1000 }, limits)).toBe(true)
    expect(shouldResumeReading({ frames: 6, bytes: 10 }, limits)).toBe(false)
    expect(shouldResumeReading({ frames: 5, bytes: 501 }, limits)).toBe(false)
    expect(shouldResumeReading({ frames: 5, bytes: 500 }, limits)).toBe(true)
  })

  it("a socket yields the event loop after its share of frames in a row", () => {
    expect(mustYieldTurn(7, limits)).toBe(false)
    expect(mustYieldTurn(8, limits)).toBe(true)
  })

  it("holds new requests while undrained replies exceed the pause mark", () => {
    expect(mustAwaitDrain(100, limits)).toBe(false)
    expect(mustAwaitDrain(101, limits)).toBe(true)
  })

  it("past the buffer limit drops droppable events and closes for anything else", () => {
    expect(sendVerdict(500, false, limits)).toBe("send")
    expect(sendVerdict(501, true, limits)).toBe("drop")
    expect(sendVerdict(501, false, limits)).toBe("close")
  })
})
