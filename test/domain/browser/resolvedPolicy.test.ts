import { describe, expect, it } from "vitest"
import { controlsProxy, navigationProblem, PROXY_ROUTED_STRICT_POLICY, resolvedProblem, routesThroughOwnProxy } from "../../../src/domain/browser/ssrf.js"
import { makePinnedResolver } from "../../../src/layers/browser/pinnedResolver.js"

const strict = { allowPrivateNetwork: false, allowedHostnames: ["127.0.0.1", "*.corp.example"] }

describe("the SSRF verdict on a resolved name", () => {
  it("any private answer makes the name private; listed names and allowed networks are not looked at", () => {
    expect(resolvedProblem("shop.example", ["93.184.216.34"], strict)).toBeUndefined()
    expect(resolvedProblem("shop.example", ["93.184.216.34", "192.168.1.5"], strict)).toContain("shop.example resolves to the private-network address 192.168.1.5")
    expect(resolvedProblem("db.corp.example", ["10.0.0.5"], strict)).toBeUndefined()
    expect(resolvedProblem("127.0.0.1", ["127.0.0.1"], strict)).toBeUndefined()
    expect(resolvedProblem("localhost", ["127.0.0.1"], strict)).toContain("localhost is a private-network address")
    expect(resolvedProblem("[::1]", ["::1"], strict)).toContain("::1 is a private-network address")
    expect(resolvedProblem("nowhere.example", [], strict)).toBe("Navigation blocked by browser SSRF policy: nowhere.example did not resolve to any address.")
    expect(resolvedProblem("x.example", ["10.0.0.1"], { allowPrivateNetwork: true, allowedHostnames: [] })).toBeUndefined()
  })
})

describe("the pinned resolver", () => {
  it("asks once per name within the pin, again after it; IP literals are never asked; failures are not pinned", async () => {
    let now = 0
    const answers = new Map<string, Array<ReadonlyArray<string>>>([["a.example", [["203.0.113.1"], ["127.0.0.1"]]]])
    const asked: Array<string> = []
    let failNext = true
    const resolver = makePinnedResolver(async (host) => {
      asked.push(host)
      if (host === "flaky.example" && failNext) {
        failNext = false
        throw new Error("SERVFAIL")
      }
      return answers.get(host)?.shift() ?? ["198.51.100.9"]
    }, 1000, () => now)
    expect(await Promise.all([resolver.addressesOf("a.example"), resolver.addressesOf("A.EXAMPLE.")])).toEqual([["203.0.113.1"], ["203.0.113.1"]])
    now = 999
    expect(await resolver.addressesOf("a.example")).toEqual(["203.0.113.1"])
    now = 1000
    expect(await resolver.addressesOf("a.example")).toEqual(["127.0.0.1"])
    expect(await resolver.addressesOf("[::1]")).toEqual(["::1"])
    expect(await resolver.addressesOf("flaky.example")).toEqual([])
    expect(await resolver.addressesOf("flaky.example")).toEqual(["198.51.100.9"])
    expect(asked).toEqual(["a.example", "a.example", "flaky.example", "flaky.example"])
  })
})

describe("a managed browser routed through the user's own proxy (the original's explicit-browser-proxy)", () => {
  it("refuses every network navigation while private networks are refused; allowing them lifts it", () => {
    expect([routesThroughOwnProxy(["--proxy-server=http://p:3128"]), routesThroughOwnProxy([" --PROXY-PAC-URL=x"]), routesThroughOwnProxy(["--no-proxy-server"])]).toEqual([true, true, false])
    expect([controlsProxy(["--no-proxy-server"]), controlsProxy(["--mute-audio"])]).toEqual([true, false])
    expect(navigationProblem("https://example.com/", { ...strict, proxyRouted: true })).toBe(PROXY_ROUTED_STRICT_POLICY)
    expect(navigationProblem("about:blank", { ...strict, proxyRouted: true })).toBeUndefined()
    expect(navigationProblem("https://example.com/", { allowPrivateNetwork: true, allowedHostnames: [], proxyRouted: true })).toBeUndefined()
  })
})
