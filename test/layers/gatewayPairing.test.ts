import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type ConnectInput, type RawClient } from "../support/rawClient.js"

const TOKEN = "pairing-test-token-0123456789"
// The local cli over a shared token keeps its scopes without a device: it can approve before anything is paired.
const ADMIN = { token: TOKEN, scopes: ["operator.admin", "operator.pairing"], device: null }

const pairingError = async (gw: RunningGateway, input: ConnectInput) => {
  const { client, response } = await connectRaw(gw.url, input)
  expect(response.ok).toBe(false)
  return { error: response.error!, closed: await client.closed }
}

describe("manual pairing (gateway.nodes.pairing.autoApproveLocal = false)", () => {
  let gw: RunningGateway
  let admin: RawClient
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, nodes: { pairing: { autoApproveLocal: false } } } })
    admin = (await connectRaw(gw.url, ADMIN)).client
  })
  afterAll(async () => {
    admin.close()
    await gw.stop()
  })

  const approve = async (requestId: string) => {
    const approved = await call(admin, "device.pair.approve", { requestId })
    expect(approved.ok).toBe(true)
  }

  it("not-paired: PAIRING_REQUIRED, an identical retry reuses the request, a rejection resolves it", async () => {
    const device = generateDeviceKeyPair()
    const first = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(first.error).toMatchObject({
      code: "NOT_PAIRED",
      message: "pairing required: device is not approved yet",
      details: { code: "PAIRING_REQUIRED", reason: "not-paired", deviceId: device.deviceId, requestedRole: "operator", requestedScopes: ["operator.read"] }
    })
    const requestId = first.error.details?.["requestId"] as string
    expect(first.error.details?.["remediationHint"]).toContain(`openclaw devices approve ${requestId}`)
    expect(first.closed).toEqual({ code: 1008, reason: `pairing required: device is not approved yet (requestId: ${requestId})` })
    const requested = await admin.next((f) => f.event === "device.pair.requested" && f.payload.requestId === requestId)
    expect(requested.payload).toMatchObject({ deviceId: device.deviceId, role: "operator", scopes: ["operator.read"] })

    const again = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(again.error.details?.["requestId"]).toBe(requestId)

    const rejected = await call(admin, "device.pair.reject", { requestId })
    expect(rejected.payload).toEqual({ requestId, deviceId: device.deviceId })
    const resolved = await admin.next((f) => f.event === "device.pair.resolved" && f.payload.requestId === requestId)
    expect(resolved.payload.decision).toBe("rejected")
    const list = await call(admin, "device.pair.list", {})
    expect(list.payload.pending.some((p: { requestId: string }) => p.requestId === requestId)).toBe(false)
  })

  it("a changed scope set supersedes the pending request with a new requestId", async () => {
    const device = generateDeviceKeyPair()
    const first = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"] })
    const second = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read", "operator.write"] })
    expect(second.error.details?.["requestId"]).not.toBe(first.error.details?.["requestId"])
    const superseded = await admin.next((f) => f.event === "device.pair.resolved" && f.payload.requestId === first.error.details?.["requestId"])
    expect(superseded.payload.decision).toBe("rejected")
  })

  it("role-upgrade: an operator device asking for the node role", async () => {
    const device = generateDeviceKeyPair()
    const first = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"] })
    await approve(first.error.details?.["requestId"] as string)
    const upgrade = await pairingError(gw, { token: TOKEN, device, role: "node", clientId: "node-host", clientMode: "node", scopes: [] })
    expect(upgrade.error).toMatchObject({
      message: "pairing required: device is asking for a higher role than currently approved",
      details: { reason: "role-upgrade", requestedRole: "node", approvedRoles: ["operator"], approvedScopes: ["operator.read"] }
    })
  })

  it("metadata-upgrade: the pinned platform changed", async () => {
    const device = generateDeviceKeyPair()
    const first = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"], platform: "linux" })
    await approve(first.error.details?.["requestId"] as string)
    // Case and surrounding spaces do not count as a change.
    const same = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"], platform: " Linux " })
    expect(same.response.ok).toBe(true)
    same.client.close()
    const moved = await pairingError(gw, { token: TOKEN, device, scopes: ["operator.read"], platform: "macos" })
    expect(moved.error).toMatchObject({ message: "pairing required: device metadata changed and must be re-approved", details: { reason: "metadata-upgrade" } })
  })

  it("approval rules: a pairing-only caller cannot grant scopes it lacks, nor a node role", async () => {
    const pairer = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.pairing", "operator.read"], device: null })).client
    const wantsWrite = await pairingError(gw, { token: TOKEN, device: generateDeviceKeyPair(), scopes: ["operator.write"] })
    const denied = await call(pairer, "device.pair.approve", { requestId: wantsWrite.error.details?.["requestId"] })
    expect(denied.error).toMatchObject({ code: "INVALID_REQUEST", message: "device pairing approval denied" })
    const wantsNode = await pairingError(gw, { token: TOKEN, device: generateDeviceKeyPair(), role: "node", clientId: "node-host", clientMode: "node", scopes: [] })
    expect((await call(pairer, "device.pair.approve", { requestId: wantsNode.error.details?.["requestId"] })).error?.message).toBe("device pairing approval denied")
    const wantsRead = await pairingError(gw, { token: TOKEN, device: generateDeviceKeyPair(), scopes: ["operator.read"] })
    expect((await call(pairer, "device.pair.approve", { requestId: wantsRead.error.details?.["requestId"] })).ok).toBe(true)
    pairer.close()
  })
})

