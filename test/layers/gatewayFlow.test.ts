import { afterEach, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Schema } from "effect"
import * as http from "node:http"
import type { MethodSpec } from "../../src/domain/protocol/methods.js"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { MethodRegistry } from "../../src/services/MethodRegistry.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type Frame } from "../support/rawClient.js"

const TOKEN = "test-shared-token-0123456789"
const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }

const spec = <R>(name: string, result: Schema.Schema<R>): MethodSpec<Record<string, never>, R> => ({
  name,
  access: "any",
  params: Schema.Struct({}) as unknown as Schema.Schema<Record<string, never>, unknown>,
  result: result as Schema.Schema<R, unknown>
})

let gateways: Array<RunningGateway> = []
afterEach(async () => {
  await Promise.all(gateways.map((gw) => gw.stop()))
  gateways = []
})

const start = async (...args: Parameters<typeof startGateway>) => {
  const gw = await startGateway(...args)
  gateways.push(gw)
  return gw
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Sends `count` requests in one go, without waiting for replies. */
const pipeline = (client: { send: (f: unknown) => void }, method: string, count: number, prefix = "p") => {
  for (let i = 0; i < count; i++) client.send({ type: "req", id: `${prefix}${i}`, method, params: {} })
}

/** Counts every `res` frame on a socket. */
const countReplies = (client: { ws: { on: (e: "message", f: (d: unknown) => void) => void } }) => {
  const state = { replies: 0, failed: 0 }
  client.ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as Frame
    if (frame.type !== "res") return
    state.replies += 1
    if (frame.ok !== true) state.failed += 1
  })
  return state
}

const getHealthz = (port: number) =>
  new Promise<number>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/healthz" }, (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode ?? 0))
    }).on("error", reject)
  })

describe("per-socket requests in flight", () => {
  it("a client pipelining 200 requests has at most 32 handled at once, and every one is answered", async () => {
    const held = { active: 0, max: 0, entered: 0 }
    const gate = Effect.runSync(Deferred.make<void>())
    const Hold = Layer.effectDiscard(Effect.gen(function*() {
      const registry = yield* MethodRegistry
      yield* registry.register(spec("test.hold", Schema.Struct({ held: Schema.Number })), () =>
        Effect.gen(function*() {
          held.active += 1
          held.entered += 1
          held.max = Math.max(held.max, held.active)
          yield* Deferred.await(gate)
          held.active -= 1
          return { held: held.entered }
        }))
    }))
    const gw = await start(config, {}, [Hold])
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    const counted = countReplies(client)
    pipeline(client, "test.hold", 200)
    while (held.entered < 32) await sleep(10)
    // Time for the rest of the 200 to arrive: without a cap they would all be waiting at the gate.
    await sleep(300)
    expect(held.entered).toBe(32)
    Effect.runSync(Deferred.succeed(gate, undefined))
    while (counted.replies < 200) await sleep(10)
    expect(counted.failed).toBe(0)
    expect(held.max).toBe(32)
    client.close()
  })

  // The 20,000-request flood with latency percentiles is `bench/gateway.mjs --only flood`; this is its untimed core.
  it("while one socket floods 5,000 health requests, /healthz and a second client are answered long before the flood is", async () => {
    const gw = await start(config)
    const { client: flooder } = await connectRaw(gw.url, { token: TOKEN })
    const { client: other } = await connectRaw(gw.url, { token: TOKEN })
    const flood = countReplies(flooder)
    pipeline(flooder, "health", 5_000)
    // Not timed: how far the flood had got when each answer came (queued behind it, they would come at its end).
    const progressAtHealthz: Array<number> = []
    const progressAtCall: Array<number> = []
    for (let i = 0; i < 10; i++) {
      expect(await getHealthz(gw.port)).toBe(200)
      progressAtHealthz.push(flood.replies)
      expect(await call(other, "health")).toMatchObject({ ok: true })
      progressAtCall.push(flood.replies)
    }
    expect(Math.max(...progressAtHealthz)).toBeLessThan(2_500)
    expect(Math.max(...progressAtCall)).toBeLessThan(2_500)
    while (flood.replies < 5_000) await sleep(20)
    expect(flood.failed).toBe(0)
    flooder.close()
    other.close()
  }, 60_000)
})

