import { describe, expect, it } from "@effect/vitest"
import { dashboardUrls, remoteDashboardUrls } from "../../src/domain/dashboard/dashboardUrls.js"
import { formatLogLine, formatTimeAt, parseLogLine } from "../../src/domain/logs/formatLogLine.js"
import { bestCapability, capabilityOf, summarize, type TargetReport } from "../../src/domain/probe/report.js"
import { probeTargets } from "../../src/domain/probe/targets.js"
import { boxTable } from "../../src/domain/text/boxTable.js"

describe("probe targets (spec 10)", () => {
  const env = { OPENCLAW_REMOTE: "remote-secret" }
  const config = {
    gateway: {
      mode: "local" as const,
      auth: { token: "local-token" },
      remote: { url: "wss://gw.example:443", token: { source: "env" as const, provider: "default", id: "OPENCLAW_REMOTE" } }
    }
  }

  it("explicit URL first, then the configured remote (inactive in local mode), then loopback; each with its own credentials", () => {
    const targets = probeTargets({ flags: { url: "ws://10.0.0.5:18789", token: "flag-token" }, env, config, loopbackPort: 18789 })
    expect(targets.map((t) => [t.id, t.label, t.url, t.active, t.token, t.storedToken])).toEqual([
      ["explicit", "URL (explicit)", "ws://10.0.0.5:18789", true, "flag-token", false],
      ["configRemote", "Remote (configured, inactive)", "wss://gw.example:443", false, "flag-token", true],
      ["localLoopback", "Local loopback", "ws://127.0.0.1:18789", true, "local-token", true]
    ])
  })

  it("remote mode makes the remote active with gateway.remote credentials; --port alone probes only loopback", () => {
    const remote = { gateway: { ...config.gateway, mode: "remote" as const } }
    const targets = probeTargets({ flags: {}, env, config: remote, loopbackPort: 18789 })
    expect(targets.map((t) => [t.id, t.active, t.token])).toEqual([["configRemote", true, "remote-secret"], ["localLoopback", false, "local-token"]])
    expect(probeTargets({ flags: { port: 19001 }, env, config: remote, loopbackPort: 19001 }).map((t) => t.url)).toEqual(["ws://127.0.0.1:19001"])
  })

  it("a stale OPENCLAW_GATEWAY_TOKEN does not shadow gateway.auth.token on loopback, nor reach the remote route", () => {
    const targets = probeTargets({ flags: {}, env: { ...env, OPENCLAW_GATEWAY_TOKEN: "stale" }, config, loopbackPort: 18789 })
    expect(targets.map((t) => [t.id, t.token])).toEqual([["configRemote", "remote-secret"], ["localLoopback", "local-token"]])
    const noConfigToken = probeTargets({ flags: {}, env: { OPENCLAW_GATEWAY_TOKEN: "env-token" }, config: { gateway: { mode: "local" as const } }, loopbackPort: 18789 })
    expect(noConfigToken.map((t) => t.token)).toEqual(["env-token"])
  })

  it("an explicit URL equal to loopback is one target; an unresolved SecretRef is carried for the warning", () => {
    const same = probeTargets({ flags: { url: "ws://127.0.0.1:18789" }, env: {}, config, loopbackPort: 18789 })
    expect(same.map((t) => t.id)).toEqual(["explicit", "configRemote"])
    expect(same.find((t) => t.id === "configRemote")?.unresolved).toEqual(["env:default:OPENCLAW_REMOTE"])
  })
})

const target = (id: string, patch: Partial<TargetReport["connect"]> & { bootId?: string | null; capability?: TargetReport["auth"]["capability"] }): TargetReport => ({
  id,
  kind: id,
  label: id,
  url: `ws://${id}`,
  active: true,
  tunnel: null,
  connect: { ok: true, rpcOk: true, scopeLimited: false, latencyMs: 3, error: null, errorCode: null, close: null, ...patch },
  auth: { role: "operator", scopes: [], capability: patch.capability ?? "read_only" },
  server: { version: "v", connId: "c", bootId: patch.bootId === undefined ? "boot-1" : patch.bootId },
  self: null,
  config: null,
  health: null,
  summary: null,
  presence: null
})

