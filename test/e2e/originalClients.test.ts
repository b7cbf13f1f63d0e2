import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { payloadV2, payloadV3 } from "../../src/domain/protocol/deviceAuth.js"
import { generateDeviceKeyPair, signPayload } from "../../src/layers/crypto/ed25519.js"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { AgentMethodsLive } from "../../src/layers/gateway/methods/agentMethods.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type Frame, openRaw, type RawClient } from "../support/rawClient.js"

// Frames of the original's clients and the shapes of the original's answers (see each file's `_source`).
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/original-frames", name), "utf8"))
const cliConnect = fixture("cli-connect.json")
const uiConnect = fixture("control-ui-connect.json")
const uiCalls: { calls: ReadonlyArray<{ method: string; params: unknown }> } = fixture("control-ui-first-calls.json")
const shapes: Record<string, Record<string, string>> = fixture("original-result-shapes.json")

const TOKEN = "parity-token"

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)

// The in-process harness starts without a config hash (`gateway run` passes the loaded file's): the
// applied hash is then unknown and left out, so it is not compared here.
// `agentRuntime` names the original's runtime harness (codex, ...), which this gateway does not have.
const NOT_COMPARED = new Set(["appliedConfigHash", "agentRuntime"])

/** The fields of `value` that are missing or of another JSON type than in the original's answer. */
const shapeMismatches = (value: unknown, shape: Record<string, string>) =>
  Object.entries(shape).filter(([key]) => !NOT_COMPARED.has(key)).flatMap(([key, type]) => {
    const actual = jsonType((value as Record<string, unknown>)[key])
    return actual === type ? [] : [`${key}: original ${type}, ours ${actual}`]
  })

/** Replays a recorded connect on a fresh socket: token filled in, device signed over this challenge. */
const replayConnect = async (url: string, recorded: { signature: "v2" | "v3"; params: any }, options: { origin?: string; binary?: boolean } = {}) => {
  const client = await openRaw(url, options.origin === undefined ? {} : { origin: options.origin })
  const device = generateDeviceKeyPair()
  const params = structuredClone(recorded.params)
  params.auth = Object.fromEntries(Object.entries(params.auth as Record<string, string>).map(([k]) => [k, TOKEN]))
  const inputs = {
    deviceId: device.deviceId,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role,
    scopes: params.scopes,
    signedAt: client.challenge.ts,
    token: TOKEN,
    nonce: client.challenge.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily
  }
  const payload = recorded.signature === "v2" ? payloadV2(inputs) : payloadV3(inputs)
  params.device = { id: device.deviceId, publicKey: device.publicKey, signature: signPayload(device.privateKeyPem, payload), signedAt: client.challenge.ts, nonce: client.challenge.nonce }
  const frame = JSON.stringify({ type: "req", id: "1:connect", method: "connect", params })
  client.sendRaw(options.binary === true ? Buffer.from(frame) : frame, options.binary === true)
  const response = await client.next((f) => f.type === "res" && f.id === "1:connect")
  return { client, response, device }
}

