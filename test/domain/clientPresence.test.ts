import { describe, expect, it } from "@effect/vitest"
import { clientPresence, type PresenceSource } from "../../src/domain/gateway/clientPresence.js"

const socket = (connId: string, over: Partial<PresenceSource> = {}): PresenceSource => ({
  connId,
  role: "operator",
  scopes: ["operator.read"],
  deviceId: undefined,
  clientId: "cli",
  clientMode: "cli",
  clientVersion: "1.0.0",
  platform: "linux",
  connectedAtMs: 1_000,
  ...over
})

describe("clientPresence", () => {
  it("one row per device: roles and scopes merged, the most recent connection shown", () => {
    const rows = clientPresence([
      socket("a", { deviceId: "dev1", connectedAtMs: 1_000, clientVersion: "old" }),
      socket("b", { deviceId: "dev1", role: "node", scopes: [], connectedAtMs: 3_000, clientMode: "node", clientVersion: "new" }),
      socket("c", { deviceId: "dev1", scopes: ["operator.read", "operator.admin"], connectedAtMs: 2_000 })
    ], "box")
    expect(rows).toEqual([{
      ts: 3_000,
      host: "box",
      version: "new",
      platform: "linux",
      mode: "node",
      clientId: "cli",
      connId: "b",
      roles: ["operator", "node"],
      scopes: ["operator.read", "operator.admin"],
      deviceId: "dev1"
    }])
  })

  it("a socket without a device identity is a row of its own; distinct devices are distinct rows", () => {
    const rows = clientPresence([socket("a"), socket("b"), socket("c", { deviceId: "dev1" }), socket("d", { deviceId: "dev2" })], "box")
    expect(rows.map((r) => r.connId)).toEqual(["a", "b", "c", "d"])
  })

  it("1,000 connections of one device are one row (hello-ok carries this list to each of them)", () => {
    const rows = clientPresence(Array.from({ length: 1_000 }, (_, i) => socket(`c${i}`, { deviceId: "dev", connectedAtMs: i })), "box")
    expect(rows).toHaveLength(1)
    expect(rows[0]?.connId).toBe("c999")
  })
})
