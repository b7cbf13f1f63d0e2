import { describe, expect, it } from "@effect/vitest"
import { ipInList, isLoopbackAddress, normalizeIp } from "../../src/domain/net/ip.js"
import { hostHeaderName, normalizeOrigin } from "../../src/domain/net/origin.js"

// One table for every caller: locality (local-direct, trusted-proxy guards) and the rate limiter keys.
describe("isLoopbackAddress", () => {
  it.each<[string | undefined, boolean]>([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["127.255.255.255", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["::FFFF:127.9.8.7", true],
    ["::ffff:7f00:1", true],
    ["203.0.113.5", false],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["::2", false],
    ["::", false],
    ["fe80::1", false],
    ["localhost", false],
    ["", false],
    ["127.0.0", false],
    ["127.0.0.256", false],
    ["127.999.0.1", false],
    ["1127.0.0.1", false],
    [undefined, false]
  ])("%s -> %s", (ip, expected) => expect(isLoopbackAddress(ip)).toBe(expected))
})

describe("normalizeIp", () => {
  it.each([
    ["::ffff:203.0.113.5", "203.0.113.5"],
    ["[2001:DB8::1]", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    [" 10.0.0.1 ", "10.0.0.1"],
    ["::ffff:7f00:1", "::ffff:7f00:1"]
  ])("%s -> %s", (ip, expected) => expect(normalizeIp(ip)).toBe(expected))
})

describe("ipInList", () => {
  const list = ["10.0.0.0/8", "192.168.1.5", "2001:db8::1"]
  it.each<[string, boolean]>([
    ["10.1.2.3", true],
    ["::ffff:10.1.2.3", true],
    ["11.0.0.1", false],
    ["192.168.1.5", true],
    ["::ffff:192.168.1.5", true],
    ["192.168.1.6", false],
    ["2001:DB8::1", true],
    ["[2001:db8::1]", true],
    ["2001:db8::2", false]
  ])("%s -> %s", (ip, expected) => expect(ipInList(ip, list)).toBe(expected))

  it("bad CIDR entries match nothing; /0 matches every IPv4", () => {
    expect(ipInList("10.0.0.1", ["10.0.0.0/33", "10.0.0.0/x", "nonsense/8"])).toBe(false)
    expect(ipInList("203.0.113.9", ["0.0.0.0/0"])).toBe(true)
  })
})

// Spec 3.5: an Origin is the scheme and host of the page that opened the socket. Browsers send http(s)
// page origins only, so a ws:/wss: (or any other scheme) Origin is invalid.
describe("normalizeOrigin", () => {
  it.each<[string | undefined | null, string | undefined]>([
    ["https://Evil.Example", "https://evil.example"],
    ["https://evil.example:443", "https://evil.example"],
    ["http://evil.example:80", "http://evil.example"],
    ["http://evil.example:443", "http://evil.example:443"],
    ["https://evil.example:80", "https://evil.example:80"],
    ["HTTP://LOCALHOST:5173", "http://localhost:5173"],
    ["https://evil.example/some/path?q=1", "https://evil.example"],
    ["http://[::1]:18789", "http://[::1]:18789"],
    [" https://a.example ", "https://a.example"],
    ["ws://127.0.0.1:18789", undefined],
    ["wss://gw.example", undefined],
    ["chrome-extension://abcdef", undefined],
    ["file:///etc/passwd", undefined],
    ["not a url", undefined],
    ["null", undefined],
    ["NULL", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined]
  ])("%s -> %s", (input, expected) => expect(normalizeOrigin(input)).toBe(expected))
})

describe("hostHeaderName", () => {
  it.each<[string | undefined, string | undefined]>([
    ["LocalHost:18789", "localhost"],
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]:18789", "[::1]"],
    [" gw.example ", "gw.example"],
    [undefined, undefined]
  ])("%s -> %s", (host, expected) => expect(hostHeaderName(host)).toBe(expected))
})