describe("the original's clients against our gateway", () => {
  let gw: RunningGateway
  const open: Array<RawClient> = []
  beforeAll(async () => {
    // With the agent feature: the Control UI's boot calls `sessions.list`.
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 1, runTimeout: "30 seconds" })
    // A configured default model with an alias, as when the original's models.snapshot was recorded.
    const agents = { defaults: { model: { primary: "openai/gpt-6-astra" }, models: { "openai/gpt-6-astra": { alias: "astra" } } } }
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, agents }, {}, (base) => [
      AgentMethodsLive.pipe(Layer.provide(AgentStackLive({ tools: [], policy })), Layer.provide(base))
    ])
  })
  afterAll(async () => {
    for (const c of open) c.close()
    await gw.stop()
  })

  it("the challenge carries nonce, ts and capabilities, as the original's", async () => {
    const client = await openRaw(gw.url)
    open.push(client)
    expect(shapeMismatches(client.challenge, shapes["challenge"]!)).toEqual([])
  })

  it("the original CLI's connect gets a hello-ok with the original's fields", async () => {
    const { client, response } = await replayConnect(gw.url, cliConnect)
    open.push(client)
    expect(response.ok).toBe(true)
    const hello = response.payload
    for (const key of ["hello", "hello.server", "hello.features", "hello.snapshot", "hello.snapshot.sessionDefaults", "hello.auth", "hello.policy", "hello.policy.attachments"]) {
      const value = key.split(".").slice(1).reduce((v: any, k) => v?.[k], hello)
      expect({ key, mismatches: shapeMismatches(value, shapes[key]!) }).toEqual({ key, mismatches: [] })
    }
    // snapshot.health is the full health answer, and presence starts with the gateway itself.
    expect(shapeMismatches(hello.snapshot.health, shapes["health"]!)).toEqual([])
    expect(hello.snapshot.presence[0]).toMatchObject({ mode: "gateway", reason: "self" })
    expect(hello.auth.method).toBe("token")
  })

  it("the original Control UI's connect (buildId, timeZone, modelCatalog, auth.password) is accepted, also as a binary frame", async () => {
    for (const binary of [false, true]) {
      const { client, response } = await replayConnect(gw.url, uiConnect, { origin: `http://127.0.0.1:${gw.port}`, binary })
      open.push(client)
      expect({ binary, ok: response.ok, error: response.error }).toEqual({ binary, ok: true, error: undefined })
      expect(response.payload.auth.scopes).toContain("operator.pairing")
    }
  })

  it("the Control UI's first calls all succeed, and their answers have the original's fields", async () => {
    const { client, response } = await replayConnect(gw.url, uiConnect, { origin: `http://127.0.0.1:${gw.port}` })
    open.push(client)
    expect(response.ok).toBe(true)
    const answers: Record<string, Frame> = {}
    for (const { method, params } of uiCalls.calls) answers[method] = await call(client, method, params)
    for (const [method, answer] of Object.entries(answers)) expect({ method, ok: answer.ok, error: answer.error }).toEqual({ method, ok: true, error: undefined })
    const checks: Array<[string, unknown]> = [
      ["health", answers["health"]!.payload],
      ["health.agents.0", answers["health"]!.payload.agents[0]],
      ["health.sessions", answers["health"]!.payload.sessions],
      ["status", answers["status"]!.payload],
      ["status.heartbeat", answers["status"]!.payload.heartbeat],
      ["status.sessions", answers["status"]!.payload.sessions],
      ["status.sessions.byAgent.0", answers["status"]!.payload.sessions.byAgent[0]],
      ["status.hostDesktop", answers["status"]!.payload.hostDesktop],
      ["status.eventLoop", answers["status"]!.payload.eventLoop],
      ["status.eventLoop.cpuBreakdown", answers["status"]!.payload.eventLoop.cpuBreakdown],
      ["status.shutdownBudget", answers["status"]!.payload.shutdownBudget],
      ["status.shutdownBudget.activeWork", answers["status"]!.payload.shutdownBudget.activeWork],
      ["system-presence.self", answers["system-presence"]!.payload[0]],
      ["sessions.list", answers["sessions.list"]!.payload],
      ["config.get", answers["config.get"]!.payload],
      ["device.pair.list", answers["device.pair.list"]!.payload],
      ["device.pair.list.paired.0", answers["device.pair.list"]!.payload.paired[0]],
      ["device.pair.list.paired.0.tokens.0", answers["device.pair.list"]!.payload.paired[0].tokens[0]],
      ["logs.tail", answers["logs.tail"]!.payload]
    ]
    for (const [key, value] of checks) expect({ key, mismatches: shapeMismatches(value, shapes[key]!) }).toEqual({ key, mismatches: [] })
    // Ours are kept as additions.
    expect(answers["status"]!.payload).toMatchObject({ authMode: "token", bind: "loopback" })
    expect(answers["health"]!.payload.version).toEqual(expect.any(String))
    // Without a cursor the Logs view starts at the tail of the file.
    expect(answers["logs.tail"]!.payload.cursor).toBe(answers["logs.tail"]!.payload.size)
  })

  it("the original CLI's status call (includeCliProjection) gets the projection its status --json reads", async () => {
    const { client } = await replayConnect(gw.url, cliConnect)
    open.push(client)
    const answer = await call(client, "status", { includeChannelSummary: false, includeCliProjection: true })
    expect(answer.ok).toBe(true)
    const projection = answer.payload.cliProjection
    for (const [key, value] of [["status.cliProjection", projection], ["status.cliProjection.agents", projection.agents], ["status.cliProjection.agents.rows.0", projection.agents.rows[0]]] as const) {
      expect({ key, mismatches: shapeMismatches(value, shapes[key]!) }).toEqual({ key, mismatches: [] })
    }
    expect(projection.agents.defaultId).toBe("main")
  })

  it("the Control UI's connect (caps model-catalog-snapshot, modelCatalog) is followed by a models.snapshot of the configured models", async () => {
    const { client, response } = await replayConnect(gw.url, uiConnect, { origin: `http://127.0.0.1:${gw.port}` })
    open.push(client)
    expect(response.ok).toBe(true)
    expect(response.payload.features.capabilities).toContain("model-catalog-snapshot")
    const snapshot = await client.next((f) => f.event === "models.snapshot")
    const payload = snapshot.payload
    for (const [key, value] of [["models.snapshot", payload], ["models.snapshot.catalog", payload.catalog], ["models.snapshot.catalog.models.0", payload.catalog.models[0]]] as const) {
      expect({ key, mismatches: shapeMismatches(value, shapes[key]!) }).toEqual({ key, mismatches: [] })
    }
    expect(payload).toMatchObject({ target: { sessionKey: "main" }, scope: { sessionKey: "main" } })
    expect(payload.catalog.models).toEqual([expect.objectContaining({ id: "gpt-6-astra", provider: "openai", alias: "astra", tags: ["default", "configured"], available: false })])
    // The CLI asks for no catalog and gets none.
    const cli = await replayConnect(gw.url, cliConnect)
    open.push(cli.client)
    await expect(cli.client.next((f) => f.event === "models.snapshot", 300)).rejects.toThrow("timed out")
  })

  it("unknown params: ignored where the original ignores them, refused where it refuses them, prototype keys always refused", async () => {
    const { client } = await replayConnect(gw.url, cliConnect)
    open.push(client)
    for (const method of ["health", "status", "system-presence"]) {
      expect({ method, ok: (await call(client, method, { bogus: 1 })).ok }).toEqual({ method, ok: true })
    }
    for (const method of ["config.get", "device.pair.list", "logs.tail", "sessions.list"]) {
      const answer = await call(client, method, { bogus: 1 })
      expect({ method, ok: answer.ok, code: answer.error?.code }).toEqual({ method, ok: false, code: "INVALID_REQUEST" })
    }
    for (const params of ['{"__proto__":{"polluted":1}}', '{"constructor":1}', '{"probe":true,"x":{"prototype":1}}']) {
      client.sendRaw(`{"type":"req","id":"p","method":"health","params":${params}}`)
      const answer = await client.next((f) => f.type === "res" && f.id === "p")
      expect({ params, ok: answer.ok, code: answer.error?.code }).toEqual({ params, ok: false, code: "INVALID_REQUEST" })
    }
  })

  it("sessions.list pages with offset/limit as the original: totalCount, limitApplied, nextOffset, hasMore, no row twice", async () => {
    const { client } = await replayConnect(gw.url, cliConnect)
    open.push(client)
    // A bare /new makes a session without a model call.
    const keys = [1, 2, 3, 4, 5].map((n) => `agent:main:page-${n}`)
    for (const [i, sessionKey] of keys.entries()) {
      const made = await call(client, "agent", { message: "/new", sessionKey, idempotencyKey: `page-run-${i}` })
      expect({ sessionKey, ok: made.ok, error: made.error }).toEqual({ sessionKey, ok: true, error: undefined })
    }
    const total = (await call(client, "sessions.list", {})).payload.totalCount
    expect(total).toBeGreaterThanOrEqual(keys.length)
    const seen: Array<string> = []
    let offset: number | null = 0
    let pages = 0
    while (offset !== null) {
      const page: Frame = await call(client, "sessions.list", { limit: 2, offset })
      expect(page.ok).toBe(true)
      const { count, totalCount, limitApplied, nextOffset, hasMore, sessions } = page.payload
      expect({ count, totalCount, limitApplied, hasMore, nextOffset }).toEqual({
        count: Math.min(2, total - offset),
        totalCount: total,
        limitApplied: 2,
        hasMore: offset + 2 < total,
        nextOffset: offset + 2 < total ? offset + 2 : null
      })
      seen.push(...sessions.map((s: { key: string }) => s.key))
      offset = nextOffset
      pages++
    }
    expect(pages).toBe(Math.ceil(total / 2))
    expect(new Set(seen).size).toBe(total)
    expect(seen).toEqual(expect.arrayContaining(keys))
    // Past the end: an empty page, nothing more.
    const beyond = await call(client, "sessions.list", { limit: 2, offset: total + 3 })
    expect(beyond.payload).toMatchObject({ count: 0, totalCount: total, hasMore: false, nextOffset: null, sessions: [] })
  })

  it("after hello a binary JSON request is answered and a non-JSON text frame is dropped without a reply", async () => {
    const { client } = await replayConnect(gw.url, cliConnect)
    open.push(client)
    client.sendRaw("this is not json")
    client.sendRaw(Buffer.from(JSON.stringify({ type: "req", id: "b1", method: "health" })), true)
    const next = await client.next((f) => f.type === "res")
    expect({ id: next.id, ok: next.ok }).toEqual({ id: "b1", ok: true })
  })
})

describe("a pending pairing request as the original lists it", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, nodes: { pairing: { autoApproveLocal: false } } } })
  })
  afterAll(() => gw.stop())

  it("device.pair.list's pending entries carry roles, remoteIp and silent; the approved device approvedVia owner", async () => {
    const { client, response } = await replayConnect(gw.url, cliConnect)
    expect(response.ok).toBe(false)
    client.close()
    const admin = await connectRaw(gw.url, { token: TOKEN, device: null, scopes: ["operator.admin", "operator.pairing"] })
    const listed = await call(admin.client, "device.pair.list", {})
    const pending = listed.payload.pending[0]
    expect(shapeMismatches(pending, shapes["device.pair.list.pending.0"]!)).toEqual([])
    expect(pending).toMatchObject({ roles: ["operator"], remoteIp: "127.0.0.1", silent: false })
    expect((await call(admin.client, "device.pair.approve", { requestId: pending.requestId })).ok).toBe(true)
    const paired = (await call(admin.client, "device.pair.list", {})).payload.paired[0]
    admin.client.close()
    expect(paired).toMatchObject({ approvedVia: "owner", remoteIp: "127.0.0.1" })
  })
})
