import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { checkTrustedProxy } from "../../src/domain/auth/locality.js"
import { resolveGatewayAuth } from "../../src/domain/auth/resolveAuth.js"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, type ConnectInput, connectRaw } from "../support/rawClient.js"

const TOKEN = "auth-test-token-0123456789"
const PASSWORD = "auth-test-password-0123"

/** Connects and returns the error (or undefined) plus how the socket closed. */
const attempt = async (gw: RunningGateway, input: ConnectInput, options: { origin?: string; headers?: Record<string, string> } = {}) => {
  const { client, response } = await connectRaw(gw.url, input, options)
  if (response.ok) {
    client.close()
    return { ok: true as const, payload: response.payload, error: undefined, closed: undefined }
  }
  return { ok: false as const, payload: undefined, error: response.error!, closed: await client.closed }
}

const withGateway = (config: Record<string, unknown>, body: (gw: () => RunningGateway) => void) => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", ...config } })
  })
  afterAll(() => gw.stop())
  body(() => gw)
}

describe("password mode (spec 6)", () => {
  withGateway({ auth: { mode: "password", password: PASSWORD } }, (gw) => {
    it("the right password connects", async () => {
      expect((await attempt(gw(), { password: PASSWORD })).ok).toBe(true)
    })

    it("no password: AUTH_PASSWORD_MISSING, update_auth_configuration, close 1008 with the message", async () => {
      const r = await attempt(gw(), { device: null })
      expect(r.error).toMatchObject({
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway password missing (set gateway.remote.password to match gateway.auth.password)",
        details: { code: "AUTH_PASSWORD_MISSING", authReason: "password_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" }
      })
      expect(r.closed).toEqual({ code: 1008, reason: r.error?.message })
    })

    it("a wrong password: AUTH_PASSWORD_MISMATCH, update_auth_credentials, no device-token retry", async () => {
      const r = await attempt(gw(), { password: "nope" })
      expect(r.error?.details).toEqual({ code: "AUTH_PASSWORD_MISMATCH", authReason: "password_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" })
      expect(r.closed?.code).toBe(1008)
    })

    it("a Control UI client gets the dashboard hint", async () => {
      const r = await attempt(gw(), { password: "nope", clientId: "openclaw-control-ui", clientMode: "ui" }, { origin: "http://127.0.0.1:5173" })
      expect(r.error?.message).toBe("unauthorized: gateway password mismatch (open the dashboard URL and paste the password in Control UI settings)")
    })
  })
})

describe("a mode whose secret is not configured", () => {
  withGateway({ auth: { mode: "token" } }, (gw) => {
    it("token: AUTH_TOKEN_NOT_CONFIGURED", async () => {
      const r = await attempt(gw(), { token: "anything" })
      expect(r.error).toMatchObject({
        message: "unauthorized: gateway token not configured on gateway (set gateway.auth.token)",
        details: { code: "AUTH_TOKEN_NOT_CONFIGURED", authReason: "token_missing_config", recommendedNextStep: "update_auth_configuration" }
      })
      expect(r.closed?.code).toBe(1008)
    })
  })
  withGateway({ auth: { mode: "password" } }, (gw) => {
    it("password: AUTH_PASSWORD_NOT_CONFIGURED", async () => {
      const r = await attempt(gw(), { password: "anything" })
      expect(r.error).toMatchObject({
        message: "unauthorized: gateway password not configured on gateway (set gateway.auth.password)",
        details: { code: "AUTH_PASSWORD_NOT_CONFIGURED", authReason: "password_missing_config" }
      })
    })
  })
})

