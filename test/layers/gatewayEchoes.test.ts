import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, openRaw } from "../support/rawClient.js"

const TOKEN = "echo-test-token-0123456789"

/** A distinct token-shaped secret per attempt, so every leak can be traced to where it was put. */
const secret = () => randomBytes(32).toString("base64url")

const client = { id: "cli", version: VERSION, platform: "linux", mode: "cli" }
const base = { minProtocol: 4, maxProtocol: 4, client }

/** Malformed connect params carrying `s` in every position a confused or hostile client might put a token. */
const hostileConnects: ReadonlyArray<(s: string) => unknown> = [
  (s) => ({ ...base, auth: s }),
  (s) => ({ ...base, auth: { token: [s] } }),
  (s) => ({ ...base, auth: { token: { value: s } } }),
  (s) => ({ ...base, auth: { password: [s] } }),
  (s) => ({ ...base, auth: { deviceToken: { [s]: true } } }),
  (s) => ({ ...base, auth: { bootstrapToken: 7, token: [s, s] } }),
  (s) => ({ ...base, auth: { [s]: TOKEN } }),
  (s) => ({ ...base, auth: { token: TOKEN, [s]: s } }),
  (s) => ({ ...base, scopes: s, auth: { token: TOKEN } }),
  (s) => ({ ...base, scopes: ["operator.read", { scope: s }], auth: { token: TOKEN } }),
  (s) => ({ ...base, scopes: [[s]], auth: { token: TOKEN } }),
  (s) => ({ ...base, client: { ...client, id: s }, auth: { token: TOKEN } }),
  (s) => ({ ...base, client: { ...client, mode: s } }),
  (s) => ({ ...base, client: { ...client, version: [s] } }),
  (s) => ({ ...base, client: { ...client, platform: { s } } }),
  (s) => ({ ...base, client: { ...client, displayName: 1, instanceId: [s] } }),
  (s) => ({ ...base, client: { ...client, [s]: "x" } }),
  (s) => ({ ...base, client: s }),
  (s) => ({ ...base, role: [s] }),
  (s) => ({ ...base, device: s }),
  (s) => ({ ...base, device: { id: s, publicKey: s } }),
  (s) => ({ ...base, permissions: { [s]: "yes" } }),
  (s) => ({ ...base, minProtocol: s }),
  (s) => ({ ...base, locale: { s } }),
  (s) => ({ ...base, [s]: true }),
  (s) => ({ ...base, auth: { token: `${s}\n` }, caps: [1, s] })
]

/** Well-formed connects with a wrong secret: refused, and the secret is not repeated either. */
const wrongSecrets: ReadonlyArray<(s: string) => unknown> = [
  (s) => ({ ...base, auth: { token: s } }),
  (s) => ({ ...base, auth: { password: s } }),
  (s) => ({ ...base, auth: { token: s, deviceToken: s } }),
  (s) => ({ ...base, client: { ...client, displayName: s }, auth: { token: s } })
]

