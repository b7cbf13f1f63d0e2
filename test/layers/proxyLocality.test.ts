import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { connectRaw } from "../support/rawClient.js"

const TOKEN = "proxy-locality-token-0123456789"
const ADMIN = ["operator.admin", "operator.read", "operator.write"]

describe("behind gateway.trustedProxies, a forged X-Forwarded-For hop does not make a client local (issue 18 item 10)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, trustedProxies: ["127.0.0.1"] } })
  })
  afterAll(() => gw.stop())

  it("X-Forwarded-For: 127.0.0.1, 203.0.113.50 is the remote client 203.0.113.50: a device-less cli gets no scopes", async () => {
    const forged = await connectRaw(gw.url, { token: TOKEN, device: null, scopes: ADMIN }, { headers: { "x-forwarded-for": "127.0.0.1, 203.0.113.50" } })
    expect(forged.response.ok).toBe(true)
    expect(forged.response.payload.auth.scopes).toEqual([])
    forged.client.close()
    // The same client really on the proxy's host keeps the local cli's scopes.
    const local = await connectRaw(gw.url, { token: TOKEN, device: null, scopes: ADMIN }, { headers: { "x-forwarded-for": "127.0.0.1" } })
    expect(local.response.payload.auth.scopes).toEqual(ADMIN)
    local.client.close()
  })

  it("a new device of a remote client behind the proxy, with the shared token, waits for approval (the proxy being on loopback does not make it local)", async () => {
    const remote = await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.read"] }, { headers: { "x-forwarded-for": "203.0.113.60" } })
    expect(remote.response.ok).toBe(false)
    expect(remote.response.error?.details).toMatchObject({ code: "PAIRING_REQUIRED" })
    // A client on the proxy's own host is local: paired silently.
    const local = await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.read"] }, { headers: { "x-forwarded-for": "127.0.0.1" } })
    expect(local.response.ok).toBe(true)
    local.client.close()
  })

  it("a loopback Origin through the forged hop is not accepted as local", async () => {
    const origin = `http://127.0.0.1:${gw.port}`
    const forged = await connectRaw(gw.url, { token: TOKEN, device: null }, { origin, headers: { "x-forwarded-for": "127.0.0.1, 203.0.113.50" } })
    expect(forged.response.error?.details).toMatchObject({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED" })
  })
})
