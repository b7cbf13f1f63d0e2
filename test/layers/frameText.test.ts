import { afterEach, expect, it, vi } from "@effect/vitest"
import type * as http from "node:http"
import { WebSocket, WebSocketServer } from "ws"
import { eventFrame, eventFrameText } from "../../src/layers/gateway/frameText.js"
import { makeOutbox } from "../../src/layers/gateway/outbox.js"

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

it("a large payload is one Buffer shared by every socket's frame, and the fragments reach a client as one message", async () => {
  const presence = Array.from({ length: 200 }, (_, i) => ({ connId: `conn-${i}`, roles: ["operator"], scopes: ["operator.read"], ts: i }))
  const event = { event: "presence", payload: { presence }, droppable: true }
  const first = eventFrame(event, 1)
  const second = eventFrame(event, 2)
  if (typeof first === "string" || typeof second === "string") throw new Error("a 200-entry presence list should go out as fragments")
  expect(second[1]).toBe(first[1])

  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" })
  await new Promise((resolve) => server.once("listening", resolve))
  const accepted = new Promise<{ ws: WebSocket; req: http.IncomingMessage }>((resolve) => server.once("connection", (ws, req) => resolve({ ws, req })))
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`)
  const received = new Promise<{ text: string; isBinary: boolean }>((resolve) => client.once("message", (data, isBinary) => resolve({ text: String(data), isBinary })))
  const { ws, req } = await accepted
  makeOutbox(ws, req.socket).sendFragments(second)
  const message = await received
  expect(message.isBinary).toBe(false)
  expect(JSON.parse(message.text)).toEqual({ type: "event", event: "presence", payload: { presence }, seq: 2 })
  expect(message.text).toBe(eventFrameText(event, 2))
  client.close()
  await new Promise((resolve) => server.close(resolve))
})

it("frames written in one turn are held until its end, and a flush hands them to the kernel at once (the challenge and hello do not wait for other sockets)", async () => {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" })
  await new Promise((resolve) => server.once("listening", resolve))
  const accepted = new Promise<{ ws: WebSocket; req: http.IncomingMessage }>((resolve) => server.once("connection", (ws, req) => resolve({ ws, req })))
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`)
  const texts: Array<string> = []
  const four = new Promise<void>((resolve) => client.on("message", (data) => texts.push(String(data)) === 4 && resolve()))
  const { ws, req } = await accepted
  const outbox = makeOutbox(ws, req.socket)

  outbox.send("one")
  outbox.send("two")
  const heldInTurn = req.socket.writableLength
  outbox.flush()
  const heldAfterFlush = req.socket.writableLength
  outbox.send("three")
  const heldAgain = req.socket.writableLength
  await new Promise((resolve) => setImmediate(resolve))
  const heldNextTurn = req.socket.writableLength
  outbox.send("four")
  outbox.flush()
  outbox.flush()
  await four

  expect(heldInTurn).toBeGreaterThan(0)
  expect(heldAfterFlush).toBe(0)
  expect(heldAgain).toBeGreaterThan(0)
  expect(heldNextTurn).toBe(0)
  expect(texts).toEqual(["one", "two", "three", "four"])
  client.close()
  await new Promise((resolve) => server.close(resolve))
})
