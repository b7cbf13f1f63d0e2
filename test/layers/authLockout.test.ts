import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { connectRaw } from "../support/rawClient.js"

const TOKEN = "lockout-test-token-0123456789"

describe("wrong device tokens lead to the lockout (issue 18 item 12)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    // Loopback is exempt by default; the test client is on loopback, so the exemption is turned off.
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN, rateLimit: { maxAttempts: 10, exemptLoopback: false, lockoutMs: 60_000 } } } })
  })
  afterAll(() => gw.stop())

  it("30 wrong device tokens: the first 10 are mismatches, the rest AUTH_RATE_LIMITED, and the right token waits for the lockout too", async () => {
    const device = generateDeviceKeyPair()
    const paired = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    const deviceToken = paired.response.payload.auth.deviceToken as string
    paired.client.close()

    const codes: Array<string> = []
    for (let i = 0; i < 30; i++) {
      const { client, response } = await connectRaw(gw.url, { deviceToken: `wrong-device-token-${i}`, device, scopes: ["operator.read"] })
      codes.push(String(response.error?.details?.["code"]))
      if (i === 29) {
        expect(response.error).toMatchObject({
          code: "INVALID_REQUEST",
          message: "unauthorized: too many failed authentication attempts (retry later)",
          retryable: true,
          details: { authReason: "rate_limited", recommendedNextStep: "wait_then_retry" }
        })
        expect(response.error?.retryAfterMs).toBeGreaterThan(0)
        expect(response.error?.retryAfterMs).toBeLessThanOrEqual(60_000)
      }
      await client.closed
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill("AUTH_DEVICE_TOKEN_MISMATCH"))
    expect(codes.slice(10)).toEqual(Array(20).fill("AUTH_RATE_LIMITED"))

    const right = await connectRaw(gw.url, { deviceToken, device, scopes: ["operator.read"] })
    expect(right.response.error?.details?.["code"]).toBe("AUTH_RATE_LIMITED")
    // The shared secret is its own limiter scope: the operator can still get in with it.
    const shared = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read"] })
    expect(shared.response.ok).toBe(true)
    shared.client.close()
  })
})
