import { describe, expect, it } from "@effect/vitest"
import { presenceCooldownMs } from "../../src/domain/gateway/presenceRate.js"

describe("presence fan-out budget", () => {
  it("a small gateway waits only the coalescing window between presence events", () => {
    expect(presenceCooldownMs({ payloadBytes: 2_300, sockets: 10, bytesPerSecond: 32 * 1024 * 1024, minMs: 250 })).toBe(250)
  })

  it("1,000 clients with a 230 KB list wait as long as the budget needs for the 230 MB just sent", () => {
    const ms = presenceCooldownMs({ payloadBytes: 230_000, sockets: 1000, bytesPerSecond: 32 * 1024 * 1024, minMs: 250 })
    expect(ms).toBe(Math.ceil(230_000_000_000 / (32 * 1024 * 1024)))
    expect(ms).toBeGreaterThan(6_000)
  })

  it("the wait grows with the square of the clients (list size x sockets), so the bytes per second stay flat", () => {
    const at = (clients: number) => presenceCooldownMs({ payloadBytes: 230 * clients, sockets: clients, bytesPerSecond: 1_000_000, minMs: 0 })
    expect(at(2000) / at(1000)).toBeCloseTo(4, 1)
  })
})
