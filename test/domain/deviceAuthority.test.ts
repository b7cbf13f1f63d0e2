import { describe, expect, it } from "@effect/vitest"
import { heldScopes, mayManageDevice } from "../../src/domain/pairing/authority.js"
import type { PairedDevice } from "../../src/domain/pairing/records.js"

const device = (approvedScopes: Array<string>, tokenScopes: Array<string>, revoked = false): PairedDevice => ({
  deviceId: "d1",
  publicKey: "k",
  roles: ["operator"],
  approvedScopes,
  tokens: { operator: { token: "t", role: "operator", scopes: tokenScopes, createdAtMs: 1, ...(revoked ? { revokedAtMs: 2 } : {}) } },
  approvedAtMs: 1
})

describe("mayManageDevice", () => {
  it("a device holds its approved scopes and those of its live tokens", () => {
    expect(heldScopes(device(["operator.read"], ["operator.write"]))).toEqual(["operator.read", "operator.write"])
    expect(heldScopes(device(["operator.read"], ["operator.admin"], true))).toEqual(["operator.read"])
  })

  it("the caller's scopes must cover them; admin covers all; write covers read; a device may manage itself", () => {
    const admin = device(["operator.admin"], [])
    expect(mayManageDevice({ scopes: ["operator.pairing"], deviceId: undefined }, admin)).toBe(false)
    expect(mayManageDevice({ scopes: ["operator.pairing", "operator.admin"], deviceId: undefined }, admin)).toBe(true)
    expect(mayManageDevice({ scopes: ["operator.pairing", "operator.write"], deviceId: undefined }, device(["operator.read"], ["operator.read"]))).toBe(true)
    expect(mayManageDevice({ scopes: ["operator.pairing"], deviceId: "d1" }, admin)).toBe(true)
  })
})