describe("no secret in an error, a log line or logs.tail (issue 18 item 4)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it("a hostile-connect fuzz run: dozens of malformed connects and calls, no generated token found anywhere", async () => {
    const secrets: Array<string> = []
    const frames: Array<string> = []
    for (let round = 0; round < 3; round++) {
      for (const build of hostileConnects) {
        const s = secret()
        secrets.push(s)
        const raw = await openRaw(gw.url)
        raw.ws.on("message", (data) => frames.push(String(data)))
        raw.send({ type: "req", id: "c", method: "connect", params: build(s) })
        const response = await raw.next((f) => f.type === "res" && f.id === "c")
        expect(response.ok).toBe(false)
        expect(response.error?.message).toMatch(/^invalid connect params: \S/)
        frames.push(JSON.stringify(response))
        await raw.closed
      }
    }
    for (const build of wrongSecrets) {
      const s = secret()
      secrets.push(s)
      const raw = await openRaw(gw.url)
      raw.ws.on("message", (data) => frames.push(String(data)))
      raw.send({ type: "req", id: "w", method: "connect", params: build(s) })
      const response = await raw.next((f) => f.type === "res" && f.id === "w")
      expect(response.ok).toBe(false)
      frames.push(JSON.stringify(response))
      await raw.closed
    }
    // After connect too: a token in the wrong place of a method's params.
    const { client: admin } = await connectRaw(gw.url, { token: TOKEN, device: null })
    admin.ws.on("message", (data) => frames.push(String(data)))
    for (const params of [(s: string) => ({ probe: s }), (s: string) => ({ [s]: 1 }), (s: string) => ({ limit: s }), (s: string) => ({ deviceId: [s], role: "operator" })]) {
      const s = secret()
      secrets.push(s)
      for (const method of ["health", "logs.tail", "device.token.revoke"]) {
        const reply = await call(admin, method, params(s))
        if (reply.ok === false) expect(reply.error?.message).toMatch(/params: /)
      }
    }

    const tail = await call(admin, "logs.tail", { limit: 5000, maxBytes: 1_000_000 })
    expect(tail.ok).toBe(true)
    const tailText = (tail.payload.lines as Array<string>).join("\n")
    expect(tailText).toContain("invalid connect params")
    const logText = (await gw.logLines()).join("\n")
    expect(logText).toContain("connect rejected: invalid connect params")
    const leaks = secrets.filter((s) => frames.some((f) => f.includes(s)) || logText.includes(s) || tailText.includes(s))
    expect(leaks).toEqual([])
    admin.close()
  })

  it("an error still names the path and what was expected", async () => {
    const raw = await openRaw(gw.url)
    raw.send({ type: "req", id: "c", method: "connect", params: { ...base, auth: { token: [secret()] }, client: { ...client, id: "some-tool" } } })
    const response = await raw.next((f) => f.type === "res" && f.id === "c")
    expect(response.error?.message).toMatch(/^invalid connect params: client\.id: expected one of "cli", "gateway-client", .*; auth\.token: Expected string$/)
    expect(response.error?.message).not.toContain("some-tool")
  })

  it("an unknown key is shown as <key>, a declared field by its name", async () => {
    const { client: admin } = await connectRaw(gw.url, { token: TOKEN, device: null })
    const reply = await call(admin, "logs.tail", { limit: "lots", [secret()]: 1 })
    expect(reply.error?.message).toMatch(/^invalid logs\.tail params: /)
    expect(reply.error?.message).toContain("<key>: is unexpected, expected: \"cursor\" | \"limit\" | \"maxBytes\"")
    expect(reply.error?.message).toContain("limit: Expected number")
    admin.close()
  })
})

describe("echoed values are cut to a few hundred bytes (issue 18 item 7)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it("health {probe: <5 MB>} gets a short error and a short log line", async () => {
    const { client: admin } = await connectRaw(gw.url, { token: TOKEN, device: null })
    const reply = await call(admin, "health", { probe: "p".repeat(5 * 1024 * 1024) })
    expect(reply.ok).toBe(false)
    expect(JSON.stringify(reply).length).toBeLessThan(1000)
    const lines = await gw.logLines()
    const line = lines.find((l) => l.includes("health") && l.includes("INVALID_REQUEST"))
    expect(line).toBeDefined()
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(4000)
    admin.close()
  })

  it("a value that is echoed (a 1 MB config path) is cut with a marker saying how much", async () => {
    const { client: admin } = await connectRaw(gw.url, { token: TOKEN, device: null })
    const key = "k".repeat(1024 * 1024)
    const reply = await call(admin, "config.patch", { raw: JSON.stringify({ [key]: "***" }) })
    expect(reply.ok).toBe(false)
    expect(reply.error?.message).toMatch(/^config\.patch contains a redacted placeholder at k{200,}…\[\d+ more bytes cut\]; send the real value/)
    expect(reply.error!.message.length).toBeLessThan(600)
    const logged = fs.readFileSync(gw.logFile, "utf8")
    expect(logged.length).toBeLessThan(200_000)
    admin.close()
  })
})
