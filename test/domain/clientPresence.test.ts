import { describe, expect, it } from "@effect/vitest"
import { clientPresence, makePresenceIndex, type PresenceSource } from "../../src/domain/gateway/clientPresence.js"
import type { PresenceEntry } from "../../src/domain/protocol/methods.js"

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

describe("makePresenceIndex", () => {
  // Roles and scopes are sets: compared without their order, which depends on the order sockets came and went.
  const normalized = (rows: ReadonlyArray<PresenceEntry>) =>
    rows.map((row) => ({ ...row, roles: [...(row.roles ?? [])].sort(), scopes: [...(row.scopes ?? [])].sort() }))

  it("after any sequence of connects and disconnects it shows what clientPresence computes from the sockets left", () => {
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    const index = makePresenceIndex("box")
    const open = new Map<string, PresenceSource>()
    for (let step = 0; step < 2_000; step++) {
      if (open.size > 0 && random(3) === 0) {
        const victim = [...open.values()][random(open.size)]!
        open.delete(victim.connId)
        index.remove(victim)
      } else {
        const source = socket(`c${step}`, {
          ...(random(4) === 0 ? {} : { deviceId: `dev${random(5)}` }),
          role: random(3) === 0 ? "node" : "operator",
          scopes: [["operator.read"], ["operator.read", "operator.admin"], []][random(3)]!,
          // Equal times happen (two connects in one millisecond): the later socket is the row's latest.
          connectedAtMs: 1_000 + Math.floor(step / 3)
        })
        open.set(source.connId, source)
        index.add(source)
      }
      if (step % 50 === 0 || step === 1_999) {
        const expected = clientPresence(open.values(), "box")
        const actual = index.entries()
        expect(new Set(actual.map((row) => row.connId))).toEqual(new Set(expected.map((row) => row.connId)))
        const byConn = new Map(normalized(actual).map((row) => [row.connId, row]))
        for (const row of normalized(expected)) expect(byConn.get(row.connId)).toEqual(row)
      }
    }
  })

  it("a device's row loses a role or scope only when its last socket having it leaves", () => {
    const index = makePresenceIndex("box")
    const admin = socket("a", { deviceId: "dev", scopes: ["operator.read", "operator.admin"], connectedAtMs: 1 })
    const node = socket("b", { deviceId: "dev", role: "node", scopes: [], connectedAtMs: 2 })
    index.add(admin)
    index.add(node)
    expect(index.entries()).toMatchObject([{ connId: "b", roles: ["operator", "node"], scopes: ["operator.read", "operator.admin"] }])
    index.remove(node)
    expect(index.entries()).toMatchObject([{ connId: "a", roles: ["operator"], scopes: ["operator.read", "operator.admin"] }])
    index.remove(admin)
    expect(index.entries()).toEqual([])
  })
})
