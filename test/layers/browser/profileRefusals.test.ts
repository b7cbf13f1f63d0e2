import { Effect, Either, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { BrowserControl, type BrowserRequest } from "../../../src/services/BrowserControl.js"
import { browserControlLayer, managedConfig, tempStateDir } from "../../support/browserHarness.js"

const state = tempStateDir()
const runtime = ManagedRuntime.make(browserControlLayer(managedConfig(18800), state.dir))
afterAll(async () => {
  await runtime.dispose()
  state.remove()
})
const failure = (request: BrowserRequest) =>
  runtime.runPromise(Effect.either(Effect.flatMap(BrowserControl, (b) => b.request(request)))).then((e) => {
    if (Either.isRight(e)) throw new Error(`expected a failure, got ${JSON.stringify(e.right).slice(0, 200)}`)
    return e.left
  })

describe("the chrome (extension) profile", () => {
  it("answers 409 with the original's words for a Chrome extension that is not connected, for start and for actions", async () => {
    const expected = "The OpenClaw Chrome extension is not connected for profile \"chrome\". Open Chrome on this machine and check the extension popup shows \"Connected\". Run `openclaw browser extension install`, load the printed unpacked directory once, and wait for automatic setup."
    for (const request of [
      { method: "POST", path: "/start", query: { profile: "chrome" } },
      { method: "GET", path: "/snapshot", query: { profile: "chrome" } },
      { method: "POST", path: "/navigate", query: { profile: "chrome" }, body: { url: "https://example.com/" } }
    ] satisfies Array<BrowserRequest>) {
      const error = await failure(request)
      expect({ message: error.message, status: error.status }).toEqual({ message: expected, status: 409 })
    }
    const status = await runtime.runPromise(Effect.flatMap(BrowserControl, (b) => b.request({ method: "GET", path: "/", query: { profile: "chrome" } }))) as Record<string, unknown>
    expect(status).toMatchObject({ profile: "chrome", driver: "extension", transport: "extension", running: false })
  })
})

describe("a managed profile whose extraArgs route it through the user's own proxy", () => {
  it("refuses navigations with the original's words while private networks are refused, and launches nothing for them", async () => {
    const proxied = tempStateDir()
    const routed = ManagedRuntime.make(browserControlLayer(managedConfig(18801, { extraArgs: ["--proxy-server=http://127.0.0.1:9"] }), proxied.dir))
    try {
      const outcome = await routed.runPromise(Effect.either(Effect.flatMap(BrowserControl, (b) => b.request({ method: "POST", path: "/navigate", body: { url: "https://example.com/" } }))))
      expect(Either.isLeft(outcome) && outcome.left.message).toBe("Navigation blocked: strict browser SSRF policy cannot be enforced while this browser profile is proxy-routed")
      const status = await routed.runPromise(Effect.flatMap(BrowserControl, (b) => b.request({ method: "GET", path: "/" }))) as Record<string, unknown>
      expect(status["running"]).toBe(false)
    } finally {
      await routed.dispose()
      proxied.remove()
    }
  })
})
