import { describe, expect, it } from "@effect/vitest"
import { reconnectDelayMs, tickSilenceLimitMs, withRetryAfterFloor } from "../../src/ui/core/backoff.js"
import { canRetryWithDeviceToken, classifyConnectFailure, isTrustedEndpoint } from "../../src/ui/core/connectFailure.js"
import { inferBasePath, normalizeBasePath, readLaunchParams, routeOf } from "../../src/ui/core/launchParams.js"
import { rememberedSessionKey, rememberSessionKey } from "../../src/ui/core/settings.js"
import { clearDeviceToken, deviceAuthKey, type KeyValueStore, loadDeviceToken, normalizeGatewayUrl, sharedTokenKey, storeDeviceToken } from "../../src/ui/core/storageKeys.js"

const memoryStore = (): KeyValueStore & { readonly map: Map<string, string> } => {
  const map = new Map<string, string>()
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) }
}

describe("control ui: reconnect timing", () => {
  it("backs off 800 ms × 1.7^(n-1) up to 15 s, with retryAfterMs as a floor", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelayMs(n))).toEqual([800, 1360, 2312, 3930, 6682, 11359, 15000, 15000])
    expect(withRetryAfterFloor(800, 3000)).toBe(3000)
    expect(withRetryAfterFloor(2312, 1000)).toBe(2312)
  })
  it("closes on tick silence after twice the interval (30 s default, 1 s minimum)", () => {
    expect(tickSilenceLimitMs(15_000)).toBe(30_000)
    expect(tickSilenceLimitMs(undefined)).toBe(60_000)
    expect(tickSilenceLimitMs(100)).toBe(1_000)
  })
})

describe("control ui: launch URL", () => {
  it("takes #token, bootstrap and gatewayUrl, drops password, keeps everything else", () => {
    const launch = readLaunchParams("?gatewayUrl=ws%3A%2F%2F127.0.0.1%3A19789&x=1", "#token=abc&bootstrapToken=b1&bootstrapProfile=owner&password=p&keep=2")
    expect(launch).toMatchObject({ token: "abc", tokenFromQuery: false, bootstrapToken: "b1", bootstrapProfile: "owner", gatewayUrl: "ws://127.0.0.1:19789", search: "?x=1", hash: "#keep=2", changed: true })
  })
  it("accepts ?token= (flagged) and leaves a clean URL alone", () => {
    expect(readLaunchParams("?token=q", "")).toMatchObject({ token: "q", tokenFromQuery: true, search: "", hash: "" })
    expect(readLaunchParams("", "")).toMatchObject({ changed: false, search: "", hash: "" })
  })
  it("routes paths below the base, the original's deep links included", () => {
    expect(routeOf("/chat/agent%3Amain%3Amain")).toEqual({ route: "chat", rest: "agent%3Amain%3Amain" })
    expect(routeOf("/settings/devices")).toEqual({ route: "devices", rest: "" })
    expect(routeOf("/cron")).toEqual({ route: "automations", rest: "" })
    expect(routeOf("/")).toEqual({ route: "overview", rest: "" })
    expect(routeOf("/nope")).toEqual({ route: "overview", rest: "" })
  })
  it("infers the base path from the page path and normalizes a given one", () => {
    expect(inferBasePath("/")).toBe("")
    expect(inferBasePath("/logs")).toBe("")
    expect(inferBasePath("/openclaw/chat/main")).toBe("/openclaw")
    expect(inferBasePath("/openclaw/")).toBe("/openclaw")
    expect(inferBasePath("/x/settings/channels")).toBe("/x")
    expect(normalizeBasePath("/")).toBe("")
    expect(normalizeBasePath("ui/")).toBe("/ui")
  })
})

describe("control ui: storage keys (shared with the original UI)", () => {
  it("normalizes the gateway URL: no query, no trailing slash", () => {
    expect(normalizeGatewayUrl("ws://127.0.0.1:18789/")).toBe("ws://127.0.0.1:18789")
    expect(normalizeGatewayUrl("wss://gw.example:443/openclaw/?a=1")).toBe("wss://gw.example/openclaw")
    expect(deviceAuthKey("ws://127.0.0.1:18789/")).toBe("openclaw.device.auth.v1:ws://127.0.0.1:18789")
    expect(sharedTokenKey("ws://127.0.0.1:18789")).toBe("openclaw.control.token.v1:ws://127.0.0.1:18789")
  })
  it("keeps device tokens per gateway, device and role, and forgets one on request", () => {
    const store = memoryStore()
    const url = "ws://127.0.0.1:1"
    storeDeviceToken(store, url, "dev1", { token: "t1", role: "operator", scopes: ["operator.read"], updatedAtMs: 1 })
    expect(JSON.parse(store.map.get(deviceAuthKey(url)) ?? "")).toEqual({ version: 1, deviceId: "dev1", tokens: { operator: { token: "t1", role: "operator", scopes: ["operator.read"], updatedAtMs: 1 } } })
    expect(loadDeviceToken(store, url, "dev1", "operator")?.token).toBe("t1")
    expect(loadDeviceToken(store, url, "dev2", "operator")).toBeUndefined()
    expect(loadDeviceToken(store, "ws://127.0.0.1:2", "dev1", "operator")).toBeUndefined()
    clearDeviceToken(store, url, "dev1", "operator")
    expect(loadDeviceToken(store, url, "dev1", "operator")).toBeUndefined()
  })
  it("ignores a stored record it cannot read", () => {
    const store = memoryStore()
    store.setItem(deviceAuthKey("ws://h"), "{not json")
    expect(loadDeviceToken(store, "ws://h", "d", "operator")).toBeUndefined()
  })
})

