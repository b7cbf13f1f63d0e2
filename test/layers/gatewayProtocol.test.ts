import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, openRaw } from "../support/rawClient.js"

const TOKEN = "test-shared-token-0123456789"

/** Polls the gateway's JSON-lines log until a message matches (the log flushes on an interval). */
const waitForLogLine = async (file: string, pattern: RegExp, timeoutMs = 5000): Promise<string> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
    for (const raw of text.split("\n")) {
      if (raw.trim() === "") continue
      const message = String((JSON.parse(raw) as { message?: unknown }).message ?? "")
      if (pattern.test(message)) return message
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no log line matching ${pattern} in ${file}`)
}

describe("gateway protocol over a real socket (token mode, loopback)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it("sends connect.challenge first, then hello-ok for a signed device with the right token", async () => {
    const { client, response } = await connectRaw(gw.url, { token: TOKEN })
    expect(client.challenge.nonce).toMatch(/^[0-9a-f-]{36}$/)
    expect(response.ok).toBe(true)
    expect(response.payload).toMatchObject({
      type: "hello-ok",
      protocol: 4,
      auth: { role: "operator", scopes: ["operator.read", "operator.write", "operator.admin"] },
      policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 15000 }
    })
    expect(response.payload.auth.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(response.payload.features.methods).toEqual(expect.arrayContaining(["health", "status", "config.get", "device.pair.list"]))
    const health = await call(client, "health")
    expect(health).toMatchObject({ ok: true, payload: { ok: true } })
    client.close()
  })

  it("rejects a wrong token with AUTH_TOKEN_MISMATCH, a retry hint and close 1008", async () => {
    const { client, response } = await connectRaw(gw.url, { token: "wrong" })
    expect(response.ok).toBe(false)
    expect(response.error).toMatchObject({
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" }
    })
    const closed = await client.closed
    expect(closed.code).toBe(1008)
    expect(closed.reason).toBe(response.error?.message)
  })

  it("a missing token is AUTH_TOKEN_MISSING with update_auth_configuration", async () => {
    const { response, client } = await connectRaw(gw.url, { device: null })
    expect(response.error?.details).toMatchObject({ code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" })
    expect((await client.closed).code).toBe(1008)
  })

  it("protocol mismatch closes 1002 with the versions in details", async () => {
    const { response, client } = await connectRaw(gw.url, { token: TOKEN, minProtocol: 2, maxProtocol: 2 })
    expect(response.error).toMatchObject({
      code: "INVALID_REQUEST",
      message: "protocol mismatch",
      details: { code: "PROTOCOL_MISMATCH", clientMinProtocol: 2, clientMaxProtocol: 2, expectedProtocol: 4, minimumProbeProtocol: 3 }
    })
    expect(await client.closed).toEqual({ code: 1002, reason: "protocol mismatch" })
    // The runbook greps the gateway log for `protocol mismatch ... client=... v<version> min= max= expected=`.
    const line = await waitForLogLine(gw.logFile, /protocol mismatch conn=/)
    expect(line).toMatch(/^protocol mismatch conn=[0-9a-f-]{36} peer=127\.0\.0\.1 remote=127\.0\.0\.1 remotePort=\d+ client=\S+ \S+ v\S+ min=2 max=2 expected=4 probeMin=3 instance=\S+$/)
  })

  it("an invalid role is refused", async () => {
    const { response } = await connectRaw(gw.url, { token: TOKEN, role: "root" })
    expect(response.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid role" })
  })

  it.each([
    ["device-id-mismatch", { sign: { deviceId: "0".repeat(64) } }, "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device identity mismatch"],
    ["stale signature", { sign: { signedAt: Date.now() - 10 * 60_000 } }, "DEVICE_AUTH_SIGNATURE_EXPIRED", "device signature expired"],
    ["missing nonce", { sign: { nonce: " " } }, "DEVICE_AUTH_NONCE_REQUIRED", "device nonce required"],
    ["wrong nonce", { sign: { nonce: "00000000-0000-4000-8000-000000000000" } }, "DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch"],
    ["bad signature", { sign: { signature: "A".repeat(86) } }, "DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid"],
    ["bad public key", { sign: { publicKey: "not-a-key!" } }, "DEVICE_AUTH_PUBLIC_KEY_INVALID", "device public key invalid"]
  ] as const)("device proof: %s", async (_name, input, code, message) => {
    const { response, client } = await connectRaw(gw.url, { token: TOKEN, ...input })
    expect(response.error).toMatchObject({ code: "INVALID_REQUEST", message, details: { code } })
    expect(await client.closed).toEqual({ code: 1008, reason: message })
  })

  it("accepts a v2 signature", async () => {
    const { response, client } = await connectRaw(gw.url, { token: TOKEN, sign: { version: "v2" } })
    expect(response.ok).toBe(true)
    client.close()
  })

  it("the first frame must be connect", async () => {
    const client = await openRaw(gw.url)
    client.send({ type: "req", id: "x1", method: "health" })
    const response = await client.next()
    expect(response.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" })
    expect((await client.closed).code).toBe(1008)
  })

  it("a shared-token connection without a device gets no scopes (except the local cli), then missing scope", async () => {
    const { client, response } = await connectRaw(gw.url, { token: TOKEN, device: null, clientId: "test", clientMode: "test" })
    expect(response.ok).toBe(true)
    expect(response.payload.auth.scopes).toEqual([])
    const status = await call(client, "status")
    expect(status.error).toMatchObject({
      code: "FORBIDDEN",
      message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] }
    })
    expect((await call(client, "health")).ok).toBe(true)
    client.close()
  })

  it("every method answers missing scope to a caller without the scope", async () => {
    const { client } = await connectRaw(gw.url, { token: TOKEN, scopes: [] })
    const table: Array<[string, string]> = [
      ["status", "operator.read"],
      ["system-presence", "operator.read"],
      ["config.get", "operator.read"],
      ["logs.tail", "operator.read"],
      ["config.patch", "operator.admin"],
      ["device.pair.list", "operator.pairing"],
      ["device.pair.approve", "operator.pairing"],
      ["device.pair.reject", "operator.pairing"],
      ["device.pair.remove", "operator.pairing"],
      ["device.pair.rename", "operator.pairing"],
      ["device.token.rotate", "operator.pairing"],
      ["device.token.revoke", "operator.pairing"],
      ["some.unknown.method", "operator.admin"]
    ]
    for (const [method, scope] of table) {
      const res = await call(client, method, {})
      expect(res.error?.message, method).toBe(`missing scope: ${scope}`)
    }
    client.close()
  })

  it("an admin gets unknown method for methods it does not serve, and params are validated", async () => {
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    expect((await call(client, "no.such.method")).error).toMatchObject({ code: "INVALID_REQUEST", message: "unknown method: no.such.method" })
    const bad = await call(client, "logs.tail", { limit: "lots" })
    expect(bad.error?.code).toBe("INVALID_REQUEST")
    expect(bad.error?.message).toContain("invalid logs.tail params")
    client.close()
  })

  it("a non-req frame after hello gets INVALID_REQUEST and the socket stays open", async () => {
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    client.send({ type: "nonsense", id: "n1" })
    const res = await client.next((f) => f.type === "res" && f.id === "n1")
    expect(res.error?.message).toMatch(/^invalid request frame: /)
    expect((await call(client, "health")).ok).toBe(true)
    client.close()
  })

  it("config.get is redacted and carries the hash config.patch needs", async () => {
    const { client } = await connectRaw(gw.url, { token: TOKEN })
    const got = await call(client, "config.get", {})
    expect(got.payload.config.gateway.auth.token).toBe("***")
    expect(got.payload.raw).not.toContain(TOKEN)
    expect(got.payload.hash).toMatch(/^[0-9a-f]{64}$/)
    const noBase = await call(client, "config.patch", { raw: "{ logging: { level: 'debug' } }" })
    expect(noBase.error?.message).toContain("requires baseHash")
    const patched = await call(client, "config.patch", { raw: "{ logging: { level: 'debug' } }", baseHash: got.payload.hash })
    expect(patched).toMatchObject({ ok: true, payload: { ok: true, changed: true, paths: ["logging.level"] } })
    const stale = await call(client, "config.patch", { raw: "{ logging: { level: 'warn' } }", baseHash: got.payload.hash })
    expect(stale.error?.details?.code).toBe("CONFIG_WRITE_CONFLICT")
    const written = JSON.parse(fs.readFileSync(gw.configPath, "utf8"))
    expect(written.logging.level).toBe("debug")
    expect(written.gateway.auth.token).toBe(TOKEN)
    client.close()
  })
})

describe("pairing", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it("auto-approves a new local device, then issues and reuses its device token", async () => {
    const device = generateDeviceKeyPair()
    const first = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(first.response.ok).toBe(true)
    const token = first.response.payload.auth.deviceToken as string
    first.client.close()
    // Reconnect with only the device token: authenticated as device-token, same token handed back.
    const second = await connectRaw(gw.url, { deviceToken: token, device, scopes: ["operator.read"] })
    expect(second.response.ok).toBe(true)
    expect(second.response.payload.auth.deviceToken).toBe(token)
    second.client.close()
  })

  it("a paired local device asking for more scopes is upgraded silently, as the original does for local clients", async () => {
    const device = generateDeviceKeyPair()
    const first = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(first.response.ok).toBe(true)
    first.client.close()
    const upgrade = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read", "operator.write"] })
    expect({ ok: upgrade.response.ok, error: upgrade.response.error }).toEqual({ ok: true, error: undefined })
    expect(upgrade.response.payload.auth.scopes).toEqual(["operator.read", "operator.write"])
    const list = await call(upgrade.client, "device.pair.list", {})
    expect(list.ok).toBe(false) // read+write does not include pairing: ask an admin
    upgrade.client.close()
    const admin = await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.admin", "operator.pairing"] })
    const paired = (await call(admin.client, "device.pair.list", {})).payload.paired.find((d: { deviceId: string }) => d.deviceId === device.deviceId)
    expect(paired.scopes).toEqual(expect.arrayContaining(["operator.read", "operator.write"]))
    expect((await call(admin.client, "device.pair.approve", { requestId: "nope" })).error?.message).toBe("unknown requestId")
    admin.client.close()
  })

  it("rotating a device token invalidates the old one and closes its sessions with 4001", async () => {
    const device = generateDeviceKeyPair()
    const first = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    const oldToken = first.response.payload.auth.deviceToken as string
    first.client.close()
    const session = await connectRaw(gw.url, { deviceToken: oldToken, device, scopes: ["operator.read"] })
    expect(session.response.ok).toBe(true)
    const admin = await connectRaw(gw.url, { token: TOKEN })
    const rotated = await call(admin.client, "device.token.rotate", { deviceId: device.deviceId, role: "operator" })
    expect(rotated.payload).toMatchObject({ deviceId: device.deviceId, role: "operator", tokenDelivery: "withheld-cross-device" })
    expect(rotated.payload.token).toBeUndefined()
    const closed = await session.client.closed
    expect(closed.code).toBe(4001)
    expect(closed.reason).toMatch(/^client invalidated: /)
    const stale = await connectRaw(gw.url, { deviceToken: oldToken, device, scopes: ["operator.read"] })
    expect(stale.response.error?.details).toMatchObject({ code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch" })
    admin.client.close()
  })
})

describe("hot reload", () => {
  it("a token change in openclaw.json closes shared-secret sessions with 4001 and the new token works", async () => {
    const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
    try {
      const { client } = await connectRaw(gw.url, { token: TOKEN })
      const config = JSON.parse(fs.readFileSync(gw.configPath, "utf8"))
      config.gateway.auth.token = "rotated-token-abcdef"
      fs.writeFileSync(gw.configPath, JSON.stringify(config, null, 2))
      expect(await client.closed).toEqual({ code: 4001, reason: "gateway auth changed" })
      const fresh = await connectRaw(gw.url, { token: "rotated-token-abcdef" })
      expect(fresh.response.ok).toBe(true)
      fresh.client.close()
      const old = await connectRaw(gw.url, { token: TOKEN, device: null })
      expect(old.response.error?.details?.["code"]).toBe("AUTH_TOKEN_MISMATCH")
    } finally {
      await gw.stop()
    }
  }, 15_000)
})
