import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type Frame, openRaw } from "../support/rawClient.js"

const TOKEN = "fuzz-token-0123456789"

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

const hostileFrames = (random: () => number): Array<{ data: string | Buffer; binary: boolean }> => [
  { data: "{not json", binary: false },
  { data: "", binary: false },
  { data: "null", binary: false },
  { data: "[]", binary: false },
  { data: "42", binary: false },
  { data: JSON.stringify({ type: "req" }), binary: false },
  { data: JSON.stringify({ type: "req", id: 7, method: "health" }), binary: false },
  { data: JSON.stringify({ type: "req", id: "", method: "health" }), binary: false },
  { data: JSON.stringify({ type: "req", id: "x".repeat(5000), method: "health" }), binary: false },
  { data: JSON.stringify({ type: "req", id: "a", method: { $gt: 1 } }), binary: false },
  { data: JSON.stringify({ type: "res", id: "a", ok: true }), binary: false },
  { data: JSON.stringify({ type: "event", event: "tick" }), binary: false },
  { data: JSON.stringify({ type: "req", id: "p", method: "logs.tail", params: { limit: -1, __proto__: { admin: true } } }), binary: false },
  { data: JSON.stringify({ type: "req", id: "c", method: "connect", params: {} }), binary: false },
  { data: JSON.stringify({ type: "req", id: "u", method: "config.patch", params: { raw: "{gateway:{mode:null}}" } }), binary: false },
  { data: JSON.stringify({ type: "req", id: "h", method: "x".repeat(200_000) }), binary: false },
  { data: randomBytes(Math.floor(random() * 2048)), binary: true },
  { data: JSON.stringify({ type: "req", id: "deep", method: "health", params: JSON.parse("[".repeat(500) + "]".repeat(500)) }), binary: false },
  { data: "\u0000\uffff\ud800", binary: false }
]

describe("gateway robustness", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it("survives 10,000 hostile frames over many connections while a good client keeps getting answers", async () => {
    const random = rng(20261125)
    const good = await connectRaw(gw.url, { token: TOKEN })
    expect(good.response.ok).toBe(true)
    let goodAnswers = 0
    let goodFailures = 0
    let stop = false
    const goodLoop = (async () => {
      while (!stop) {
        const res = await call(good.client, "health")
        if (res.ok === true && res.payload?.ok === true) goodAnswers += 1
        else goodFailures += 1
        await new Promise((r) => setTimeout(r, 5))
      }
    })()

    let sent = 0
    const unexpected: Array<string> = []

    // Before connect: every hostile first frame is refused and the socket closed (1008, or 1009 when too big).
    for (let i = 0; i < 150; i++) {
      const frames = hostileFrames(random)
      const frame = frames[Math.floor(random() * frames.length)] ?? frames[0]
      if (frame === undefined) continue
      const client = await openRaw(gw.url)
      client.sendRaw(frame.data, frame.binary)
      sent += 1
      const closed = await client.closed
      if (![1008, 1009].includes(closed.code)) unexpected.push(`pre-auth close ${closed.code} ${closed.reason}`)
    }
    // Oversized pre-auth frame.
    const big = await openRaw(gw.url)
    big.sendRaw("x".repeat(70 * 1024))
    sent += 1
    expect((await big.closed).code).toBe(1009)

    // After connect: floods of hostile frames on authenticated sockets; each gets an error answer.
    const perConnection = 250
    const connections = 40
    await Promise.all(Array.from({ length: connections }, async () => {
      const { client, response } = await connectRaw(gw.url, { token: TOKEN, device: null, clientId: "test", clientMode: "test" })
      if (response.ok !== true) {
        unexpected.push(`connect failed ${JSON.stringify(response.error)}`)
        return
      }
      const answers: Array<Frame> = []
      client.ws.on("message", (data) => {
        const frame = JSON.parse(String(data)) as Frame
        if (frame.type === "res") answers.push(frame)
      })
      const frames = hostileFrames(random)
      for (let i = 0; i < perConnection; i++) {
        const frame = frames[Math.floor(random() * frames.length)] ?? frames[0]
        if (frame === undefined) continue
        client.sendRaw(frame.data, frame.binary)
        sent += 1
      }
      // A final valid request marks the end of this connection's answers.
      const done = await call(client, "health")
      if (done.ok !== true) unexpected.push(`health after flood failed: ${JSON.stringify(done.error)}`)
      for (const answer of answers) {
        if (answer.ok === false && !["INVALID_REQUEST", "FORBIDDEN"].includes(answer.error?.code ?? "")) {
          unexpected.push(`answer ${answer.error?.code} ${answer.error?.message}`)
        }
      }
      client.close()
    }))

    stop = true
    await goodLoop
    expect(sent).toBeGreaterThanOrEqual(10_000)
    expect(unexpected).toEqual([])
    expect(goodFailures).toBe(0)
    expect(goodAnswers).toBeGreaterThan(10)
    // The server is still healthy for new clients.
    const after = await connectRaw(gw.url, { token: TOKEN })
    expect(after.response.ok).toBe(true)
    after.client.close()
    good.client.close()
  }, 120_000)
})
