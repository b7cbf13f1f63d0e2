import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { attributedClientIp, capScopesByHeader, type PeerInfo } from "../../src/domain/auth/locality.js"
import { identityGrant } from "../../src/domain/auth/resolveAuth.js"
import { validateConfig } from "../../src/domain/config/validate.js"

const peer = (ip: string, headers: Record<string, string> = {}): PeerInfo => ({ ip, host: "gw.example", origin: undefined, headers })

describe("who a connection is accounted to (rate limits behind a proxy)", () => {
  const trusted = ["10.0.0.0/8"]

  it("a direct peer is itself, whatever headers it sends", () => {
    expect(attributedClientIp(peer("203.0.113.9", { "x-forwarded-for": "1.2.3.4" }), trusted, true)).toBe("203.0.113.9")
  })

  it("behind a trusted proxy: the right-most hop that is not a trusted proxy (left hops are client-written)", () => {
    expect(attributedClientIp(peer("10.0.0.2", { "x-forwarded-for": "198.51.100.7" }), trusted, false)).toBe("198.51.100.7")
    expect(attributedClientIp(peer("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.9" }), trusted, false)).toBe("198.51.100.7")
  })

  it("X-Real-IP only with allowRealIpFallback; else the proxy itself", () => {
    expect(attributedClientIp(peer("10.0.0.2", { "x-real-ip": "198.51.100.8" }), trusted, true)).toBe("198.51.100.8")
    expect(attributedClientIp(peer("10.0.0.2", { "x-real-ip": "198.51.100.8" }), trusted, false)).toBe("10.0.0.2")
  })
})

describe("x-openclaw-scopes caps a trusted proxy's session", () => {
  it("keeps only the listed scopes; present but empty keeps none; absent changes nothing", () => {
    const granted = ["operator.read", "operator.write", "operator.admin"]
    expect(capScopesByHeader(granted, "operator.read, operator.write")).toEqual(["operator.read", "operator.write"])
    expect(capScopesByHeader(granted, "operator.read,operator.pairing")).toEqual(["operator.read"])
    expect(capScopesByHeader(granted, "")).toEqual([])
    expect(capScopesByHeader(granted, undefined)).toEqual(granted)
  })
})

describe("gateway.auth.identityScopes", () => {
  it("grants by verified identity: email keys case-insensitively, other keys exactly; no identity, no grant", () => {
    const table = { "Admin@Example.com": ["operator.admin"], ops: ["operator.read"] }
    expect(identityGrant(table, "admin@example.com")).toEqual(["operator.admin"])
    expect(identityGrant(table, "ops")).toEqual(["operator.read"])
    expect(identityGrant(table, "OPS")).toEqual([])
    expect(identityGrant(table, undefined)).toEqual([])
  })

  it("config validation rejects a scope outside the closed set, naming the path", () => {
    const result = validateConfig({ gateway: { mode: "local", auth: { identityScopes: { ops: ["operator.read", "operator.root"] } } } })
    expect(Either.isLeft(result)).toBe(true)
    const issues = Either.isLeft(result) ? result.left : []
    expect(JSON.stringify(issues)).toContain("gateway.auth.identityScopes")
    expect(JSON.stringify(issues)).toContain("operator.root")
  })
})