describe("rate limiting of failed auth (spec 8)", () => {
  withGateway({ auth: { mode: "token", token: TOKEN }, controlUi: { allowedOrigins: ["http://app.example", "http://other.example"] } }, (gw) => {
    it("plain loopback clients are exempt: the 12th wrong token is still a mismatch", async () => {
      for (let i = 0; i < 12; i++) {
        const r = await attempt(gw(), { token: "wrong", device: null })
        expect(r.error?.details?.["code"]).toBe("AUTH_TOKEN_MISMATCH")
      }
      expect((await attempt(gw(), { token: TOKEN })).ok).toBe(true)
    })

    it("a browser origin on loopback is locked after 10 failures, keyed by its origin", async () => {
      const origin = { origin: "http://app.example" }
      for (let i = 0; i < 10; i++) {
        expect((await attempt(gw(), { token: "wrong", device: null }, origin)).error?.details?.["code"]).toBe("AUTH_TOKEN_MISMATCH")
      }
      const locked = await attempt(gw(), { token: "wrong", device: null }, origin)
      expect(locked.error).toMatchObject({
        code: "INVALID_REQUEST",
        message: "unauthorized: too many failed authentication attempts (retry later)",
        retryable: true,
        details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited", recommendedNextStep: "wait_then_retry" }
      })
      expect(locked.error?.retryAfterMs).toBeGreaterThan(290_000)
      expect(locked.error?.retryAfterMs).toBeLessThanOrEqual(300_000)
      expect(locked.closed?.code).toBe(1008)
      // Locked means locked: even the right token is refused from that origin.
      expect((await attempt(gw(), { token: TOKEN, device: null }, origin)).error?.details?.["code"]).toBe("AUTH_RATE_LIMITED")
      // Another origin and plain loopback keep working.
      expect((await attempt(gw(), { token: TOKEN, device: null }, { origin: "http://other.example" })).ok).toBe(true)
      expect((await attempt(gw(), { token: TOKEN })).ok).toBe(true)
    })
  })

  withGateway({ auth: { mode: "token", token: TOKEN, rateLimit: { maxAttempts: 3, exemptLoopback: false, lockoutMs: 60_000 } } }, (gw) => {
    it("gateway.auth.rateLimit is honoured: exemptLoopback false locks loopback after maxAttempts", async () => {
      for (let i = 0; i < 3; i++) expect((await attempt(gw(), { token: "wrong", device: null })).error?.details?.["code"]).toBe("AUTH_TOKEN_MISMATCH")
      const locked = await attempt(gw(), { token: TOKEN, device: null })
      expect(locked.error?.details?.["code"]).toBe("AUTH_RATE_LIMITED")
      expect(locked.error?.retryAfterMs).toBeLessThanOrEqual(60_000)
    })
  })
})

