import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decidePairing, pairingMessage } from "../../src/domain/pairing/decide.js"
import type { PairedDevice, PendingRequest } from "../../src/domain/pairing/records.js"
import {
  applyApproval,
  dropExpired,
  normalizeLabel,
  PENDING_TTL_MS,
  sameAsk,
  tokenReusable,
  tokensEqual,
  unionOf
} from "../../src/domain/pairing/registryState.js"
import * as Transitions from "../../src/domain/pairing/transitions.js"

const device = (overrides: Partial<PairedDevice> = {}): PairedDevice => ({
  deviceId: "dev-1",
  publicKey: "key-1",
  platform: "Linux",
  roles: ["operator"],
  approvedScopes: ["operator.read"],
  tokens: {},
  approvedAtMs: 1,
  ...overrides
})

const presented = { publicKey: "key-1", role: "operator", scopes: ["operator.read"], platform: "linux" }

describe("decidePairing", () => {
  it("no record is not-paired", () => {
    expect(decidePairing(undefined, presented)).toEqual({ reason: "not-paired", isRepair: false })
  })

  it("a record under a different key is a repair", () => {
    expect(decidePairing(device(), { ...presented, publicKey: "key-2" })).toEqual({ reason: "not-paired", isRepair: true })
  })

  it("accepts a device whose role and scopes are covered", () => {
    expect(decidePairing(device(), presented)).toBeUndefined()
    expect(decidePairing(device({ approvedScopes: ["operator.admin"] }), { ...presented, scopes: ["operator.write", "operator.pairing"] })).toBeUndefined()
    expect(decidePairing(device({ approvedScopes: ["operator.write"] }), { ...presented, scopes: ["operator.read", "operator.talk"] })).toBeUndefined()
  })

  it("compares pinned metadata trimmed and ASCII-lowercased", () => {
    expect(decidePairing(device({ platform: "  LINUX " }), { ...presented, platform: "linux" })).toBeUndefined()
    expect(decidePairing(device({ platform: "linux" }), { ...presented, platform: "darwin" })).toEqual({ reason: "metadata-upgrade", isRepair: false })
    expect(decidePairing(device({ platform: "linux" }), { publicKey: "key-1", role: "operator", scopes: [] })).toEqual({ reason: "metadata-upgrade", isRepair: false })
    expect(decidePairing(device({ deviceFamily: "iPhone" }), { ...presented, deviceFamily: "iphone" })).toBeUndefined()
    expect(decidePairing(device({ deviceFamily: "iPhone" }), { ...presented, deviceFamily: "iPad" })).toEqual({ reason: "metadata-upgrade", isRepair: false })
    // Non-ASCII letters are not folded.
    expect(decidePairing(device({ platform: "LİNUX" }), { ...presented, platform: "lİnux" })).toBeUndefined()
    expect(decidePairing(device({ platform: "Ä" }), { ...presented, platform: "ä" })).toEqual({ reason: "metadata-upgrade", isRepair: false })
  })

  it("ignores metadata that was never pinned", () => {
    const { platform: _p, ...unpinned } = device()
    expect(decidePairing(unpinned, { ...presented, platform: "windows", deviceFamily: "desktop" })).toBeUndefined()
  })

  it("a role not approved is role-upgrade (checked before scopes)", () => {
    expect(decidePairing(device(), { ...presented, role: "node", scopes: ["operator.admin"] })).toEqual({ reason: "role-upgrade", isRepair: false })
  })

  it("metadata is checked before the role", () => {
    expect(decidePairing(device(), { ...presented, role: "node", platform: "darwin" })).toEqual({ reason: "metadata-upgrade", isRepair: false })
  })

  it("uncovered scopes are scope-upgrade; empty scopes never are", () => {
    expect(decidePairing(device(), { ...presented, scopes: ["operator.read", "operator.write"] })).toEqual({ reason: "scope-upgrade", isRepair: false })
    expect(decidePairing(device({ approvedScopes: [] }), { ...presented, scopes: [] })).toBeUndefined()
  })
})

describe("pairingMessage", () => {
  it("has the exact texts", () => {
    expect(pairingMessage("not-paired", false)).toBe("pairing required: device is not approved yet")
    expect(pairingMessage("role-upgrade", false)).toBe("pairing required: device is asking for a higher role than currently approved")
    expect(pairingMessage("scope-upgrade", false)).toBe("pairing required: device is asking for more scopes than currently approved")
    expect(pairingMessage("metadata-upgrade", false)).toBe("pairing required: device metadata changed and must be re-approved")
    expect(pairingMessage("not-paired", true)).toBe("pairing required: device identity changed and must be re-approved")
  })
})

const pending = (overrides: Partial<PendingRequest> = {}): PendingRequest => ({
  requestId: "req-1",
  deviceId: "dev-1",
  publicKey: "key-1",
  role: "operator",
  scopes: ["operator.read", "operator.write"],
  reason: "not-paired",
  ts: 1000,
  ...overrides
})

