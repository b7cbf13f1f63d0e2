import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as http from "node:http"
import type { MethodSpec } from "../../src/domain/protocol/methods.js"
import { MethodRegistry } from "../../src/services/MethodRegistry.js"
import { startGateway } from "../support/gatewayHarness.js"
import { call, connectRaw } from "../support/rawClient.js"

const TOKEN = "shutdown-test-token-0123456789"

// A feature method that takes a while, standing in for a model call in flight.
const Slow: MethodSpec<{ readonly ms: number }, { readonly done: boolean }> = {
  name: "test.slow",
  access: "operator.read",
  params: Schema.Struct({ ms: Schema.Number }) as Schema.Schema<{ readonly ms: number }, unknown>,
  result: Schema.Struct({ done: Schema.Boolean }) as Schema.Schema<{ readonly done: boolean }, unknown>
}
const SlowFeature = Layer.effectDiscard(
  Effect.flatMap(MethodRegistry, (registry) => registry.register(Slow, ({ ms }) => Effect.as(Effect.sleep(ms), { done: true })))
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
    const inFlight = call(client, "test.slow", { ms: 600 }).then((res) => {
      order.push("response")
      return res
    })
    await new Promise((r) => setTimeout(r, 100))
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
      expect(await getStatus(gw.port, "/nope")).toBe(404)
    } finally {
      await gw.stop()
    }
  })
})