describe("origin checks (spec 3.5)", () => {
  withGateway({ auth: { mode: "token", token: TOKEN }, controlUi: { allowedOrigins: ["https://ui.example"] } }, (gw) => {
    const originError = {
      code: "INVALID_REQUEST",
      message: "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)",
      details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED" }
    }
    it("a foreign origin is refused with CONTROL_UI_ORIGIN_NOT_ALLOWED and 1008, before any credential check", async () => {
      const r = await attempt(gw(), { token: TOKEN }, { origin: "https://evil.example" })
      expect(r.error).toMatchObject({ ...originError, details: { ...originError.details, reason: "origin not allowed" } })
      expect(r.closed).toEqual({ code: 1008, reason: originError.message.slice(0, 120) })
    })

    it("a null origin is 'origin missing or invalid'", async () => {
      const r = await attempt(gw(), { token: TOKEN }, { origin: "null" })
      expect(r.error?.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin missing or invalid" })
    })

    it("a browser UI without any Origin is refused too", async () => {
      const r = await attempt(gw(), { token: TOKEN, clientId: "openclaw-control-ui", clientMode: "ui" })
      expect(r.error?.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin missing or invalid" })
    })

    it("an allowed origin (default port dropped) and a loopback origin on a local-direct socket pass", async () => {
      expect((await attempt(gw(), { token: TOKEN, device: null }, { origin: "https://ui.example:443" })).ok).toBe(true)
      expect((await attempt(gw(), { token: TOKEN, device: null }, { origin: "http://localhost:5173" })).ok).toBe(true)
    })

    it("a new device from a browser origin is not auto-paired unless it is the Control UI", async () => {
      const r = await attempt(gw(), { token: TOKEN }, { origin: "https://ui.example" })
      expect(r.error?.details).toMatchObject({ code: "PAIRING_REQUIRED", reason: "not-paired" })
    })

    it("the origin check's local client is the loopback peer without forwarding headers; Host is not consulted (control-ui spec §4)", async () => {
      // From 127.0.0.1 a loopback page origin passes whatever the Host header says...
      const viaOtherHost = await attempt(gw(), { token: TOKEN }, { origin: "http://localhost:5173", headers: { host: "gateway.example" } })
      expect(viaOtherHost.error?.details?.["code"]).not.toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED")
      // ...a page served from this host under a .local name is a private same-origin page...
      const local = await attempt(gw(), { token: TOKEN, device: null }, { origin: "http://gateway.local:18789", headers: { host: "gateway.local:18789" } })
      expect(local.ok).toBe(true)
      // ...a public-looking name is not, and a forwarded request is no local client.
      const test = await attempt(gw(), { token: TOKEN }, { origin: "http://gateway.test:18789", headers: { host: "gateway.test:18789" } })
      expect(test.error?.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" })
      const forwarded = await attempt(gw(), { token: TOKEN }, { origin: "http://localhost:5173", headers: { "x-forwarded-for": "203.0.113.9" } })
      expect(forwarded.error?.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" })
    })

    it("a private-IP page is same-origin only when Origin and Host name the same host and port", async () => {
      const same = await attempt(gw(), { token: TOKEN, device: null }, { origin: "http://192.168.1.20:18789", headers: { host: "192.168.1.20:18789" } })
      expect(same.error?.details?.["code"]).not.toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED")
      const otherPort = await attempt(gw(), { token: TOKEN }, { origin: "http://192.168.1.20:9999", headers: { host: "192.168.1.20:18789" } })
      expect(otherPort.error?.details?.["code"]).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED")
      const publicIp = await attempt(gw(), { token: TOKEN }, { origin: "http://203.0.113.5:18789", headers: { host: "203.0.113.5:18789" } })
      expect(publicIp.error?.details?.["code"]).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED")
    })
  })
})

describe("device-less connections (spec 3.4)", () => {
  withGateway({ auth: { mode: "token", token: TOKEN }, controlUi: { allowedOrigins: ["http://gateway.example"] } }, (gw) => {
    it("a node without a device identity: NOT_PAIRED device identity required, 1008", async () => {
      const r = await attempt(gw(), { token: TOKEN, role: "node", clientId: "node-host", clientMode: "node", scopes: [], device: null })
      expect(r.error).toMatchObject({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } })
      expect(r.closed).toEqual({ code: 1008, reason: "device identity required" })
    })

    it("a device-less Control UI off local-direct needs a secure context", async () => {
      const r = await attempt(gw(), { token: TOKEN, clientId: "openclaw-control-ui", clientMode: "ui", device: null }, {
        origin: "http://gateway.example",
        headers: { host: "gateway.example" }
      })
      expect(r.error).toMatchObject({
        code: "INVALID_REQUEST",
        message: "control ui requires device identity (use HTTPS or localhost secure context)",
        details: { code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED" }
      })
      expect(r.closed?.code).toBe(1008)
    })

    it("unknown client ids are refused with the allowed set (the value sent is not repeated: it could be a secret)", async () => {
      const r = await attempt(gw(), { token: TOKEN, clientId: "some-tool", device: null })
      expect(r.error?.message).toMatch(/^invalid connect params: client\.id: expected one of "cli", "gateway-client", [^;]*"test"$/)
    })

    it("a device-less operator that is not the local cli gets its scopes cleared", async () => {
      const r = await attempt(gw(), { token: TOKEN, clientId: "openclaw-tui", clientMode: "cli", device: null })
      expect(r.payload.auth).toEqual({ method: "token", role: "operator", scopes: [] })
    })
  })
})

describe("proxies", () => {
  withGateway({ auth: { mode: "token", token: TOKEN } }, (gw) => {
    it("forwarding headers from a loopback peer not in gateway.trustedProxies are refused: proxy_attribution_required", async () => {
      const r = await attempt(gw(), { token: TOKEN }, { headers: { "x-forwarded-for": "203.0.113.7" } })
      expect(r.error).toMatchObject({
        code: "INVALID_REQUEST",
        details: { code: "AUTH_UNAUTHORIZED", authReason: "proxy_attribution_required", recommendedNextStep: "review_auth_configuration" }
      })
      expect(r.error?.message).toContain("gateway.trustedProxies")
      expect(r.closed?.code).toBe(1008)
    })
  })

  const trustedProxy = { userHeader: "x-forwarded-user", requiredHeaders: ["x-forwarded-proto"], allowUsers: ["alice"], allowLoopback: true }
  withGateway({ auth: { mode: "trusted-proxy", password: PASSWORD, trustedProxy }, trustedProxies: ["127.0.0.1"] }, (gw) => {
    const via = (headers: Record<string, string>) => ({ headers: { "x-forwarded-for": "198.51.100.4", ...headers } })
    it("the proxy's user header authenticates; a device-less session has no scopes", async () => {
      const r = await attempt(gw(), { device: null, clientId: "gateway-client", clientMode: "backend" }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https" }))
      expect(r.ok).toBe(true)
      expect(r.payload.auth.scopes).toEqual([])
      expect(r.payload.snapshot.authMode).toBe("trusted-proxy")
    })

    // A proxied client is remote however the proxy reaches us: its new device waits for an operator's approval
    // (the original auto-approves here only with trustedProxy.deviceAutoApprove, which this version does not run).
    const pairThroughProxy = async (device: ReturnType<typeof generateDeviceKeyPair>, scopes: ReadonlyArray<string>) => {
      const first = await attempt(gw(), { device, scopes: [...scopes] }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https" }))
      expect(first.error?.details).toMatchObject({ code: "PAIRING_REQUIRED" })
      const admin = await connectRaw(gw().url, { password: PASSWORD, device: null })
      expect(await call(admin.client, "device.pair.approve", { requestId: first.error?.details?.requestId })).toMatchObject({ ok: true })
      admin.client.close()
    }

    it("with a device, the proxied user's new device waits for approval, then gets its scopes", async () => {
      const device = generateDeviceKeyPair()
      await pairThroughProxy(device, ["operator.read"])
      const r = await attempt(gw(), { device, scopes: ["operator.read"] }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https" }))
      expect(r.payload.auth.scopes).toEqual(["operator.read"])
    })

    it("x-openclaw-scopes from the proxy caps the session's scopes (the device keeps its grant)", async () => {
      const device = generateDeviceKeyPair()
      await pairThroughProxy(device, ["operator.read", "operator.write"])
      const capped = await attempt(gw(), { device, scopes: ["operator.read", "operator.write"] }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https", "x-openclaw-scopes": "operator.read" }))
      expect(capped.payload.auth.scopes).toEqual(["operator.read"])
      const none = await attempt(gw(), { device, scopes: ["operator.read", "operator.write"] }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https", "x-openclaw-scopes": "" }))
      expect(none.payload.auth.scopes).toEqual([])
      const uncapped = await attempt(gw(), { device, scopes: ["operator.read", "operator.write"] }, via({ "x-forwarded-user": "alice", "x-forwarded-proto": "https" }))
      expect(uncapped.payload.auth.scopes).toEqual(["operator.read", "operator.write"])
    })

    it("a missing required header: AUTH_IDENTITY_HEADER_REQUIRED naming the header", async () => {
      const r = await attempt(gw(), { device: null }, via({ "x-forwarded-user": "alice" }))
      expect(r.error?.details).toMatchObject({ code: "AUTH_IDENTITY_HEADER_REQUIRED", authReason: "trusted_proxy_missing_header_x-forwarded-proto" })
    })

    it("a missing user: AUTH_IDENTITY_HEADER_REQUIRED trusted_proxy_user_missing", async () => {
      const r = await attempt(gw(), { device: null }, via({ "x-forwarded-proto": "https" }))
      expect(r.error?.details).toMatchObject({ code: "AUTH_IDENTITY_HEADER_REQUIRED", authReason: "trusted_proxy_user_missing" })
    })

    it("a user outside allowUsers: AUTH_UNAUTHORIZED trusted_proxy_user_not_allowed", async () => {
      const r = await attempt(gw(), { device: null }, via({ "x-forwarded-user": "mallory", "x-forwarded-proto": "https" }))
      expect(r.error?.details).toMatchObject({ code: "AUTH_UNAUTHORIZED", authReason: "trusted_proxy_user_not_allowed" })
      expect(r.closed?.code).toBe(1008)
    })

    it("a local-direct client (no forwarding headers) may use gateway.auth.password instead", async () => {
      expect((await attempt(gw(), { password: PASSWORD })).ok).toBe(true)
      const wrong = await attempt(gw(), { password: "nope" })
      expect(wrong.error?.details).toMatchObject({ code: "AUTH_PASSWORD_MISMATCH" })
    })
  })

  withGateway({
    auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", allowUsers: ["alice", "bob@example.com"], allowLoopback: true }, identityScopes: { "Bob@Example.com": ["operator.read", "operator.write"] } },
    trustedProxies: ["127.0.0.1"]
  }, (gw) => {
    it("gateway.auth.identityScopes grants a verified identity session scopes (device-less too), capped by x-openclaw-scopes", async () => {
      const as = (user: string, extra: Record<string, string> = {}) => ({ headers: { "x-forwarded-for": "198.51.100.4", "x-forwarded-user": user, ...extra } })
      const bob = await attempt(gw(), { device: null }, as("bob@example.com"))
      expect(bob.payload.auth.scopes).toEqual(["operator.read", "operator.write"])
      const capped = await attempt(gw(), { device: null }, as("bob@example.com", { "x-openclaw-scopes": "operator.read" }))
      expect(capped.payload.auth.scopes).toEqual(["operator.read"])
      const alice = await attempt(gw(), { device: null }, as("alice"))
      expect(alice.payload.auth.scopes).toEqual([])
    })
  })

  withGateway({
    auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", allowUsers: ["alice"], allowLoopback: true }, rateLimit: { maxAttempts: 2, lockoutMs: 60_000 } },
    trustedProxies: ["127.0.0.1"]
  }, (gw) => {
    it("behind the proxy, failed attempts lock out the forwarded client, not the proxy (so other clients still get in)", async () => {
      const from = (client: string, user: string) => ({ headers: { "x-forwarded-for": client, "x-forwarded-user": user } })
      for (let i = 0; i < 2; i++) {
        const denied = await attempt(gw(), { device: null }, from("198.51.100.4", "mallory"))
        expect(denied.error?.details).toMatchObject({ authReason: "trusted_proxy_user_not_allowed" })
      }
      const locked = await attempt(gw(), { device: null }, from("198.51.100.4", "alice"))
      expect(locked.error?.details).toMatchObject({ code: "AUTH_RATE_LIMITED" })
      // A forged left-most hop does not escape: the right-most untrusted hop is the one counted.
      const forged = await attempt(gw(), { device: null }, from("1.2.3.4, 198.51.100.4", "alice"))
      expect(forged.error?.details).toMatchObject({ code: "AUTH_RATE_LIMITED" })
      const other = await attempt(gw(), { device: null }, from("198.51.100.5", "alice"))
      expect(other.ok).toBe(true)
    })
  })

  withGateway({ auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user" } }, trustedProxies: ["127.0.0.1"] }, (gw) => {
    it("a loopback proxy without allowLoopback: trusted_proxy_loopback_source", async () => {
      const r = await attempt(gw(), { device: null }, { headers: { "x-forwarded-for": "198.51.100.4", "x-forwarded-user": "alice" } })
      expect(r.error?.details).toMatchObject({ code: "AUTH_UNAUTHORIZED", authReason: "trusted_proxy_loopback_source" })
    })
  })

  withGateway({ auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", allowLoopback: true } }, trustedProxies: ["10.0.0.0/8"] }, (gw) => {
    it("a source outside gateway.trustedProxies: refused before identity headers are read", async () => {
      const r = await attempt(gw(), { device: null }, { headers: { "x-forwarded-user": "alice" } })
      expect(r.error?.details).toMatchObject({ code: "AUTH_UNAUTHORIZED", authReason: "trusted_proxy_untrusted_source" })
    })
  })

  it("a non-loopback source that is one of this host's own addresses is refused as a spoof", () => {
    const auth = resolveGatewayAuth({ auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-user" } }, trustedProxies: ["192.168.1.0/24"] }, {})
    const peer = (ip: string) => ({ ip, host: "gw.example", origin: undefined, headers: { "x-user": "alice" } })
    expect(checkTrustedProxy(auth, peer("192.168.1.5"), ["127.0.0.1", "192.168.1.5"])).toMatchObject({ ok: false, reason: "trusted_proxy_local_interface_source" })
    expect(checkTrustedProxy(auth, peer("192.168.1.9"), ["127.0.0.1", "192.168.1.5"])).toEqual({ ok: true, method: "trusted-proxy", user: "alice" })
  })
})

describe("device tokens at connect (spec 3.3)", () => {
  withGateway({ auth: { mode: "token", token: TOKEN } }, (gw) => {
    it("a device token asked for more scopes than it carries: AUTH_SCOPE_MISMATCH", async () => {
      const device = generateDeviceKeyPair()
      const first = await attempt(gw(), { token: TOKEN, device, scopes: ["operator.read"] })
      const deviceToken = first.payload.auth.deviceToken as string
      const r = await attempt(gw(), { deviceToken, device, scopes: ["operator.read", "operator.admin"] })
      expect(r.error?.details).toMatchObject({ code: "AUTH_SCOPE_MISMATCH", authReason: "scope_mismatch" })
      expect(r.closed?.code).toBe(1008)
    })

    it("a wrong shared token with a device sent offers the one device-token retry, which then succeeds", async () => {
      const device = generateDeviceKeyPair()
      const first = await attempt(gw(), { token: TOKEN, device, scopes: ["operator.read"] })
      const deviceToken = first.payload.auth.deviceToken as string
      const wrong = await attempt(gw(), { token: "stale-shared-token", device, scopes: ["operator.read"] })
      expect(wrong.error?.details).toMatchObject({ code: "AUTH_TOKEN_MISMATCH", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" })
      const retry = await attempt(gw(), { token: "stale-shared-token", deviceToken, device, scopes: ["operator.read"] })
      expect(retry.ok).toBe(true)
    })
  })
})