describe("registry state helpers", () => {
  it("sameAsk compares role, key and scopes as a set", () => {
    expect(sameAsk(pending(), { publicKey: "key-1", role: "operator", scopes: ["operator.write", "operator.read", "operator.read"] })).toBe(true)
    expect(sameAsk(pending(), { publicKey: "key-1", role: "operator", scopes: ["operator.read"] })).toBe(false)
    expect(sameAsk(pending(), { publicKey: "key-2", role: "operator", scopes: ["operator.read", "operator.write"] })).toBe(false)
    expect(sameAsk(pending(), { publicKey: "key-1", role: "node", scopes: ["operator.read", "operator.write"] })).toBe(false)
  })

  it("dropExpired keeps requests younger than 5 minutes", () => {
    const file = { a: pending({ requestId: "a", ts: 0 }), b: pending({ requestId: "b", ts: 100 }) }
    expect(Object.keys(dropExpired(file, PENDING_TTL_MS - 1))).toEqual(["a", "b"])
    expect(Object.keys(dropExpired(file, PENDING_TTL_MS))).toEqual(["b"])
    expect(Object.keys(dropExpired(file, PENDING_TTL_MS + 100))).toEqual([])
  })

  it("applyApproval creates a record with only metadata fields from the source", () => {
    const { device: created, keyChanged } = applyApproval(undefined, { ...pending(), displayName: "Laptop", platform: "linux" }, 5, "owner")
    expect(keyChanged).toBe(false)
    expect(created).toEqual({
      deviceId: "dev-1",
      publicKey: "key-1",
      displayName: "Laptop",
      platform: "linux",
      roles: ["operator"],
      approvedScopes: ["operator.read", "operator.write"],
      tokens: {},
      approvedAtMs: 5,
      approvedVia: "owner"
    })
  })

  it("applyApproval unions roles and scopes, keeps tokens and label, replaces metadata", () => {
    const token = { token: "t", role: "operator", scopes: ["operator.read"], createdAtMs: 1 }
    const existing = device({ operatorLabel: "mine", displayName: "Old", tokens: { operator: token } })
    const { device: next, keyChanged } = applyApproval(existing, { ...pending({ role: "node", scopes: ["operator.write"] }), platform: "darwin" }, 9, "silent")
    expect(keyChanged).toBe(false)
    expect(next.roles).toEqual(["operator", "node"])
    expect(next.approvedScopes).toEqual(["operator.read", "operator.write"])
    expect(next.tokens).toEqual({ operator: token })
    expect(next.operatorLabel).toBe("mine")
    expect(next.platform).toBe("darwin")
    expect(next.displayName).toBeUndefined()
    expect(next.approvedAtMs).toBe(9)
    expect(next.approvedVia).toBe("silent")
  })

  it("applyApproval with a new key replaces the key and drops tokens", () => {
    const existing = device({ tokens: { operator: { token: "t", role: "operator", scopes: [], createdAtMs: 1 } } })
    const { device: next, keyChanged } = applyApproval(existing, pending({ publicKey: "key-2" }), 9, "owner")
    expect(keyChanged).toBe(true)
    expect(next.publicKey).toBe("key-2")
    expect(next.tokens).toEqual({})
  })

  it("normalizeLabel trims and bounds to 1-64 characters", () => {
    expect(normalizeLabel("  Office Mac  ")).toBe("Office Mac")
    expect(normalizeLabel("x".repeat(64))).toBe("x".repeat(64))
    expect(normalizeLabel(" ".repeat(3))).toBeUndefined()
    expect(normalizeLabel("")).toBeUndefined()
    expect(normalizeLabel("x".repeat(65))).toBeUndefined()
  })

  it("tokenReusable needs an unrevoked token covering the scopes", () => {
    const token = { token: "t", role: "operator", scopes: ["operator.write"], createdAtMs: 1 }
    expect(tokenReusable(token, ["operator.read"])).toBe(true)
    expect(tokenReusable(token, [])).toBe(true)
    expect(tokenReusable(token, ["operator.admin"])).toBe(false)
    expect(tokenReusable({ ...token, revokedAtMs: 2 }, [])).toBe(false)
    expect(tokenReusable(undefined, [])).toBe(false)
  })

  it("tokensEqual handles different lengths without throwing", () => {
    expect(tokensEqual("abc", "abc")).toBe(true)
    expect(tokensEqual("abc", "abd")).toBe(false)
    expect(tokensEqual("abc", "abcd")).toBe(false)
    expect(tokensEqual("abc", "")).toBe(false)
  })

  it("unionOf keeps order and drops duplicates", () => {
    expect(unionOf(["a", "b"], ["b", "c", "c"])).toEqual(["a", "b", "c"])
  })
})

