import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as http from "node:http"
import type { MethodSpec } from "../../src/domain/protocol/methods.js"
import { MethodRegistry } from "../../src/services/MethodRegistry.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, openRaw } from "../support/rawClient.js"

const TOKEN = "shutdown-test-token-0123456789"

// A feature method that takes a while, standing in for a model call in flight.
const Slow: MethodSpec<{ readonly ms: number }, { readonly done: boolean }> = {
  name: "test.slow",
  access: "operator.read",
  params: Schema.Struct({ ms: Schema.Number }) as Schema.Schema<{ readonly ms: number }, unknown>,
  result: Schema.Struct({ done: Schema.Boolean }) as Schema.Schema<{ readonly done: boolean }, unknown>
}
// Resolved when the slow handler starts, so the test stops the gateway with the request really in flight.
let slowStarted: () => void = () => undefined
const SlowFeature = Layer.effectDiscard(
  Effect.flatMap(MethodRegistry, (registry) =>
    registry.register(Slow, ({ ms }) => Effect.sync(() => slowStarted()).pipe(Effect.zipRight(Effect.sleep(ms)), Effect.as({ done: true }))))
)

const getStatus = (port: number, path: string) =>
  new Promise<number>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on("error", reject)
  })

describe("graceful shutdown", () => {
  it("announces shutdown, answers the request in flight, then closes 1012", async () => {
    const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }, {}, [SlowFeature])
    const { client, response } = await connectRaw(gw.url, { token: TOKEN, device: null, scopes: ["operator.read"] })
    expect(response.ok).toBe(true)
    expect(await getStatus(gw.port, "/readyz")).toBe(200)
    const order: Array<string> = []
    const started = new Promise<void>((resolve) => {
      slowStarted = resolve
    })
    const inFlight = call(client, "test.slow", { ms: 600 }).then((res) => {
      order.push("response")
      return res
    })
    await started
    const stopped = gw.stop()
    const shutdown = await client.next((f) => f.event === "shutdown")
    order.push("shutdown")
    expect(shutdown.payload).toMatchObject({ reason: "gateway stopping" })
    const answered = await inFlight
    expect(answered.error).toBeUndefined()
    expect(answered.payload).toEqual({ done: true })
    const closed = await client.closed
    order.push("closed")
    expect(closed).toEqual({ code: 1012, reason: "service restart" })
    await stopped
    expect(order).toEqual(["shutdown", "response", "closed"])
  }, 15_000)

  it("/healthz and /readyz answer while running", async () => {
    const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
    try {
      expect(await getStatus(gw.port, "/healthz")).toBe(200)
      expect(await getStatus(gw.port, "/readyz")).toBe(200)
      // Outside the Control UI (which answers every other GET): /api/* and non-GET methods.
      expect(await getStatus(gw.port, "/api/nope")).toBe(404)
    } finally {
      await gw.stop()
    }
  })
})

/** Resolves once the server serves no socket at all (its release runs after the close is seen). */
const allReleased = async (gw: RunningGateway) => {
  for (let i = 0; i < 500; i++) {
    if ((await gw.socketCount()) === 0) return 0
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 5))
  }
  return gw.socketCount()
}

describe("each socket's scope is released on every path", () => {
  const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }

  it("handshake timeout: closed 1000 and released", async () => {
    const gw = await startGateway(config, {}, [], undefined, { handshakeTimeout: "150 millis" })
    try {
      const client = await openRaw(gw.url)
      expect(await gw.socketCount()).toBe(1)
      expect(await client.closed).toEqual({ code: 1000, reason: "handshake timeout" })
      expect(await allReleased(gw)).toBe(0)
    } finally {
      await gw.stop()
    }
  })

  it("a client that drops the connection before connect, or sends garbage, is released", async () => {
    const gw = await startGateway(config)
    try {
      const dropped = await openRaw(gw.url)
      const garbage = await openRaw(gw.url)
      expect(await gw.socketCount()).toBe(2)
      dropped.ws.terminate()
      garbage.sendRaw("{not json")
      expect((await garbage.closed).code).toBe(1008)
      expect(await allReleased(gw)).toBe(0)
    } finally {
      await gw.stop()
    }
  })

  it("server shutdown releases sockets that never sent connect, and authenticated ones", async () => {
    const gw = await startGateway(config)
    const idle = await openRaw(gw.url)
    const { client, response } = await connectRaw(gw.url, { token: TOKEN, device: null, scopes: ["operator.read"] })
    expect(response.ok).toBe(true)
    expect(await gw.socketCount()).toBe(2)
    await gw.stop()
    expect((await idle.closed).code).toBe(1012)
    expect((await client.closed).code).toBe(1012)
    expect(await gw.socketCount()).toBe(0)
  })
})