describe("local auto-approval (default)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(() => gw.stop())

  it("a new device, a role upgrade and a platform change on loopback are approved inline, each announced as resolved", async () => {
    const admin = (await connectRaw(gw.url, ADMIN)).client
    const device = generateDeviceKeyPair()
    const first = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(first.response.ok).toBe(true)
    first.client.close()
    const resolved = await admin.next((f) => f.event === "device.pair.resolved" && f.payload.deviceId === device.deviceId)
    expect(resolved.payload.decision).toBe("approved")
    const node = await connectRaw(gw.url, { token: TOKEN, device, role: "node", clientId: "node-host", clientMode: "node", scopes: [] })
    expect(node.response.ok).toBe(true)
    node.client.close()
    const moved = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"], platform: "macos" })
    expect(moved.response.ok).toBe(true)
    moved.client.close()
    const list = await call(admin, "device.pair.list", {})
    const record = list.payload.paired.find((d: { deviceId: string }) => d.deviceId === device.deviceId)
    expect(record).toMatchObject({ roles: expect.arrayContaining(["operator", "node"]), platform: "macos" })
    // Tokens are listed without their secret.
    expect(JSON.stringify(list.payload)).not.toContain(first.response.payload.auth.deviceToken)
    admin.close()
  })

  it("pairing state lives in the state dir: devices/ 0700, paired.json 0600", () => {
    expect(fs.statSync(path.join(gw.dir, "devices")).mode & 0o777).toBe(0o700)
    expect(fs.statSync(path.join(gw.dir, "devices", "paired.json")).mode & 0o777).toBe(0o600)
  })
})

