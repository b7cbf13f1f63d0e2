import { describe, expect, it } from "@effect/vitest"
import { attributedClientIp, isLocalDirect, type PeerInfo } from "../../src/domain/auth/locality.js"
import { forwardedClientIp } from "../../src/domain/net/forwardedFor.js"

const TRUSTED = ["127.0.0.1", "10.0.0.0/8"]
const xff = (value: string) => ({ xForwardedFor: value, xRealIp: undefined })
const peer = (ip: string, headers: Record<string, string>): PeerInfo => ({ ip, host: "127.0.0.1:18789", origin: undefined, headers })

describe("forwardedClientIp: the right-most untrusted hop", () => {
  it("skips trusted hops from the right; the client-written left hops never count", () => {
    expect(forwardedClientIp(xff("127.0.0.1, 203.0.113.50"), TRUSTED, false)).toBe("203.0.113.50")
    expect(forwardedClientIp(xff("6.6.6.6, 198.51.100.7, 10.0.0.9"), TRUSTED, false)).toBe("198.51.100.7")
    expect(forwardedClientIp(xff("127.0.0.1"), TRUSTED, false)).toBe("127.0.0.1")
    expect(forwardedClientIp(xff("10.1.1.1, 127.0.0.1"), TRUSTED, false)).toBe("10.1.1.1")
  })

  it("X-Real-IP only without X-Forwarded-For and only when allowed", () => {
    expect(forwardedClientIp({ xForwardedFor: undefined, xRealIp: "198.51.100.8" }, TRUSTED, true)).toBe("198.51.100.8")
    expect(forwardedClientIp({ xForwardedFor: undefined, xRealIp: "198.51.100.8" }, TRUSTED, false)).toBeUndefined()
    expect(forwardedClientIp({ xForwardedFor: "203.0.113.1", xRealIp: "127.0.0.1" }, TRUSTED, true)).toBe("203.0.113.1")
  })
})

describe("locality and the rate limiter agree on who the client is", () => {
  it("a forged loopback left-most hop does not make a remote client local", () => {
    const forged = peer("127.0.0.1", { "x-forwarded-for": "127.0.0.1, 203.0.113.50" })
    expect(isLocalDirect(forged, ["127.0.0.1"])).toBe(false)
    expect(attributedClientIp(forged, ["127.0.0.1"], false)).toBe("203.0.113.50")
  })

  it("a client on the proxy's own host is local; an untrusted loopback peer with forwarding headers is not", () => {
    expect(isLocalDirect(peer("127.0.0.1", { "x-forwarded-for": "127.0.0.1" }), ["127.0.0.1"])).toBe(true)
    expect(isLocalDirect(peer("127.0.0.1", { "x-forwarded-for": "127.0.0.1" }), [])).toBe(false)
    expect(isLocalDirect(peer("127.0.0.1", { "x-forwarded-host": "example.com" }), ["127.0.0.1"])).toBe(false)
  })
})