describe("registry transitions", () => {
  const ask: Transitions.PairingAsk = { deviceId: "dev-1", publicKey: "key-1", role: "operator", scopes: ["operator.read"], reason: "not-paired", isRepair: false }

  it("fileRequest reuses an identical ask (same id, new ts) and supersedes a changed one", () => {
    const first = Transitions.fileRequest({}, ask, 10, "req-1")
    expect(first.result).toMatchObject({ requestId: "req-1", ts: 10 })
    expect(first.changes).toEqual([{ _tag: "Requested", request: first.result }])
    const retry = Transitions.fileRequest(first.pending ?? {}, ask, 20, "req-2")
    expect(retry.result).toMatchObject({ requestId: "req-1", ts: 20 })
    expect(retry.changes).toBeUndefined()
    const changed = Transitions.fileRequest(retry.pending ?? {}, { ...ask, scopes: ["operator.write"] }, 30, "req-3")
    expect(Object.keys(changed.pending ?? {})).toEqual(["req-3"])
    expect(changed.changes?.[0]).toEqual({ _tag: "Resolved", requestId: "req-1", deviceId: "dev-1", decision: "rejected", ts: 30 })
  })

  it("approveRequest pairs and removes the request; an unknown id is an InvalidRequest", () => {
    const pending = Transitions.fileRequest({}, ask, 10, "req-1").pending ?? {}
    const approved = Transitions.approveRequest({}, pending, "req-1", 20)
    expect(Either.isRight(approved) && approved.right.pending).toEqual({})
    expect(Either.isRight(approved) && approved.right.paired?.["dev-1"]?.roles).toEqual(["operator"])
    expect(Transitions.approveRequest({}, pending, "nope", 20)).toMatchObject({ left: { _tag: "InvalidRequest", message: "unknown requestId" } })
  })

  it("issueToken reuses a covering token and mints the given one otherwise; rotate and revoke record the time", () => {
    const paired = { "dev-1": device({ approvedScopes: ["operator.read", "operator.write"] }) }
    const minted = Transitions.issueToken(paired, "dev-1", "operator", ["operator.read"], 100, "tok-1")
    expect(Either.isRight(minted) && minted.right.result).toEqual({ token: "tok-1", role: "operator", scopes: ["operator.read"], issuedAtMs: 100 })
    const withToken = Either.isRight(minted) ? minted.right.paired ?? {} : {}
    expect(Transitions.reusableToken(withToken, "dev-1", "operator", [])?.token).toBe("tok-1")
    expect(Transitions.issueToken(withToken, "dev-1", "node", [], 100, "tok-2")).toMatchObject({ left: { message: "role not approved for device" } })
    const rotated = Transitions.rotateToken(withToken, "dev-1", "operator", undefined, 200, "tok-3")
    expect(Either.isRight(rotated) && rotated.right.result).toMatchObject({ token: "tok-3", scopes: ["operator.read"], rotatedAtMs: 200, issuedAtMs: 200 })
    const revoked = Transitions.revokeToken(withToken, "dev-1", "operator", 300)
    expect(Either.isRight(revoked) && revoked.right.result).toEqual({ revokedAtMs: 300 })
    const again = Transitions.revokeToken(Either.isRight(revoked) ? revoked.right.paired ?? {} : {}, "dev-1", "operator", 400)
    expect(Either.isRight(again) && again.right).toEqual({ result: { revokedAtMs: 300 } })
  })

  it("stampLastUsed only stamps the token that was verified", () => {
    const paired = { "dev-1": device({ tokens: { operator: { token: "tok-1", role: "operator", scopes: [], createdAtMs: 1 } } }) }
    expect(Transitions.stampLastUsed(paired, "dev-1", "operator", "tok-1", 50).paired?.["dev-1"]?.tokens["operator"]?.lastUsedAtMs).toBe(50)
    expect(Transitions.stampLastUsed(paired, "dev-1", "operator", "rotated-meanwhile", 50)).toEqual({ result: undefined })
  })
})

describe("approveAsk (local auto-approval)", () => {
  const ask = { deviceId: "dev-1", publicKey: "key-1", role: "operator", scopes: ["operator.read"], reason: "not-paired" as const, isRepair: false, platform: "linux" }

  it("pairs a new device: the file changes and a Resolved change is published", () => {
    const outcome = Transitions.approveAsk({}, ask, 10, "req-1")
    expect(outcome.paired?.["dev-1"]?.publicKey).toBe("key-1")
    expect(outcome.changes).toEqual([{ _tag: "Resolved", requestId: "req-1", deviceId: "dev-1", decision: "approved", ts: 10 }])
  })

  it("an ask the stored record already covers (the same device connecting many times at once) writes nothing", () => {
    const first = Transitions.approveAsk({}, ask, 10, "req-1")
    const again = Transitions.approveAsk(first.paired!, ask, 11, "req-2")
    expect(again).toEqual({ result: first.paired!["dev-1"] })
  })

  it("an ask for more than the record covers is still approved and written", () => {
    const first = Transitions.approveAsk({}, ask, 10, "req-1")
    const wider = Transitions.approveAsk(first.paired!, { ...ask, scopes: ["operator.admin"], reason: "scope-upgrade" }, 11, "req-2")
    expect(wider.paired?.["dev-1"]?.approvedScopes).toContain("operator.admin")
    expect(wider.changes?.map((c) => c._tag)).toEqual(["Resolved"])
  })
})