describe("send-buffer backpressure", () => {
  const blob = "x".repeat(256 * 1024)
  const served = { count: 0 }
  const Blob = Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* MethodRegistry
    yield* registry.register(spec("test.blob", Schema.Struct({ data: Schema.String })), () =>
      Effect.sync(() => {
        served.count += 1
        return { data: blob }
      }))
  }))

  it("a client that stops reading is no longer read from: its replies stay bounded, and all arrive once it reads again", async () => {
    served.count = 0
    const gw = await start(config, {}, [Blob])
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    const counted = countReplies(client)
    client.ws.pause()
    pipeline(client, "test.blob", 200)
    while (served.count < 5) await sleep(10)
    await sleep(1000)
    // 200 replies of 256 KiB would be 50 MiB held for this client; what is held is a few MiB (the
    // pause mark, the requests in flight and the kernel's socket buffers).
    expect(served.count).toBeLessThan(100)
    client.ws.resume()
    while (counted.replies < 200) await sleep(20)
    expect(counted.failed).toBe(0)
    expect(served.count).toBe(200)
    client.close()
  }, 60_000)

  it("replies past maxBufferedBytes close the socket 1008 slow consumer", async () => {
    // 32 replies of 1 MiB released together to a client that does not read: 32 MiB against a 4 MiB limit.
    const big = "y".repeat(1024 * 1024)
    const Burst = Layer.effectDiscard(Effect.gen(function*() {
      const registry = yield* MethodRegistry
      const gate = yield* Deferred.make<void>()
      let entered = 0
      yield* registry.register(spec("test.burst", Schema.Struct({ data: Schema.String })), () =>
        Effect.gen(function*() {
          entered += 1
          if (entered === 32) yield* Deferred.succeed(gate, undefined)
          yield* Deferred.await(gate)
          return { data: big }
        }))
    }))
    const maxBufferedBytes = 4 * 1024 * 1024
    const gw = await start(config, {}, [Burst], "clawgate-gw-", {
      socketFlow: { maxInFlight: 32, framesPerTurn: 32, maxQueuedFrames: 256, maxQueuedBytes: 4 * 1024 * 1024, pauseBufferedBytes: 1024 * 1024, maxBufferedBytes }
    })
    const { client, response } = await connectRaw(gw.url, { token: TOKEN })
    expect(response.payload.policy.maxBufferedBytes).toBe(maxBufferedBytes)
    const counted = countReplies(client)
    client.ws.pause()
    pipeline(client, "test.burst", 32)
    await sleep(500)
    client.ws.resume()
    expect(await client.closed).toEqual({ code: 1008, reason: "slow consumer" })
    expect(counted.replies).toBeLessThan(32)
  }, 60_000)
})

describe("presence fan-out", () => {
  it("connect churn is coalesced under the fan-out budget; the last event and system-presence show the current list", async () => {
    // A budget of 300 B/s: after a broadcast of a list of ~250 B per client to two sockets, the next waits ~3 s.
    const gw = await start(config, {}, [], "clawgate-gw-", { presenceCoalesce: "20 millis", presenceBytesPerSecond: 300 })
    const device = generateDeviceKeyPair()
    const { client: observer, response } = await connectRaw(gw.url, { token: TOKEN })
    const observerConn = response.payload.server.connId
    const events: Array<ReadonlyArray<{ connId?: string }>> = []
    observer.ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame
      if (frame.type === "event" && frame.event === "presence") events.push(frame.payload.presence)
    })
    await sleep(200)
    events.length = 0
    // 10 clients come and go, 50 ms apart: 20 changes, each past the 20 ms coalescing window.
    for (let i = 0; i < 10; i++) {
      const { client } = await connectRaw(gw.url, { token: TOKEN, device })
      await sleep(50)
      client.close()
      await client.closed
      await sleep(50)
    }
    expect(events.length).toBeLessThanOrEqual(5)
    // The gateway's own entry (no connId) leads every list; the clients follow.
    const clientConns = (list: ReadonlyArray<{ connId?: string }> | undefined) => (list ?? []).flatMap((p) => (p.connId === undefined ? [] : [p.connId]))
    const listed = await call(observer, "system-presence")
    expect(clientConns(listed.payload)).toEqual([observerConn])
    // The changes held back arrive as one event carrying the current list.
    while (clientConns(events.at(-1)).length !== 1) await sleep(50)
    expect(clientConns(events.at(-1))).toEqual([observerConn])
    observer.close()
  }, 60_000)
})

describe("a reply that cannot be written as JSON", () => {
  it("is answered UNAVAILABLE and logged as an error; the socket goes on serving", async () => {
    const Unwritable = Layer.effectDiscard(Effect.gen(function*() {
      const registry = yield* MethodRegistry
      // A handler's bug: a BigInt passes an Unknown result schema, and JSON cannot write it.
      yield* registry.register(spec("test.bigint", Schema.Unknown), () => Effect.succeed({ big: 10n }))
    }))
    const gw = await start(config, {}, [Unwritable])
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    const reply = await call(client, "test.bigint", {})
    expect(reply).toMatchObject({ type: "res", ok: false, error: { code: "UNAVAILABLE", message: "internal error in test.bigint", retryable: true } })
    expect(await call(client, "health", {})).toMatchObject({ type: "res", ok: true })
    const lines = (await gw.logLines()).map((line) => JSON.parse(line) as { level: string; message: string })
    expect(lines.find((line) => line.level === "error")?.message).toMatch(/^gateway reply to test\.bigint could not be written: .*BigInt/)
    client.close()
  })
})