describe("device management by a paired-device-token session without admin", () => {
  let gw: RunningGateway
  let admin: RawClient
  const mine = generateDeviceKeyPair()
  const other = generateDeviceKeyPair()
  let session: RawClient
  let mineToken: string
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
    admin = (await connectRaw(gw.url, ADMIN)).client
    const scopes = ["operator.pairing", "operator.read"]
    const first = await connectRaw(gw.url, { token: TOKEN, device: mine, scopes })
    mineToken = first.response.payload.auth.deviceToken
    first.client.close()
    ;(await connectRaw(gw.url, { token: TOKEN, device: other, scopes: ["operator.read"] })).client.close()
    const self = await connectRaw(gw.url, { deviceToken: mineToken, device: mine, scopes })
    expect(self.response.ok).toBe(true)
    session = self.client
  })
  afterAll(async () => {
    admin.close()
    await gw.stop()
  })

  it("device.pair.list shows only its own device", async () => {
    const list = await call(session, "device.pair.list", {})
    expect(list.payload.paired.map((d: { deviceId: string }) => d.deviceId)).toEqual([mine.deviceId])
    const all = await call(admin, "device.pair.list", {})
    expect(all.payload.paired.map((d: { deviceId: string }) => d.deviceId)).toEqual(expect.arrayContaining([mine.deviceId, other.deviceId]))
  })

  it("every management call on another device is denied", async () => {
    const target = { deviceId: other.deviceId }
    expect((await call(session, "device.pair.rename", { ...target, label: "x" })).error?.message).toBe("device pairing rename denied")
    expect((await call(session, "device.pair.remove", target)).error?.message).toBe("device pairing removal denied")
    expect((await call(session, "device.token.rotate", { ...target, role: "operator" })).error?.message).toBe("device token rotation denied")
    expect((await call(session, "device.token.revoke", { ...target, role: "operator" })).error?.message).toBe("device token revocation denied")
  })

  it("rotating its own token cannot widen scopes; a narrower rotation is delivered in-band", async () => {
    const widen = await call(session, "device.token.rotate", { deviceId: mine.deviceId, role: "operator", scopes: ["operator.admin"] })
    expect(widen.error?.message).toBe("device token rotation denied")
    const renamed = await call(session, "device.pair.rename", { deviceId: mine.deviceId, label: "  my laptop  " })
    expect(renamed.payload).toEqual({ deviceId: mine.deviceId, label: "my laptop" })
    const rotated = await call(session, "device.token.rotate", { deviceId: mine.deviceId, role: "operator", scopes: ["operator.read"] })
    expect(rotated.payload).toMatchObject({ deviceId: mine.deviceId, role: "operator", scopes: ["operator.read"], tokenDelivery: "in-band" })
    expect(rotated.payload.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(rotated.payload.token).not.toBe(mineToken)
    // The rotation ends the session that used the old token.
    expect(await session.closed).toEqual({ code: 4001, reason: "client invalidated: token rotated" })
  })

  it("an admin revoking a token closes its sessions; removing a device closes all of them and it must pair again", async () => {
    const first = await connectRaw(gw.url, { token: TOKEN, device: other, scopes: ["operator.read"] })
    const otherToken = first.response.payload.auth.deviceToken as string
    first.client.close()
    const byToken = await connectRaw(gw.url, { deviceToken: otherToken, device: other, scopes: ["operator.read"] })
    const revoked = await call(admin, "device.token.revoke", { deviceId: other.deviceId, role: "operator" })
    expect(revoked.payload).toMatchObject({ deviceId: other.deviceId, role: "operator" })
    expect(await byToken.client.closed).toEqual({ code: 4001, reason: "client invalidated: token revoked" })
    const stale = await connectRaw(gw.url, { deviceToken: otherToken, device: other, scopes: ["operator.read"] })
    expect(stale.response.error?.details?.["code"]).toBe("AUTH_DEVICE_TOKEN_MISMATCH")

    const byShared = await connectRaw(gw.url, { token: TOKEN, device: other, scopes: ["operator.read"] })
    expect(byShared.response.ok).toBe(true)
    expect((await call(admin, "device.pair.remove", { deviceId: other.deviceId })).payload).toEqual({ deviceId: other.deviceId })
    expect(await byShared.client.closed).toEqual({ code: 4001, reason: "client invalidated: device removed" })
    expect((await call(admin, "device.pair.remove", { deviceId: other.deviceId })).error?.message).toBe("unknown deviceId")
  })
})
