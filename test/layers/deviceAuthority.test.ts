import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"

const TOKEN = "authority-test-token-0123456789"
const ADMIN_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.pairing"]

describe("a caller cannot act on a device holding scopes it lacks (issue 18 item 11)", () => {
  let gw: RunningGateway
  let admin: RawClient
  let pairingOnly: RawClient
  const adminDevice = generateDeviceKeyPair()
  const readDevice = generateDeviceKeyPair()
  let adminSession: RawClient
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
    // The local cli over the shared token keeps the scopes it asks for without a device.
    admin = (await connectRaw(gw.url, { token: TOKEN, scopes: ADMIN_SCOPES, device: null })).client
    pairingOnly = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.pairing"], device: null })).client
    const adminConnect = await connectRaw(gw.url, { token: TOKEN, device: adminDevice, scopes: ADMIN_SCOPES })
    expect(adminConnect.response.ok).toBe(true)
    adminSession = adminConnect.client
    ;(await connectRaw(gw.url, { token: TOKEN, device: readDevice, scopes: ["operator.read"] })).client.close()
  })
  afterAll(async () => {
    admin.close()
    pairingOnly.close()
    adminSession.close()
    await gw.stop()
  })

  it("operator.pairing alone cannot rotate an admin device to no scopes, revoke, rename or remove it", async () => {
    const target = { deviceId: adminDevice.deviceId }
    const rotate = await call(pairingOnly, "device.token.rotate", { ...target, role: "operator", scopes: [] })
    expect(rotate.error).toMatchObject({ code: "INVALID_REQUEST", message: "device token rotation denied" })
    const revoke = await call(pairingOnly, "device.token.revoke", { ...target, role: "operator" })
    expect(revoke.error).toMatchObject({ code: "INVALID_REQUEST", message: "device token revocation denied" })
    const rename = await call(pairingOnly, "device.pair.rename", { ...target, label: "pwned" })
    expect(rename.error).toMatchObject({ code: "INVALID_REQUEST", message: "device pairing rename denied" })
    const remove = await call(pairingOnly, "device.pair.remove", target)
    expect(remove.error).toMatchObject({ code: "INVALID_REQUEST", message: "device pairing removal denied" })

    // The admin device is untouched: still paired, its session still open and serving.
    const list = await call(admin, "device.pair.list", {})
    const record = list.payload.paired.find((d: { deviceId: string }) => d.deviceId === adminDevice.deviceId)
    expect(record).toMatchObject({ approvedScopes: expect.arrayContaining(["operator.admin"]), tokens: [{ role: "operator", scopes: ADMIN_SCOPES }] })
    expect(record.operatorLabel).toBeUndefined()
    expect((await call(adminSession, "health")).ok).toBe(true)
  })

  it("the same caller may still manage a device whose scopes it covers; an admin may manage any", async () => {
    const renamed = await call(pairingOnly, "device.pair.rename", { deviceId: readDevice.deviceId, label: "reader" })
    expect(renamed.error?.message).toBe("device pairing rename denied")
    const reader = await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.pairing", "operator.read"], device: null })
    const ok = await call(reader.client, "device.pair.rename", { deviceId: readDevice.deviceId, label: "reader" })
    expect(ok.payload).toEqual({ deviceId: readDevice.deviceId, label: "reader" })
    reader.client.close()
    const byAdmin = await call(admin, "device.pair.rename", { deviceId: adminDevice.deviceId, label: "main admin" })
    expect(byAdmin.payload).toEqual({ deviceId: adminDevice.deviceId, label: "main admin" })
  })
})