describe("control ui: connect failures", () => {
  const classify = (code: string, details: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    classifyConnectFailure({ code: "INVALID_REQUEST", message: "m", details: { code, ...details }, ...extra }, "127.0.0.1:1", "http://gateway.test:1")
  it("a pairing request names the approve command and keeps retrying", () => {
    const screen = classify("PAIRING_REQUIRED", { requestId: "req-1", reason: "not-paired" })
    expect(screen).toMatchObject({ kind: "pairing", title: "Approve this browser", command: "openclaw devices approve req-1", keepRetrying: true })
    expect(classify("PAIRING_REQUIRED", { reason: "scope-upgrade" }).command).toBe("openclaw devices approve --latest")
  })
  it("auth failures stop and ask for the token; origin and unknown failures keep retrying", () => {
    expect(classify("AUTH_TOKEN_MISMATCH")).toMatchObject({ kind: "token-mismatch", askToken: true, keepRetrying: false })
    expect(classify("AUTH_TOKEN_MISSING")).toMatchObject({ command: "openclaw gateway auth-token --show", keepRetrying: false })
    expect(classify("AUTH_RATE_LIMITED", {}, { retryAfterMs: 4200 }).nextStep).toContain("5 s")
    const origin = classify("CONTROL_UI_ORIGIN_NOT_ALLOWED")
    expect(origin).toMatchObject({ title: "Browser origin not allowed", keepRetrying: true })
    expect(origin.command).toContain(`gateway.controlUi.allowedOrigins '["http://gateway.test:1"]'`)
    expect(classify("CONTROL_UI_DEVICE_IDENTITY_REQUIRED")).toMatchObject({ title: "Secure browser context required", keepRetrying: false })
    expect(classify("CONTROL_UI_DEVICE_IDENTITY_REQUIRED").nextStep).toContain("Use HTTPS or localhost")
    expect(classify("WHATEVER")).toMatchObject({ title: "Gateway unreachable", keepRetrying: true })
    expect(classifyConnectFailure({ code: "UNAVAILABLE", message: "gateway starting", retryAfterMs: 5000 }, "h", "o")).toMatchObject({ kind: "starting", retryAfterMs: 2000 })
  })
  it("retries a token mismatch once with the stored device token, only towards a trusted endpoint", () => {
    const ok = { detailsCode: "AUTH_TOKEN_MISMATCH", storedDeviceToken: true, sentDeviceToken: false, explicitToken: true, trustedEndpoint: true, budgetUsed: false }
    expect(canRetryWithDeviceToken(ok)).toBe(true)
    expect(canRetryWithDeviceToken({ ...ok, budgetUsed: true })).toBe(false)
    expect(canRetryWithDeviceToken({ ...ok, storedDeviceToken: false })).toBe(false)
    expect(canRetryWithDeviceToken({ ...ok, sentDeviceToken: true })).toBe(false)
    expect(canRetryWithDeviceToken({ ...ok, detailsCode: "AUTH_PASSWORD_MISMATCH" })).toBe(false)
    expect(isTrustedEndpoint("ws://127.0.0.1:18789", "example.com")).toBe(true)
    expect(isTrustedEndpoint("wss://gw.example/openclaw", "gw.example")).toBe(true)
    expect(isTrustedEndpoint("wss://evil.example", "gw.example:8443")).toBe(false)
  })
})

describe("control ui: settings shared with the original UI", () => {
  it("remembers the chat session per gateway and keeps the original's other settings", () => {
    const store = memoryStore()
    const url = "ws://127.0.0.1:18789"
    store.setItem("openclaw.control.settings.v1:ws://127.0.0.1:18789", JSON.stringify({ theme: "dark", sessionsByGateway: { "ws://other:1": { sessionKey: "agent:ops:main" } } }))
    expect(rememberedSessionKey(store, url)).toBeUndefined()
    rememberSessionKey(store, `${url}/`, "agent:main:work")
    expect(rememberedSessionKey(store, url)).toBe("agent:main:work")
    const saved = JSON.parse(store.getItem("openclaw.control.settings.v1:ws://127.0.0.1:18789") ?? "")
    expect(saved).toMatchObject({ theme: "dark", sessionKey: "agent:main:work", sessionsByGateway: { "ws://other:1": { sessionKey: "agent:ops:main" }, "ws://127.0.0.1:18789": { sessionKey: "agent:main:work" } } })
  })
  it("reads the original's top-level sessionKey when no per-gateway entry exists, and survives junk", () => {
    const store = memoryStore()
    store.setItem("openclaw.control.settings.v1:ws://h", JSON.stringify({ sessionKey: "agent:main:main" }))
    expect(rememberedSessionKey(store, "ws://h")).toBe("agent:main:main")
    store.setItem("openclaw.control.settings.v1:ws://h", "[1,2")
    expect(rememberedSessionKey(store, "ws://h")).toBeUndefined()
  })
})
