import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { type AddressInfo, WebSocketServer } from "ws"
import { Methods } from "../../src/domain/protocol/methods.js"
import { GatewayClientLive } from "../../src/layers/client/GatewayClientLive.js"
import { GatewayClient } from "../../src/services/GatewayClient.js"
import { configTestLayer } from "../support/configTestLayer.js"

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/original-frames", name), "utf8")).result
const originalDevices = fixture("device-pair-list.json")
const originalHealth = fixture("health.json")
const originalApprove = fixture("device-pair-approve.json")

/**
 * A stand-in for a gateway of another version: challenge, a minimal hello-ok, then each method answered
 * from `answers` (recorded answers of the original).
 */
const fakeGateway = async (answers: Record<string, unknown>) => {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
  await new Promise((resolve) => wss.once("listening", resolve))
  wss.on("connection", (ws) => {
    ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: "n", ts: Date.now(), capabilities: ["model-catalog-snapshot"] } }))
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data))
      const payload = frame.method === "connect"
        ? {
          type: "hello-ok",
          protocol: 4,
          server: { version: "2026.9.6", buildId: "2026.9.6-release-x", connId: "c" },
          features: { methods: Object.keys(answers), events: [], capabilities: ["model-catalog-snapshot"] },
          snapshot: {},
          auth: { method: "token", role: "operator", scopes: ["operator.admin"], recoveryScope: "r" },
          policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000, allowedSessionVisibilities: ["shared"] },
          controlUiWidgetKinds: []
        }
        : answers[frame.method]
      ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload }))
    })
  })
  return wss
}

const callWith = <R>(wss: WebSocketServer, run: (client: GatewayClient["Type"], url: string) => Effect.Effect<R, unknown>) => {
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
  const env = configTestLayer()
  return Effect.runPromise(Effect.either(Effect.flatMap(GatewayClient, (c) => run(c, url)).pipe(Effect.provide(GatewayClientLive.pipe(Layer.provide(env.layer))))))
}

describe("our client against the original's answers", () => {
  let original: WebSocketServer
  let broken: WebSocketServer
  beforeAll(async () => {
    original = await fakeGateway({ "device.pair.list": originalDevices, health: originalHealth, "device.pair.approve": originalApprove })
    // A paired entry without `roles`: a field this client needs.
    broken = await fakeGateway({ "device.pair.list": { pending: [], paired: [{ ...originalDevices.paired[0], roles: undefined }] } })
  })
  afterAll(() => {
    original.close()
    broken.close()
  })

  it("decodes the original's device.pair.list (scopes, role, createdAtMs, no approvedScopes) and keeps the fields it does not know", async () => {
    const result = await callWith(original, (c, url) => c.call(Methods.devicePairList, {}, { url, token: "t" }))
    expect(Either.isRight(result)).toBe(true)
    if (Either.isLeft(result)) return
    expect(result.right.paired[0]).toMatchObject({ scopes: ["operator.read", "operator.write", "operator.admin"], approvedVia: "silent", lastSeenReason: "connect" })
  })

  it("decodes the original's device.pair.approve answer (its device has no `connected`)", async () => {
    const result = await callWith(original, (c, url) => c.call(Methods.devicePairApprove, { requestId: originalApprove.requestId }, { url, token: "t" }))
    expect(result).toEqual(Either.right(originalApprove))
  })

  it("health keeps every field of the original's answer (what `health --json` prints)", async () => {
    const result = await callWith(original, (c, url) => c.call(Methods.health, {}, { url, token: "t" }))
    expect(result).toEqual(Either.right(originalHealth))
  })

  it("a result missing a needed field is GATEWAY_RESULT_INVALID naming the method and the field, not a connect failure", async () => {
    const result = await callWith(broken, (c, url) => c.call(Methods.devicePairList, {}, { url, token: "t" }))
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isRight(result)) return
    expect(result.left).toMatchObject({ _tag: "GatewayResultInvalid", code: "GATEWAY_RESULT_INVALID", method: "device.pair.list", field: "paired.0.roles" })
    expect((result.left as { message: string }).message).toContain("device.pair.list")
  })
})
