import { describe, expect, it } from "@effect/vitest"
import type { ServiceStatus } from "../../src/domain/supervisor/records.js"
import type { GatewayStatusReport } from "../../src/domain/status/gatewayStatus.js"
import { renderGatewayStatus } from "../../src/domain/status/renderGatewayStatus.js"
import { fakeStatus } from "../support/serviceManagerTest.js"

const reportWith = (status: ServiceStatus, overrides: Partial<GatewayStatusReport> = {}): GatewayStatusReport => ({
  service: { available: true, unavailableReason: null, status, label: status.label, loaded: true },
  logFile: "/tmp/openclaw/openclaw-2026-11-30.log",
  config: { cli: { path: "/home/ada/.openclaw/openclaw.json", exists: true, valid: true, issues: [] }, daemon: "/home/ada/.openclaw/openclaw.json", mismatch: false },
  gateway: { bindMode: "loopback", bindHost: "127.0.0.1", port: 18789, portSource: "service args", probeUrl: "ws://127.0.0.1:18789", probeUrlSource: "local", dashboardUrl: null, controlUiLinks: { httpUrl: "http://127.0.0.1:18789/", wsUrl: "ws://127.0.0.1:18789" }, probeNote: null, version: "2026.11.25" },
  cli: { version: "2026.11.25", path: "/usr/bin/openclaw", entrypoint: "/usr/bin/openclaw" },
  runtime: { status: "running", pid: 4242, source: "service", detail: null },
  rpc: { ok: true, kind: "connect", url: "ws://127.0.0.1:18789", error: null, errorCode: null, capability: "read_only", authWarning: null, latencyMs: 3, auth: { role: "operator", scopes: ["operator.read"], capability: "read_only" }, server: { version: "2026.11.25", connId: "c1" } },
  port: { listening: true, owners: [], conflict: false, port: 18789, status: "busy", listeners: [] },
  extraServices: [],
  clients: null,
  connections: null,
  lastError: null,
  ...overrides
})

const render = (report: GatewayStatusReport) => renderGatewayStatus(report, { requireRpc: false, deep: false, homeDir: "/home/ada" })

describe("gateway status with an installed service", () => {
  it("shows the service's heap limit, or says it is not set and how to regenerate it", () => {
    const withHeap = render(reportWith(fakeStatus({ env: { NODE_OPTIONS: "--max-old-space-size=4096", OPENCLAW_GATEWAY_TOKEN: "***" } })))
    expect(withHeap.out).toContain("Gateway heap: service NODE_OPTIONS: --max-old-space-size=4096")
    const old = render(reportWith(fakeStatus({ env: { OPENCLAW_GATEWAY_PORT: "18789" } })))
    expect(old.out).toContain("Gateway heap: not set (old service metadata: run `openclaw gateway install --force`)")
    expect(old.out).toContain("Service file: /home/test/.config/systemd/user/openclaw-gateway.service")
  })

  it("a running gateway whose probe fails is not a warm-up when it owns the port; it is when the port is not up yet", () => {
    const failed = { ok: false, kind: "connect" as const, url: "ws://127.0.0.1:18789", error: "unauthorized: gateway token mismatch", errorCode: "AUTH_TOKEN_MISMATCH", capability: "unknown" as const, authWarning: null, latencyMs: null, auth: { role: null, scopes: [], capability: "unknown" as const }, server: { version: null, connId: null } }
    const owning = render(reportWith(fakeStatus(), { rpc: failed }))
    expect(owning.err.join("\n")).toContain("so this is not a warm-up delay")
    const starting = render(reportWith(fakeStatus(), { rpc: failed, port: { listening: false, owners: [], conflict: false, port: 18789, status: "free" as const, listeners: [] } }))
    expect(starting.err).toContain("Warm-up: launch agents can take a few seconds. Try again shortly.")
  })
})