describe("probe summary", () => {
  it("capability from scopes, pairing and read RPCs; the best one wins", () => {
    expect(capabilityOf({ pairingPending: false, connected: true, scopes: ["operator.admin"], readRpcOk: false })).toBe("admin_capable")
    expect(capabilityOf({ pairingPending: false, connected: true, scopes: ["operator.write"], readRpcOk: false })).toBe("write_capable")
    expect(capabilityOf({ pairingPending: false, connected: true, scopes: [], readRpcOk: true })).toBe("read_only")
    expect(capabilityOf({ pairingPending: false, connected: true, scopes: [], readRpcOk: false })).toBe("connected_no_operator_scope")
    expect(capabilityOf({ pairingPending: true, connected: false, scopes: [], readRpcOk: false })).toBe("pairing_pending")
    expect(capabilityOf({ pairingPending: false, connected: false, scopes: [], readRpcOk: false })).toBe("unknown")
    expect(bestCapability(["unknown", "connected_no_operator_scope", "write_capable", "read_only"])).toBe("write_capable")
  })

  it("routes to one gateway (same bootId) are not multiple gateways; distinct ones are", () => {
    expect(summarize([target("explicit", {}), target("localLoopback", {})], []).warnings).toEqual([])
    const two = summarize([target("explicit", {}), target("localLoopback", { bootId: "boot-2" })], [])
    expect(two.warnings).toEqual([{ code: "multiple_gateways", message: "multiple reachable gateway identities detected", targetIds: ["explicit", "localLoopback"] }])
    expect(two.primaryTargetId).toBe("explicit")
  })

  it("scope-limited and failed read probes are degraded, not down; nothing reachable is not ok", () => {
    const limited = summarize([target("localLoopback", { rpcOk: false, scopeLimited: true })], [])
    expect(limited).toMatchObject({ ok: true, degraded: true })
    expect(limited.warnings.map((w) => w.code)).toEqual(["probe_scope_limited"])
    const failedRpc = summarize([target("localLoopback", { rpcOk: false })], [])
    expect(failedRpc.warnings.map((w) => w.code)).toEqual(["probe_rpc_failed"])
    const down = summarize([target("localLoopback", { ok: false, rpcOk: false, error: "gateway connect failed: refused", capability: "unknown" })], [], new Map([["localLoopback", ["env:default:TOKEN"]]]))
    expect(down).toMatchObject({ ok: false, degraded: false, capability: "unknown", primaryTargetId: "localLoopback" })
    expect(down.warnings.map((w) => w.code)).toEqual(["auth_secretref_unresolved"])
  })
})

describe("log lines", () => {
  it("formats a record as time level subsystem message, in a given offset or UTC", () => {
    const raw = JSON.stringify({ time: "2026-11-25T11:04:15.669Z", level: "info", subsystem: "gateway/ws", message: "⇄ res ✓ health 0ms" })
    const line = parseLogLine(raw)
    expect(formatLogLine(line, { utc: false, offsetMinutesOf: () => 60 })).toBe("2026-11-25T12:04:15.669+01:00 info gateway/ws ⇄ res ✓ health 0ms")
    expect(formatLogLine(line, { utc: true, offsetMinutesOf: () => 60 })).toBe("2026-11-25T11:04:15.669Z info gateway/ws ⇄ res ✓ health 0ms")
    expect(formatTimeAt("2026-01-01T00:30:00.000Z", -330)).toBe("2025-12-31T19:00:00.000-05:30")
    expect(parseLogLine("not json at all")).toEqual({ kind: "raw", line: "not json at all" })
  })
})

describe("dashboard URLs", () => {
  it("puts a plain token in the fragment, never a SecretRef-managed one, and opens wildcard binds on loopback", () => {
    expect(dashboardUrls({ gateway: { bind: "lan", auth: { token: "a b" } } }, {}, 18789)).toEqual({
      httpUrl: "http://127.0.0.1:18789/",
      wsUrl: "ws://127.0.0.1:18789",
      port: 18789,
      url: "http://127.0.0.1:18789/#token=a%20b",
      tokenIncluded: true
    })
    const ref = dashboardUrls({ gateway: { auth: { token: { source: "env", provider: "default", id: "T" } } } }, { T: "secret", OPENCLAW_GATEWAY_TOKEN: "env-token" }, 1)
    expect(ref).toMatchObject({ url: "http://127.0.0.1:1/", tokenIncluded: false })
    expect(dashboardUrls(undefined, { OPENCLAW_GATEWAY_TOKEN: "env-token" }, 2).url).toBe("http://127.0.0.1:2/#token=env-token")
    expect(dashboardUrls({ gateway: { auth: { mode: "password", password: "p" } } }, {}, 3).tokenIncluded).toBe(false)
  })

  it("remote mode: the page of gateway.remote.url (wss -> https), with the plain remote token only in the browser's URL", () => {
    expect(remoteDashboardUrls("wss://gw.example.net/openclaw", { gateway: { mode: "remote", remote: { token: "r t" } } })).toEqual({
      httpUrl: "https://gw.example.net/openclaw/",
      wsUrl: "wss://gw.example.net/openclaw",
      port: 443,
      url: "https://gw.example.net/openclaw/#token=r%20t",
      tokenIncluded: true
    })
    expect(remoteDashboardUrls("ws://10.0.0.5:18789", { gateway: { remote: { token: { source: "env", provider: "default", id: "T" } } } })).toMatchObject({ httpUrl: "http://10.0.0.5:18789/", tokenIncluded: false })
    expect(remoteDashboardUrls("not a url", undefined)).toBeUndefined()
  })
})

describe("box table", () => {
  it("draws the original's frame within maxWidth and wraps the last column at a space", () => {
    expect(boxTable(["Item", "Value"], [["OS", "linux"], ["Gateway", "a long value that wraps"]], 28)).toBe([
      "┌─────────┬────────────────┐",
      "│ Item    │ Value          │",
      "├─────────┼────────────────┤",
      "│ OS      │ linux          │",
      "│ Gateway │ a long value   │",
      "│         │ that wraps     │",
      "└─────────┴────────────────┘"
    ].join("\n"))
  })
})
