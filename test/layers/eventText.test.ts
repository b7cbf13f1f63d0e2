import { afterEach, expect, it, vi } from "@effect/vitest"
import { eventFrameText } from "../../src/layers/gateway/eventText.js"

afterEach(() => {
  vi.restoreAllMocks()
})

it("an event frame's text is what JSON.stringify writes, and a broadcast's payload is serialised once for all sockets", () => {
  const presence = Array.from({ length: 100 }, (_, i) => ({ connId: `c${i}`, roles: ["operator"], ts: i }))
  const event = { event: "presence", payload: { presence }, stateVersion: { presence: 3, health: 1 }, droppable: true }
  const stringify = vi.spyOn(JSON, "stringify")
  const texts = Array.from({ length: 50 }, (_, seq) => eventFrameText(event, seq + 1))
  const payloadCalls = stringify.mock.calls.filter(([value]) => value === event.payload).length
  vi.restoreAllMocks()
  expect(payloadCalls).toBe(1)
  expect(JSON.parse(texts[6] ?? "")).toEqual({ type: "event", event: "presence", payload: { presence }, seq: 7, stateVersion: { presence: 3, health: 1 } })
  expect(texts[6]).toBe(JSON.stringify({ type: "event", event: "presence", payload: { presence }, seq: 7, stateVersion: { presence: 3, health: 1 } }))
  expect(eventFrameText({ event: "tick" }, 2)).toBe(JSON.stringify({ type: "event", event: "tick", seq: 2 }))
})
