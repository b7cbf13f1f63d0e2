import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { isAlive, startPageServer } from "../support/browserHarness.js"
import { call, connectRaw } from "../support/rawClient.js"

const TOKEN = "browser-e2e-token-0123456789"

/** A gateway child over a temp home with `browser` (and `plugins`) as given. */
const startGateway = async (extra: Record<string, unknown>) => {
  const home = tempHome()
  const port = await freePort()
  writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } }, logging: { file: path.join(home.home, "gateway.log") }, ...extra })
  const { child } = await startInBackground(home.home)
  const cli = (args: ReadonlyArray<string>, timeoutMs = 30_000) => runCliAsync(home.home, args, {}, timeoutMs)
  return { home, port, child, cli, stop: () => stopChild(child) }
}

const chromiumPidsFor = (userDataDir: string) =>
  fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
      return cmd.includes(`--user-data-dir=${userDataDir}`) && !/\) Z /.test(stat)
    } catch {
      return false
    }
  })

describe("openclaw browser through the built CLI and a real gateway (runbook: Browser tool fails)", () => {
  let gw: Awaited<ReturnType<typeof startGateway>>
  let pages: Awaited<ReturnType<typeof startPageServer>>
  let cdpPort: number

  beforeAll(async () => {
    pages = await startPageServer()
    cdpPort = await freePort()
    gw = await startGateway({ browser: { noSandbox: true, ssrfPolicy: { allowedHostnames: ["127.0.0.1"] }, profiles: { openclaw: { cdpPort } } } })
  }, 30_000)
  afterAll(async () => {
    await gw?.stop()
    // No Chromium outlives the gateway.
    expect(chromiumPidsFor(path.join(gw.home.stateDir, "browser", "openclaw", "user-data"))).toEqual([])
    await pages?.close()
  })

  it("browser status before start: the original's lines", async () => {
    const result = await gw.cli(["browser", "status"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe([
      "profile: openclaw", "enabled: true", "running: false", "transport: cdp", `cdpPort: ${cdpPort}`, `cdpUrl: http://127.0.0.1:${cdpPort}`,
      "browser: unknown", "detectedBrowser: chromium", "detectedPath: /usr/bin/chromium", "headless: true (linux-display-fallback)", "profileColor: #FF4500", ""
    ].join("\n"))
  })

  it("the chrome (extension) profile: the original's answer when its Chrome extension is not connected", async () => {
    const result = await gw.cli(["browser", "start", "--browser-profile", "chrome"])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe("GatewayClientRequestError: Error: The OpenClaw Chrome extension is not connected for profile \"chrome\". Open Chrome on this machine and check the extension popup shows \"Connected\". Run `openclaw browser extension install`, load the printed unpacked directory once, and wait for automatic setup.\n")
  })

  it("start, profiles, --json status, navigate, snapshot, act by ref, screenshot, pdf, stop", async () => {
    const started = await gw.cli(["browser", "start", "--browser-profile", "openclaw"])
    expect(started.stderr).toBe("")
    expect(started.stdout).toBe("🦞 browser [openclaw] running: true (headless)\n")
    const profiles = await gw.cli(["browser", "profiles"])
    expect(profiles.stdout).toMatch(/^openclaw: running \(\d+ tabs\) \[default\]\n {2}port: \d+, color: #FF4500\nuser: stopped \[existing-session\]\n {2}transport: chrome-mcp, color: #FF4500\nchrome: stopped \[extension\]\n {2}transport: extension, relayPort: \d+, color: #FF4500\n$/)
    const status = JSON.parse((await gw.cli(["browser", "--json", "status"])).stdout)
    expect(status).toMatchObject({ enabled: true, profile: "openclaw", driver: "openclaw", transport: "cdp", running: true, cdpReady: true, cdpPort, chosenBrowser: "chromium", noSandbox: true, headless: true, headlessSource: "linux-display-fallback", userDataDir: path.join(gw.home.stateDir, "browser", "openclaw", "user-data") })
    expect(isAlive(status.pid)).toBe(true)
    // Trailing --json works too.
    expect(JSON.parse((await gw.cli(["browser", "status", "--json"])).stdout).pid).toBe(status.pid)
    const healthy = await gw.cli(["browser", "doctor"])
    expect(healthy.code).toBe(0)
    expect(healthy.stdout).toContain("OK browser: running (chromium)\n")

    expect((await gw.cli(["browser", "navigate", `${pages.baseUrl}/form`])).stdout).toBe(`navigated to ${pages.baseUrl}/form\n`)
    // The aria format prints Chromium's accessibility tree as the original CLI does.
    const aria = (await gw.cli(["browser", "snapshot", "--format", "aria", "--limit", "40"])).stdout
    expect(aria.split("\n")[0]).toBe(`- RootWebArea "Sign-up form" [ref=ax1]`)
    expect(aria).toMatch(/\n {2,}- textbox "Your name ?" \[ref=ax\d+\]\n/)
    const snapshot = (await gw.cli(["browser", "snapshot"])).stdout
    const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snapshot)?.[1] ?? ""
    const button = /button "Send" \[ref=(\d+)\]/.exec(snapshot)?.[1] ?? ""
    expect(textbox).not.toBe("")
    expect((await gw.cli(["browser", "type", textbox, "Ada Lovelace"])).stdout).toBe("ok\n")
    expect((await gw.cli(["browser", "click", button])).code).toBe(0)
    expect((await gw.cli(["browser", "wait", "--text", "Hello, Ada Lovelace!"])).code).toBe(0)
    expect((await gw.cli(["browser", "evaluate", "--fn", "() => document.querySelector('h1').textContent"])).stdout).toBe("Hello, Ada Lovelace!\n")
    const stale = await gw.cli(["browser", "click", button])
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain(`GatewayClientRequestError: Error: Unknown ref "${button}"`)

    const shot = await gw.cli(["browser", "screenshot"])
    const shotPath = /^MEDIA:(.+)$/m.exec(shot.stdout)?.[1] ?? ""
    expect(fs.readFileSync(shotPath).subarray(1, 4).toString()).toBe("PNG")
    fs.copyFileSync(shotPath, path.join(process.env["BROWSER_SCREENSHOT_DIR"] ?? gw.home.home, "browser-e2e-hello.png"))
    const pdf = await gw.cli(["browser", "pdf"])
    expect(fs.readFileSync(/^MEDIA:(.+)$/m.exec(pdf.stdout)?.[1] ?? "").subarray(0, 5).toString()).toBe("%PDF-")

    const full = await gw.cli(["browser", "screenshot", "--full-page", "--ref", "1"])
    expect(full.code).toBe(1)
    expect(full.stderr).toBe("GatewayClientRequestError: Error: fullPage is not supported for element screenshots\n")

    const batch = await gw.cli(["browser", "batch", "--actions", JSON.stringify([{ kind: "wait", timeMs: 5 }, { kind: "click", ref: "99999" }, { kind: "wait", timeMs: 5 }])])
    expect(batch.code).toBe(1)
    expect(batch.stdout).toMatch(/^1\. ok\n2\. failed: Unknown ref "99999"/)

    // The original CLI speaks browser.request: the same route through `gateway call`.
    const raw = await gw.cli(["gateway", "call", "browser.request", "--params", JSON.stringify({ method: "GET", path: "/tabs" })])
    expect(JSON.parse(raw.stdout)).toMatchObject({ running: true, tabs: [expect.objectContaining({ tabId: expect.stringMatching(/^t\d+$/), url: expect.stringContaining("/hello?name=Ada") })] })

    const stopped = await gw.cli(["browser", "stop", "--browser-profile", "openclaw"])
    expect(stopped.stdout).toBe("🦞 browser [openclaw] running: false\n")
    expect(isAlive(status.pid)).toBe(false)
    const doctor = await gw.cli(["browser", "doctor"])
    expect(doctor.code).toBe(1)
    expect(doctor.stdout).toBe("OK gateway: browser control endpoint reachable\nOK plugin: enabled\nOK profile: openclaw (cdp)\nFAIL browser: not running; run `openclaw browser start`\nOK profiles: 3 configured\n")
  }, 90_000)

  it("browser.request: admin only, params checked, /act failures carry their ACT_* code", async () => {
    const url = `ws://127.0.0.1:${gw.port}`
    const writer = (await connectRaw(url, { token: TOKEN, scopes: ["operator.read", "operator.write"] })).client
    try {
      const denied = await call(writer, "browser.request", { method: "GET", path: "/" })
      expect(denied).toMatchObject({ ok: false, error: { details: { code: "MISSING_SCOPE" } } })
    } finally {
      writer.close()
    }
    const admin = (await connectRaw(url, { token: TOKEN })).client
    try {
      expect(await call(admin, "browser.request", { method: "PATCH", path: "/" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
      const act = await call(admin, "browser.request", { method: "POST", path: "/act", body: { kind: "evaluate" } })
      expect(act).toMatchObject({ ok: false, error: { message: "Error: evaluate requires fn", details: { code: "ACT_INVALID_REQUEST", status: 400 } } })
      const kind = await call(admin, "browser.request", { method: "POST", path: "/act", body: {} })
      expect(kind).toMatchObject({ ok: false, error: { details: { code: "ACT_KIND_REQUIRED", status: 400 } } })
    } finally {
      admin.close()
    }
  })

  it("refuses a private-network target that the SSRF policy does not allow", async () => {
    const result = await gw.cli(["browser", "open", "http://10.1.2.3/"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("GatewayClientRequestError: Error: Navigation blocked by browser SSRF policy: 10.1.2.3 is a private-network address")
  })
})

describe("a browser never outlives its gateway", () => {
  it("a gateway stopped with SIGTERM kills the Chromium it launched and exits 0", async () => {
    const gw = await startGateway({ browser: { noSandbox: true, profiles: { openclaw: { cdpPort: await freePort() } } } })
    const userDataDir = path.join(gw.home.stateDir, "browser", "openclaw", "user-data")
    try {
      expect((await gw.cli(["browser", "start"])).code).toBe(0)
      expect(chromiumPidsFor(userDataDir).length).toBeGreaterThan(0)
      expect(await gw.stop()).toBe(0)
      expect(chromiumPidsFor(userDataDir)).toEqual([])
    } finally {
      for (const pid of chromiumPidsFor(userDataDir)) process.kill(Number(pid), "SIGKILL")
    }
  }, 30_000)

  it("a gateway killed with SIGKILL takes its Chromium with it", async () => {
    const gw = await startGateway({ browser: { noSandbox: true, profiles: { openclaw: { cdpPort: await freePort() } } } })
    const userDataDir = path.join(gw.home.stateDir, "browser", "openclaw", "user-data")
    const exited = new Promise<void>((resolve) => (gw.child as ChildProcess).once("exit", () => resolve()))
    try {
      expect((await gw.cli(["browser", "start"])).code).toBe(0)
      expect(chromiumPidsFor(userDataDir).length).toBeGreaterThan(0)
      gw.child.kill("SIGKILL")
      await exited
      for (let i = 0; i < 100 && chromiumPidsFor(userDataDir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(chromiumPidsFor(userDataDir)).toEqual([])
    } finally {
      if (gw.child.exitCode === null && gw.child.signalCode === null) await gw.stop()
      for (const pid of chromiumPidsFor(userDataDir)) process.kill(Number(pid), "SIGKILL")
    }
  }, 30_000)
})

describe("runbook error strings from real misconfigurations", () => {
  it("plugins.allow without browser and no browser block: the CLI surface and browser.request are gone", async () => {
    const gw = await startGateway({ plugins: { allow: ["memory-core", "openai"] } })
    try {
      const status = await gw.cli(["browser", "status"])
      expect(status.code).toBe(1)
      expect(status.stdout).toBe("")
      expect(status.stderr).toBe("The `openclaw browser` command is unavailable because `plugins.allow` excludes \"browser\". Add \"browser\" to `plugins.allow` if you want that bundled plugin CLI surface.\n")
      const rpc = await gw.cli(["gateway", "call", "browser.request", "--json", "--params", "{\"method\":\"GET\",\"path\":\"/\"}"])
      expect(rpc.code).toBe(1)
      expect(rpc.stdout + rpc.stderr).toContain("unknown method: browser.request")
    } finally {
      await gw.stop()
    }
  }, 30_000)

  it("plugins.allow without browser but with a root browser block: the plugin is active", async () => {
    const gw = await startGateway({ plugins: { allow: ["memory-core"] }, browser: { enabled: true } })
    try {
      const status = await gw.cli(["browser", "status"])
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toContain("profile: openclaw\nenabled: true\n")
    } finally {
      await gw.stop()
    }
  }, 30_000)

  it("plugins.entries.browser.enabled=false", async () => {
    const gw = await startGateway({ plugins: { entries: { browser: { enabled: false } } } })
    try {
      const status = await gw.cli(["browser", "status"])
      expect(status.code).toBe(1)
      expect(status.stderr).toBe("The `openclaw browser` command is unavailable because `plugins.entries.browser.enabled=false`. Re-enable that entry if you want the bundled plugin command surface.\n")
    } finally {
      await gw.stop()
    }
  }, 30_000)

  it("browser.executablePath not found; as root without noSandbox: Failed to start Chrome CDP; a bad cdpUrl", async () => {
    const badExe = await startGateway({ browser: { executablePath: "/nonexistent/chrome" } })
    try {
      const start = await badExe.cli(["browser", "start", "--browser-profile", "openclaw"])
      expect(start.code).toBe(1)
      expect(start.stderr).toBe("GatewayClientRequestError: Error: browser.executablePath not found: /nonexistent/chrome\n")
      const status = await badExe.cli(["browser", "status"])
      expect(status.stdout).toContain("detectedBrowser: unknown\ndetectedPath: /nonexistent/chrome\n")
      expect(status.stdout).toContain("detectError: Error: browser.executablePath not found: /nonexistent/chrome\n")
    } finally {
      await badExe.stop()
    }
    if (process.getuid?.() === 0) {
      const port = await freePort()
      const sandboxed = await startGateway({ browser: { profiles: { openclaw: { cdpPort: port } } } })
      try {
        const start = await sandboxed.cli(["browser", "start", "--browser-profile", "openclaw"])
        expect(start.code).toBe(1)
        expect(start.stderr).toMatch(new RegExp(`^GatewayClientRequestError: Error: Failed to start Chrome CDP on port ${port} for profile "openclaw"\\. CDP diagnostic: http_unreachable after \\d+ms; cdp=http://127\\.0\\.0\\.1:${port}; `))
        expect(start.stderr).toContain("\nHint: If running in a container or as root, try setting browser.noSandbox: true.\nChrome stderr:\n")
      } finally {
        await sandboxed.stop()
      }
    }
    const badUrl = await startGateway({ browser: { cdpUrl: "file:///tmp/cdp" } })
    try {
      const status = await badUrl.cli(["browser", "status"])
      expect(status.code).toBe(1)
      expect(status.stderr).toBe("GatewayClientRequestError: Error: browser.cdpUrl must be http(s) or ws(s), got: file\n")
    } finally {
      await badUrl.stop()
    }
  }, 60_000)
})
