import { describe, expect, it } from "@effect/vitest"
import { resolveGatewayAuth } from "../../src/domain/auth/resolveAuth.js"
import { looksLikeContainer } from "../../src/domain/gateway/container.js"
import { bindHostFor, checkAuth, checkMode, defaultBindMode } from "../../src/domain/gateway/startGuards.js"

describe("container detection (the original's signals)", () => {
  it("a sentinel file, a container cgroup for PID 1, or Fly's two variables", () => {
    expect(looksLikeContainer({ env: {}, sentinels: ["/.dockerenv"], pid1Cgroup: undefined })).toBe(true)
    expect(looksLikeContainer({ env: {}, sentinels: [], pid1Cgroup: "12:pids:/docker/0123abcd\n" })).toBe(true)
    expect(looksLikeContainer({ env: {}, sentinels: [], pid1Cgroup: "0::/kubepods/besteffort/pod1\n" })).toBe(true)
    expect(looksLikeContainer({ env: { FLY_MACHINE_ID: "m", FLY_APP_NAME: "a" }, sentinels: [], pid1Cgroup: undefined })).toBe(true)
    expect(looksLikeContainer({ env: { FLY_MACHINE_ID: "m" }, sentinels: [], pid1Cgroup: "0::/init.scope\n" })).toBe(false)
    expect(looksLikeContainer({ env: {}, sentinels: [], pid1Cgroup: "0::/\n" })).toBe(false)
  })
})

describe("bind defaults", () => {
  it("auto is all interfaces in a container and loopback elsewhere; no gateway.bind means auto only in a container", () => {
    expect(defaultBindMode(true)).toBe("auto")
    expect(defaultBindMode(false)).toBe("loopback")
    expect(bindHostFor("auto", undefined, true)).toBe("0.0.0.0")
    expect(bindHostFor("auto", undefined, false)).toBe("127.0.0.1")
    expect(bindHostFor("lan", undefined, false)).toBe("0.0.0.0")
  })

  it("a containerised auto bind without a secret is refused with exit 78 and the container hint", () => {
    const refusal = checkAuth({ auth: resolveGatewayAuth({ auth: { mode: "none" } }, {}), explicitMode: true, bind: "auto", bindHost: "0.0.0.0", legacyTokenPresent: false, inContainer: true })
    expect(refusal?.exitCode).toBe(78)
    expect(refusal?.message.split("\n")).toEqual([
      "Refusing to bind gateway to auto without auth.",
      "Container environment detected — the gateway defaults to bind=auto (0.0.0.0) for port-forwarding compatibility.",
      "Set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD, or pass --token/--password to start with auth."
    ])
    const token = checkAuth({ auth: resolveGatewayAuth({ auth: { token: "t" } }, {}), explicitMode: false, bind: "auto", bindHost: "0.0.0.0", legacyTokenPresent: false, inContainer: true })
    expect(token).toBeUndefined()
  })

  it("mode refusals exit 78 too", () => {
    expect(checkMode({ exists: false, config: {}, allowUnconfigured: false })?.exitCode).toBe(78)
    expect(checkMode({ exists: true, config: { gateway: { mode: "remote" } }, allowUnconfigured: false })?.exitCode).toBe(78)
    expect(checkMode({ exists: true, config: {}, allowUnconfigured: true })).toBeUndefined()
  })
})
