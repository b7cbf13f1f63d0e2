import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Browser, Page } from "playwright-core"
import { connectFrames, launchChromium, newProfile, startUiServer, type UiServer, waitFor } from "../support/controlUiHarness.js"
import { type FakeTelegram, startFakeTelegram } from "../support/fakeTelegram.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "control-ui-page-token"
const BOT_TOKEN = "424242:AAcontrol-ui-page-bot"
// Screenshots for a person to look at, only when asked (CONTROL_UI_SHOTS=<folder outside the repo>).
const SHOTS = process.env["CONTROL_UI_SHOTS"]

let browser: Browser
let model: ScriptedModelServer
let telegram: FakeTelegram
let gateway: ChildProcess
let home: ReturnType<typeof tempHome>
let logFile: string
let gatewayPort: number
/** The page as the gateway serves it (its HTTP root; the socket on the same origin). */
let ui: { readonly origin: string; readonly port: number }
/** The same page behind a proxy that says the browser is 203.0.113.9 (a remote client). */
let remoteUi: UiServer

const shoot = async (page: Page, name: string) => {
  if (SHOTS === undefined) return
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false })
}

/** Opens the page with `#token=` and waits until the overview shows health. */
const openPaired = async (page: Page, base: string, token = TOKEN) => {
  await page.goto(`${base}/#token=${token}`)
  await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
}

beforeAll(async () => {
  model = await startScriptedModelServer([], { text: "The answer is forty-two, streamed in pieces.", chunks: 4, delayMs: 120 })
  telegram = await startFakeTelegram(BOT_TOKEN)
  home = tempHome()
  logFile = path.join(home.home, "logs", "gateway.log")
  const [port, remotePort] = await Promise.all([freePort(), freePort()])
  gatewayPort = port
  writeConfig(home.configPath, {
    gateway: {
      mode: "local",
      port,
      auth: { mode: "token", token: TOKEN },
      trustedProxies: ["127.0.0.1"],
      controlUi: { allowedOrigins: [`http://127.0.0.1:${remotePort}`, `http://gateway.test:${remotePort}`] }
    },
    logging: { file: logFile },
    ...scriptedModelConfig(model),
    // A Telegram account whose DMs use pairing (the default), against the fake Bot API.
    channels: { telegram: { botToken: BOT_TOKEN, apiRoot: telegram.apiRoot } }
  })
  gateway = (await startInBackground(home.home)).child
  ui = { origin: `http://127.0.0.1:${port}`, port }
  remoteUi = await startUiServer({ port: remotePort, gatewayPort: port, forwardedFor: "203.0.113.9" })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await remoteUi?.close()
  if (gateway !== undefined) expect(await stopChild(gateway)).toBe(0)
  await model?.close()
  await telegram?.close()
  if (home !== undefined) fs.rmSync(home.home, { recursive: true, force: true })
}, 30_000)

