import * as fs from "node:fs"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"

const TOKEN = "original-commands-token"

// The original's commands as its users type them, against our gateway. Pairing is manual here
// (autoApproveLocal off), so requests stay pending; this CLI's own device is approved by an admin socket.
describe("the original's command spellings and outputs", () => {
  let gw: RunningGateway
  // A home whose config points at the gateway: commands that take no --url (health, status) find it there.
  const home = inProcessHome()
  let admin: RawClient
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, nodes: { pairing: { autoApproveLocal: false } } } })
    fs.mkdirSync(home.stateDir, { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TOKEN } } }))
    // The local CLI over the shared token without a device keeps its scopes: it approves this CLI's device.
    admin = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.admin", "operator.pairing"], device: null })).client
  })
  afterAll(async () => {
    admin.close()
    await gw.stop()
  })
  // `devices clear` removes this CLI's device too: each test starts with it paired again.
  const pairCli = async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const probe = await withUrl(["devices", "list", "--json"])
      if (probe.code === 0) return
      const requestId = /requestId: ([0-9a-f-]+)/.exec(probe.stderr)?.[1]
      expect({ requestId, stderr: probe.stderr }).toEqual({ requestId: expect.any(String), stderr: probe.stderr })
      await call(admin, "device.pair.approve", { requestId })
    }
    throw new Error("this CLI's device could not be paired")
  }
  beforeEach(pairCli)

  const withUrl = (args: ReadonlyArray<string>) => home.run([...args, "--url", gw.url, "--token", TOKEN])

  /** A device that asked to pair and now waits: its requestId. */
  const pendingDevice = async (scopes: ReadonlyArray<string>) => {
    const device = generateDeviceKeyPair()
    const { client, response } = await connectRaw(gw.url, { token: TOKEN, device, scopes })
    client.close()
    expect(response.ok).toBe(false)
    return { device, requestId: response.error!.details!["requestId"] as string }
  }

  it("devices approve --latest previews the newest request and the command that approves it, approves nothing, exits 1", async () => {
    await pendingDevice(["operator.read"])
    const newest = await pendingDevice(["operator.read", "operator.write"])
    const preview = await withUrl(["devices", "approve", "--latest"])
    expect(preview.code).toBe(1)
    expect(preview.stdout.split("\n")).toEqual([
      `Selected pending device request ${newest.requestId}`,
      `  Device: ${newest.device.deviceId}`,
      "  Requested: roles: operator; scopes: operator.read, operator.write",
      "  IP:     127.0.0.1",
      "  Note:   First-time device pairing request.",
      ""
    ])
    expect(preview.stderr).toContain(`Approve this exact request with: openclaw devices approve ${newest.requestId} --url ${gw.url}`)
    expect(preview.stderr).toContain("Reuse the same --token option when rerunning.")

    const json = await withUrl(["devices", "approve", "--json"])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      selected: { requestId: newest.requestId, roles: ["operator"], silent: false, remoteIp: "127.0.0.1" },
      approvalState: { kind: "new-pairing", requested: { roles: ["operator"], scopes: ["operator.read", "operator.write"] }, approved: null },
      approveCommand: `openclaw devices approve ${newest.requestId} --url ${gw.url} --json`,
      requiresAuthFlags: { token: true, password: false }
    })

    // Still pending; the exact command approves it, recorded as the owner's approval from that address.
    const approved = await withUrl(["devices", "approve", newest.requestId, "--json"])
    expect(approved.code, approved.stderr).toBe(0)
    const listed = JSON.parse((await withUrl(["devices", "list", "--json"])).stdout)
    expect(listed.paired.find((d: { deviceId: string }) => d.deviceId === newest.device.deviceId)).toMatchObject({ approvedVia: "owner", remoteIp: "127.0.0.1" })
  })

  it("devices approve with no pending request says so and exits 1", async () => {
    const cleared = await withUrl(["devices", "clear", "--yes", "--pending", "--json"])
    expect(cleared.code, cleared.stderr).toBe(0)
    await pairCli()
    const none = await withUrl(["devices", "approve", "--latest"])
    expect({ code: none.code, stderr: none.stderr.trim() }).toEqual({ code: 1, stderr: "No pending device pairing requests to approve" })
  })

  it("devices clear refuses without --yes; with --yes --pending it removes every device and rejects every request", async () => {
    const { requestId } = await pendingDevice(["operator.read"])
    const refused = await withUrl(["devices", "clear", "--pending"])
    expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({ code: 1, stderr: "Refusing to clear pairing table without --yes" })
    const before = JSON.parse((await withUrl(["devices", "list", "--json"])).stdout)
    expect(before.pending.map((p: { requestId: string }) => p.requestId)).toContain(requestId)

    const cleared = await withUrl(["devices", "clear", "--yes", "--pending", "--json"])
    expect(cleared.code, cleared.stderr).toBe(0)
    const answer = JSON.parse(cleared.stdout)
    expect(answer.removedDevices).toEqual(before.paired.map((d: { deviceId: string }) => d.deviceId))
    expect(answer.rejectedPending).toEqual(before.pending.map((p: { requestId: string }) => p.requestId))
    // This CLI's own device went too: its next call files a request instead of connecting.
    const after = await withUrl(["devices", "list", "--json"])
    expect(after.code).toBe(1)
    expect(after.stderr).toContain("pairing required")
    const admins = await call(admin, "device.pair.list", {})
    expect(admins.payload.paired).toEqual([])
  })

  it("devices rotate --scope a b (the original's variadic spelling) sets both scopes", async () => {
    const { device, requestId } = await pendingDevice(["operator.read", "operator.write"])
    expect((await withUrl(["devices", "approve", requestId])).code).toBe(0)
    // The device connects once to get its token.
    const { client } = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read", "operator.write"] })
    client.close()
    const rotated = await withUrl(["devices", "rotate", "--device", device.deviceId, "--role", "operator", "--scope", "operator.read", "operator.write", "--json"])
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(JSON.parse(rotated.stdout)).toMatchObject({ deviceId: device.deviceId, scopes: ["operator.read", "operator.write"] })
  })

  it("health --verbose (and --debug) shows where it connects, probes afresh and prints the original's report lines", async () => {
    for (const flag of ["--verbose", "--debug"]) {
      const run = await home.run(["health", flag])
      expect(run.code, run.stderr).toBe(0)
      const lines = run.stdout.split("\n")
      expect(lines.slice(0, 5)).toEqual([
        "Gateway connection:",
        `  Gateway target: ws://127.0.0.1:${gw.port}`,
        "  Source: local loopback",
        `  Config: ${home.configPath}`,
        "  Bind: loopback"
      ])
      expect(lines).toContainEqual(expect.stringMatching(/^Gateway event loop: ok max=\d+(\.\d+)?ms p99=\d+(\.\d+)?ms util=[\d.]+ cpu=[\d.]+$/))
      expect(lines).toContain("Agents: main (default)")
      expect(lines).toContainEqual(expect.stringMatching(/^Session store \(main\): .+ \(0 entries\)$/))
    }
    const gatewayHealth = await home.run(["gateway", "health"])
    expect(gatewayHealth.stdout).toMatch(/^Gateway Health\nOK \(\d+ms\)\n$/)
  })

  it("status --usage reports each provider in use, --json carries it as `usage`; --verbose starts with the connection block", async () => {
    const json = await home.run(["status", "--usage", "--json"])
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout).usage).toEqual({ updatedAt: expect.any(Number), providers: [] })
    const verbose = await home.run(["status", "--verbose", "--usage", "--agent", "work"])
    expect(verbose.stdout.split("\n")[0]).toBe("Gateway connection:")
    expect(verbose.stdout).toContain("\nUsage\nNo model providers in use (set agents.defaults.model)\n")
    expect(verbose.stderr).toContain("--agent work: only the default agent (main) exists in this version; showing main")
  })

  it("gateway call --expect-url refuses another destination before connecting; the resolved one is called", async () => {
    const other = await home.run(["gateway", "call", "health", "--expect-url", "ws://127.0.0.1:1"])
    expect({ code: other.code, stderr: other.stderr.trim() }).toEqual({
      code: 1,
      stderr: "Gateway call failed: Gateway destination changed. Refresh the selected Gateway before retrying."
    })
    const same = await home.run(["gateway", "call", "health", "--expect-url", `ws://127.0.0.1:${gw.port}/`, "--json"])
    expect(same.code, same.stderr).toBe(0)
    expect(JSON.parse(same.stdout)).toMatchObject({ ok: true })
  })

  it("logs --port reaches the local gateway on that port (--expect-final accepted)", async () => {
    const elsewhere = inProcessHome()
    fs.mkdirSync(elsewhere.stateDir, { recursive: true })
    fs.writeFileSync(elsewhere.configPath, JSON.stringify({ gateway: { mode: "local", port: 1, auth: { mode: "token", token: TOKEN } } }))
    const logs = await elsewhere.run(["logs", "--port", String(gw.port), "--expect-final", "--json", "--limit", "5"])
    expect(logs.code, logs.stderr).toBe(0)
    const types = logs.stdout.trim().split("\n").map((line) => JSON.parse(line).type)
    expect(types).toContain("meta")
  })

  it("the original CLI's status projection: `status {includeCliProjection: true}` names the default agent", async () => {
    const { client } = await connectRaw(gw.url, { token: TOKEN, device: null })
    const answer = await call(client, "status", { includeCliProjection: true, includeChannelSummary: false })
    const plain = await call(client, "status", {})
    client.close()
    expect(answer.payload.cliProjection).toEqual({
      agents: { defaultId: "main", ownership: "sole", selectionRequired: false, rows: [{ id: "main" }] },
      updateChannel: null,
      memoryPlugin: { enabled: false, slot: null }
    })
    expect(plain.payload.cliProjection).toBeUndefined()
  })
})

describe("config set --expect-current-* (the original's compare-and-set)", () => {
  it("writes only when the precondition holds; otherwise exits 1 with the original's words and leaves the file alone", async () => {
    const home = inProcessHome()
    fs.mkdirSync(home.stateDir, { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port: 19001 } }))
    const absent = await home.run(["config", "set", "gateway.bind", "loopback", "--expect-current-absent"])
    expect(absent.code, absent.stderr).toBe(0)
    const again = await home.run(["config", "set", "gateway.bind", "lan", "--expect-current-absent"])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain("conditional config set expectation did not match the authored config), so nothing was changed.")
    const wrong = await home.run(["config", "set", "gateway.port", "19002", "--expect-current-json", "\"19001\""])
    expect(wrong.code).toBe(1)
    const right = await home.run(["config", "set", "gateway.port", "19002", "--expect-current-json", "19001"])
    expect(right.code, right.stderr).toBe(0)
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).gateway).toEqual({ mode: "local", port: 19002, bind: "loopback" })
    const bad = await home.run(["config", "set", "gateway.port", "1", "--expect-current-json", "{oops"])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain("--expect-current-json must be strict JSON")
  })
})