describe("Control UI page in Chromium", () => {
  it("first visit from `openclaw dashboard`'s URL pairs this browser (local auto-approval), strips the token and shows health", async () => {
    const { context, page, frames } = await newProfile(browser)
    const problems: Array<string> = []
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text())
    })
    page.on("pageerror", (error) => problems.push(error.message))
    const dashboard = home.run(["dashboard", "--json"])
    expect(dashboard.code, dashboard.stderr).toBe(0)
    const url = JSON.parse(dashboard.stdout).url as string
    expect(url).toBe(`${ui.origin}/#token=${TOKEN}`)
    const started = Date.now()
    await page.goto(url)
    await page.locator("nav a").first().waitFor()
    const wallMs = Date.now() - started
    // From navigation start to the shell on screen, as the page marks it.
    const firstRenderMs = await page.evaluate(() => performance.getEntriesByName("openclaw:first-render")[0]?.startTime ?? -1)
    expect(firstRenderMs).toBeGreaterThan(0)
    await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
    expect(await page.getByTestId("health-state").textContent()).toContain("Healthy")
    // The secret left the address bar and history.
    expect(page.url()).toBe(`${ui.origin}/`)
    const [connect] = connectFrames(frames)
    expect(connect?.client).toMatchObject({ id: "openclaw-control-ui", mode: "webchat" })
    expect(connect?.auth).toEqual({ token: TOKEN })
    expect(connect?.device?.nonce).toBe((frames.find((f) => f.data["event"] === "connect.challenge")?.data["payload"] as any).nonce)
    const hello = frames.find((f) => f.direction === "received" && (f.data["payload"] as any)?.type === "hello-ok")?.data["payload"] as any
    expect(hello.auth.deviceToken).toEqual(expect.any(String))
    // Stored under the original's keys, so either UI can use this profile.
    // Page-side code goes as strings: the test project has no DOM types.
    const storage = await page.evaluate(`({
      identity: JSON.parse(localStorage.getItem("openclaw-device-identity-v1") ?? "null"),
      auth: JSON.parse(localStorage.getItem("openclaw.device.auth.v1:ws://" + location.host) ?? "null"),
      token: sessionStorage.getItem("openclaw.control.token.v1:ws://" + location.host)
    })`) as any
    expect(storage.identity).toMatchObject({ version: 1, deviceId: connect?.device?.id })
    expect(storage.identity.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(storage.auth.tokens.operator).toMatchObject({ token: hello.auth.deviceToken, role: "operator" })
    expect(storage.token).toBe(TOKEN)
    // The device is now paired on the gateway.
    const paired = JSON.parse(home.run(["devices", "list", "--json"], { OPENCLAW_GATEWAY_TOKEN: TOKEN }).stdout || "{}")
    expect(JSON.stringify(paired)).toContain(connect?.device?.id)
    // No CSP violation, no script error.
    expect(problems).toEqual([])
    console.log(`control ui first render on loopback: ${Math.round(firstRenderMs)} ms after navigation start (${wallMs} ms wall, goto to shell)`)
    await context.close()
  }, 60_000)

  it("a page served elsewhere asks before switching to the link's gatewayUrl, then connects there", async () => {
    // Another origin of the same page, whose own socket also reaches the gateway (its "current" gateway).
    const plain = await startUiServer({ gatewayPort })
    try {
      const { context, page, frames } = await newProfile(browser)
      const target = `ws://127.0.0.1:${ui.port}`
      await page.goto(`${plain.origin}/?gatewayUrl=${encodeURIComponent(target)}#token=${TOKEN}`)
      const dialog = page.getByRole("dialog", { name: "Switch to a different Gateway?" })
      await dialog.waitFor({ timeout: 20_000 })
      await shoot(page, "dialog-switch-gateway-1280")
      expect(connectFrames(frames)).toHaveLength(0)
      await page.getByRole("button", { name: `Switch to 127.0.0.1:${ui.port}` }).click()
      await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
      expect(page.url()).toBe(`${plain.origin}/`)
      // Remembered for this page's origin: a reload goes to the same gateway without asking.
      await page.reload()
      await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
      await context.close()

      // Keeping the current gateway drops the link's token with it.
      const keep = await newProfile(browser)
      await keep.page.goto(`${plain.origin}/?gatewayUrl=${encodeURIComponent(target)}#token=${TOKEN}`)
      await keep.page.getByRole("button", { name: "Keep current Gateway" }).click()
      await keep.page.locator('.screen[data-code="AUTH_TOKEN_MISSING"]').waitFor({ timeout: 20_000 })
      expect(connectFrames(keep.frames).length).toBeGreaterThan(0)
      expect(connectFrames(keep.frames).every((c) => c.auth === undefined)).toBe(true)
      await keep.context.close()
    } finally {
      await plain.close()
    }
  }, 60_000)

  it("a wrong token shows the mismatch screen; a paired profile does the one retry with its device token", async () => {
    const fresh = await newProfile(browser)
    await fresh.page.goto(`${ui.origin}/#token=wrong-token`)
    const screen = fresh.page.locator('.screen[data-code="AUTH_TOKEN_MISMATCH"]')
    await screen.waitFor({ timeout: 20_000 })
    expect(await screen.locator("h2").textContent()).toBe("This Gateway expects its token")
    expect(await screen.textContent()).toContain("rejected the supplied Gateway secret")
    await expect(fresh.page.locator("#token-input").isVisible()).resolves.toBe(true)
    await shoot(fresh.page, "screen-token-mismatch-1280")
    // No stored device token: nothing to retry with, and the page stops (no reconnect loop).
    await fresh.page.waitForTimeout(1_500)
    expect(connectFrames(fresh.frames)).toHaveLength(1)
    // Pasting the right token connects.
    await fresh.page.locator("#token-input").fill(TOKEN)
    await fresh.page.getByRole("button", { name: "Connect" }).click()
    await fresh.page.getByTestId("health-state").waitFor({ timeout: 20_000 })
    await fresh.context.close()

    const paired = await newProfile(browser)
    await openPaired(paired.page, ui.origin)
    const before = connectFrames(paired.frames).length
    await paired.page.goto(`${ui.origin}/#token=wrong-token`)
    await paired.page.getByTestId("health-state").waitFor({ timeout: 20_000 })
    const attempts = connectFrames(paired.frames).slice(before)
    expect(attempts).toHaveLength(2)
    expect(attempts[0]?.auth).toEqual({ token: "wrong-token" })
    const stored = await paired.page.evaluate(`JSON.parse(localStorage.getItem("openclaw.device.auth.v1:ws://" + location.host) ?? "null")`) as any
    expect(attempts[1]?.auth).toEqual({ token: "wrong-token", deviceToken: stored.tokens.operator.token })
    const mismatch = paired.frames.find((f) => f.direction === "received" && (f.data["error"] as any)?.details?.code === "AUTH_TOKEN_MISMATCH")
    expect(mismatch).toBeDefined()

    // With its device token revoked the one retry fails too: the page forgets that token and stops.
    const deviceId = attempts[1]?.device?.id as string
    const revoked = home.run(["devices", "revoke", deviceId, "--role", "operator"], { OPENCLAW_GATEWAY_TOKEN: TOKEN })
    expect(revoked.code, revoked.stderr).toBe(0)
    await paired.page.goto(`${ui.origin}/overview#token=wrong-again`)
    await paired.page.locator('.screen[data-code="AUTH_DEVICE_TOKEN_MISMATCH"]').waitFor({ timeout: 20_000 })
    await paired.page.waitForTimeout(1_500)
    const last = connectFrames(paired.frames).filter((c) => c.auth?.token === "wrong-again")
    expect(last.map((c) => Object.keys(c.auth).sort())).toEqual([["token"], ["deviceToken", "token"]])
    expect(await paired.page.evaluate(`JSON.parse(localStorage.getItem("openclaw.device.auth.v1:ws://" + location.host)).tokens.operator ?? null`)).toBe(null)
    await paired.context.close()
  }, 60_000)

  it("an origin outside the allowlist shows its screen and keeps retrying", async () => {
    const { context, page, frames } = await newProfile(browser)
    // gateway.test resolves to 127.0.0.1 but is not a loopback origin, and not in gateway.controlUi.allowedOrigins.
    await page.goto(`http://gateway.test:${ui.port}/#token=${TOKEN}`)
    const screen = page.locator('.screen[data-code="CONTROL_UI_ORIGIN_NOT_ALLOWED"]')
    await screen.waitFor({ timeout: 20_000 })
    expect(await screen.locator("h2").textContent()).toBe("Browser origin not allowed")
    expect(await screen.textContent()).toContain("gateway.controlUi.allowedOrigins")
    expect(await screen.textContent()).toContain(`http://gateway.test:${ui.port}`)
    await shoot(page, "screen-origin-not-allowed-1280")
    await waitFor(() => connectFrames(frames).length >= 2, "a second attempt (the page keeps retrying)", 10_000)
    await context.close()
  }, 60_000)

  it("a plain-HTTP page on a non-local name (no WebCrypto) shows the secure-context screen", async () => {
    const { context, page, frames } = await newProfile(browser)
    // Allowed origin, but an insecure context: the page has no device identity to offer.
    await page.goto(`http://gateway.test:${remoteUi.port}/#token=${TOKEN}`)
    const screen = page.locator('.screen[data-code="CONTROL_UI_DEVICE_IDENTITY_REQUIRED"]')
    await screen.waitFor({ timeout: 20_000 })
    expect(await screen.locator("h2").textContent()).toBe("Secure browser context required")
    expect(await screen.textContent()).toContain("Use HTTPS or localhost")
    expect(connectFrames(frames)[0]?.device).toBeUndefined()
    await shoot(page, "screen-secure-context-1280")
    await context.close()
  }, 60_000)

  it("a remote browser waits for approval; approving it from another page lets it in", async () => {
    const remote = await newProfile(browser)
    await remote.page.goto(`${remoteUi.origin}/#token=${TOKEN}`)
    const screen = remote.page.locator('.screen[data-code="PAIRING_REQUIRED"]')
    await screen.waitFor({ timeout: 20_000 })
    expect(await screen.locator("h2").textContent()).toBe("Approve this browser")
    expect(await screen.textContent()).toContain("Waiting for approval…")
    const command = await screen.locator(".command").textContent()
    const requestId = /openclaw devices approve (\S+)/.exec(command ?? "")?.[1]
    expect(requestId).toBeDefined()
    await shoot(remote.page, "screen-pairing-1280")

    const admin = await newProfile(browser)
    await openPaired(admin.page, ui.origin)
    await admin.page.getByRole("link", { name: "Devices & nodes" }).click()
    const approve = admin.page.locator(`button[data-request-id="${requestId}"]`)
    await approve.waitFor({ timeout: 20_000 })
    await shoot(admin.page, "view-devices-1280")
    await approve.click()
    await admin.page.getByText("device.pair.approve: done").waitFor()
    // The waiting page polls and gets in on its own.
    await remote.page.getByTestId("health-state").waitFor({ timeout: 20_000 })
    expect(await remote.page.locator("#connection").isHidden()).toBe(true)
    await admin.context.close()
    await remote.context.close()
  }, 90_000)

  it("a chat message gets a streamed reply from the model", async () => {
    const { context, page, frames } = await newProfile(browser)
    await openPaired(page, ui.origin)
    await page.getByRole("link", { name: "Chat" }).click()
    await page.locator("#chat-input").fill("What is the answer?")
    await page.keyboard.press("Enter")
    const reply = page.locator(".msg-assistant .text").last()
    // Locators, not waitForFunction: the gateway's CSP (no unsafe-eval) refuses string functions in the page.
    await page.locator(".msg-assistant.streaming").first().waitFor({ timeout: 20_000 })
    await expect.poll(() => reply.textContent(), { timeout: 20_000 }).toBe("The answer is forty-two, streamed in pieces.")
    const deltas = frames.filter((f) => f.data["event"] === "chat" && (f.data["payload"] as any)?.state === "delta")
    expect(deltas.length).toBeGreaterThanOrEqual(2)
    await waitFor(() => frames.some((f) => f.data["event"] === "chat" && (f.data["payload"] as any)?.state === "final"), "the final chat event")
    await page.locator(".msg-assistant.streaming").first().waitFor({ state: "detached" })
    expect(page.url()).toBe(`${ui.origin}/chat`)
    await shoot(page, "view-chat-1280")
    // A deep link works under SPA fallback and shows the history.
    await page.goto(`${ui.origin}/chat/main`)
    await expect.poll(() => page.locator(".msg-user .text").first().textContent(), { timeout: 20_000 }).toBe("What is the answer?")
    await context.close()
  }, 60_000)

  it("logs stream live: a line written to the gateway log appears", async () => {
    const { context, page, frames } = await newProfile(browser)
    await openPaired(page, ui.origin)
    await page.getByRole("link", { name: "Logs" }).click()
    await waitFor(() => frames.some((f) => (f.data["payload"] as any)?.cursor !== undefined && (f.data["payload"] as any)?.lines !== undefined), "a first logs.tail answer")
    const marker = `control-ui-live-marker-${Date.now()}`
    fs.appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), level: "info", subsystem: "test", msg: marker })}\n`)
    await page.locator(".log-line", { hasText: marker }).waitFor({ timeout: 10_000 })
    const tails = frames.filter((f) => f.direction === "sent" && f.data["method"] === "logs.tail")
    expect((tails.at(-1)?.data["params"] as any)?.cursor).toEqual(expect.any(Number))
    await shoot(page, "view-logs-1280")
    await context.close()
  }, 60_000)

  it("channels: a Telegram DM pairing request is listed, one is rejected and the next approved from the page; the approved sender's next DM is answered", async () => {
    const { context, page } = await newProfile(browser)
    await openPaired(page, ui.origin)
    await page.getByRole("link", { name: "Channels" }).click()
    const SENDER = 7373
    const ask = async () => {
      const before = telegram.sent.length
      telegram.dm(SENDER, "let me in", { first_name: "Ada" })
      await telegram.waitForSent((s) => s.slice(before).some((m) => String(m.chat_id) === String(SENDER)))
    }
    const row = () => page.locator("tr", { hasText: String(SENDER) })
    const allowFile = path.join(home.home, ".openclaw", "credentials", "telegram-default-allowFrom.json")
    await ask()
    await page.getByRole("button", { name: "Refresh" }).nth(1).click()
    await row().waitFor({ timeout: 20_000 })
    await row().getByRole("button", { name: "Reject" }).click()
    await row().waitFor({ state: "detached", timeout: 20_000 })
    expect(fs.existsSync(allowFile) ? fs.readFileSync(allowFile, "utf8") : "").not.toContain(String(SENDER))
    // Rejected is not blocked: the sender asks again, and this time the page approves.
    await ask()
    await page.getByRole("button", { name: "Refresh" }).nth(1).click()
    await row().waitFor({ timeout: 20_000 })
    await row().getByRole("button", { name: "Approve" }).click()
    await row().waitFor({ state: "detached", timeout: 20_000 })
    expect(JSON.parse(fs.readFileSync(allowFile, "utf8")).allowFrom).toContain(String(SENDER))
    model.script.push({ text: "Hello Ada." })
    const before = telegram.sent.length
    telegram.dm(SENDER, "hello again")
    await telegram.waitForSent((s) => s.slice(before).some((m) => String(m.chat_id) === String(SENDER) && m.text === "Hello Ada."), 30_000)
    await context.close()
  }, 90_000)

  it("a config patch is validated: a good one is saved, a bad one refused with its path", async () => {
    const { context, page } = await newProfile(browser)
    await openPaired(page, ui.origin)
    await page.getByRole("link", { name: "Config" }).click()
    await page.locator("pre.config").waitFor({ timeout: 20_000 })
    // Secrets come redacted from config.get.
    expect(await page.locator("pre.config").textContent()).not.toContain(TOKEN)
    await page.locator("#config-patch").fill('{ gateway: { port: "not-a-port" } }')
    await page.getByRole("button", { name: "Validate and save" }).click()
    const refused = page.getByTestId("patch-refused")
    await refused.waitFor({ timeout: 20_000 })
    expect(await refused.textContent()).toContain("gateway.port")
    await shoot(page, "view-config-refused-1280")
    const before = fs.readFileSync(home.configPath, "utf8")
    expect(before).not.toContain("not-a-port")
    await page.locator("#config-patch").fill('{ agents: { defaults: { thinkingDefault: "low" } } }')
    await page.getByRole("button", { name: "Validate and save" }).click()
    await page.getByTestId("patch-ok").waitFor({ timeout: 20_000 })
    expect(fs.readFileSync(home.configPath, "utf8")).toContain("thinkingDefault")
    await context.close()
  }, 60_000)

  it("a gateway restart: the page keeps its view, says it is reconnecting, and reconnects with backoff", async () => {
    const { context, page, frames } = await newProfile(browser)
    await openPaired(page, ui.origin)
    expect(await stopChild(gateway)).toBe(0)
    await page.locator('#connection[data-screen="reconnecting"]').waitFor({ timeout: 20_000 })
    // The view stays on screen under the notice.
    expect(await page.locator('[data-view="overview"]').isVisible()).toBe(true)
    const before = connectFrames(frames).length
    gateway = (await startInBackground(home.home)).child
    await page.locator("#connection").waitFor({ state: "hidden", timeout: 30_000 })
    await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
    // Back with the same credentials, signed over the new gateway's challenge.
    const again = connectFrames(frames).slice(before)
    expect(again.at(-1)?.auth).toEqual({ token: TOKEN })
    const challenges = frames.filter((f) => f.data["event"] === "connect.challenge").map((f) => (f.data["payload"] as any).nonce)
    expect(again.at(-1)?.device?.nonce).toBe(challenges.at(-1))
    await context.close()
  }, 90_000)

  it("every view renders at 1280×800 and 390×844 with keyboard-reachable navigation", async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const { context, page } = await newProfile(browser, viewport)
      await openPaired(page, ui.origin)
      for (const route of ["overview", "chat", "sessions", "channels", "devices", "logs", "automations", "config"]) {
        await page.goto(`${ui.origin}/${route}`)
        await page.locator(`[data-view="${route}"]`).waitFor({ timeout: 20_000 })
        await page.locator("[aria-busy]").first().waitFor({ state: "detached", timeout: 20_000 })
        // Every view's first load succeeds against our gateway (no inline error).
        expect(await page.locator(".error").allTextContents()).toEqual([])
        // Nothing wider than the viewport.
        expect(await page.evaluate(`document.documentElement.scrollWidth <= window.innerWidth`)).toBe(true)
        await shoot(page, `view-${route}-${viewport.width}`)
      }
      // Tab from the top reaches the navigation, and Enter follows a link.
      await page.goto(`${ui.origin}/overview`)
      await page.getByTestId("health-state").waitFor({ timeout: 20_000 })
      await page.keyboard.press("Tab")
      await page.keyboard.press("Tab")
      await page.keyboard.press("Tab")
      const focused = await page.evaluate(`document.activeElement?.textContent`)
      expect(focused).toBe("Chat")
      await page.keyboard.press("Enter")
      await page.locator('[data-view="chat"]').waitFor()
      await context.close()
    }
  }, 120_000)
})
