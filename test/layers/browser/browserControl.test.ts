import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import { Effect, Either, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { OpenClawConfig } from "../../../src/domain/config/ConfigSchema.js"
import { BrowserControl, type BrowserRequest } from "../../../src/services/BrowserControl.js"
import { browserControlLayer, freePort, isAlive, managedConfig, startPageServer, startSeparateChromium, tempStateDir } from "../../support/browserHarness.js"

const runtimeFor = (config: OpenClawConfig, stateDir: string) => ManagedRuntime.make(browserControlLayer(config, stateDir))
type Runtime = ReturnType<typeof runtimeFor>
const call = (runtime: Runtime, request: BrowserRequest) => runtime.runPromise(Effect.flatMap(BrowserControl, (b) => b.request(request))) as Promise<any>
const failure = (runtime: Runtime, request: BrowserRequest) =>
  runtime.runPromise(Effect.either(Effect.flatMap(BrowserControl, (b) => b.request(request)))).then((e) => {
    if (Either.isRight(e)) throw new Error(`expected a failure, got ${JSON.stringify(e.right).slice(0, 200)}`)
    return e.left
  })

describe("managed openclaw profile on Debian's Chromium", () => {
  let pages: Awaited<ReturnType<typeof startPageServer>>
  let state: ReturnType<typeof tempStateDir>
  let runtime: Runtime
  let cdpPort: number
  let pid: number

  beforeAll(async () => {
    pages = await startPageServer()
    state = tempStateDir()
    cdpPort = await freePort()
    runtime = runtimeFor(managedConfig(cdpPort), state.dir)
  })
  afterAll(async () => {
    await runtime.dispose()
    if (pid !== undefined) expect(isAlive(pid)).toBe(false)
    await pages.close()
    state.remove()
  })

  it("starts headless on its CDP port with its own user-data dir", async () => {
    const before = await call(runtime, { method: "GET", path: "/" })
    expect(before).toMatchObject({ running: false, cdpPort, cdpUrl: `http://127.0.0.1:${cdpPort}`, detectedBrowser: "chromium", detectedExecutablePath: "/usr/bin/chromium", headless: true, headlessSource: "linux-display-fallback" })
    const status = await call(runtime, { method: "POST", path: "/start" })
    expect(status).toMatchObject({ running: true, cdpReady: true, chosenBrowser: "chromium", noSandbox: true, userDataDir: `${state.dir}/browser/openclaw/user-data` })
    pid = status.pid
    expect(isAlive(pid)).toBe(true)
    const version = await (await fetch(`http://127.0.0.1:${cdpPort}/json/version`)).json() as { Browser: string }
    expect(version.Browser).toMatch(/Chrome\//)
    // start answers without waiting for the GPU facts; status reads them.
    expect((await call(runtime, { method: "GET", path: "/" })).graphics).toMatchObject({ status: "available", acceleration: "software" })
  }, 30_000)

  it("navigates, snapshots with numeric refs, fills and submits a form by ref, and reads the result back", async () => {
    const nav = await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    expect(nav.url).toBe(`${pages.baseUrl}/form`)
    const snap = await call(runtime, { method: "GET", path: "/snapshot" })
    expect(snap.format).toBe("ai")
    const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const button = /button "Send" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const colour = /combobox "Colour" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    expect(textbox).toBeDefined()
    expect(snap.refs[textbox ?? ""]).toEqual({ role: "textbox", name: "Your name" })
    expect(snap.stats.refs).toBeGreaterThanOrEqual(3)
    await call(runtime, { method: "POST", path: "/act", body: { request: { kind: "fill", fields: [{ ref: textbox, value: "Ada" }] } } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "select", ref: colour, values: ["blue"] } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: button } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "Hello, Ada!" } })
    const after = await call(runtime, { method: "GET", path: "/snapshot" })
    expect(after.url).toContain("/hello?name=Ada&colour=blue")
    expect(after.snapshot).toContain("Hello, Ada!")
    expect(after.snapshot).toContain("Colour: blue")
    // The form's refs died with the navigation.
    const stale = await failure(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: button } })
    expect(stale.message).toContain(`Unknown ref "${button}"`)
  }, 30_000)

  it("types with submit, evaluates, and reports console messages", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot", query: { interactive: true } })
    const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    expect(snap.snapshot).not.toContain("heading")
    const scoped = await call(runtime, { method: "GET", path: "/snapshot", query: { selector: "form" } })
    expect(scoped.snapshot).toContain(`textbox "Your name" [ref=${textbox}]`)
    expect(scoped.snapshot).not.toContain("Other page")
    await call(runtime, { method: "POST", path: "/act", body: { kind: "type", ref: textbox, text: "Grace", submit: true } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", url: "**/hello*" } })
    const evaluated = await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => document.querySelector('h1').textContent" } })
    expect(evaluated.result).toBe("Hello, Grace!")
    const consoleMessages = await call(runtime, { method: "GET", path: "/console" })
    expect(consoleMessages.messages.map((m: { text: string }) => m.text)).toContain("form page loaded")
  }, 30_000)

  it("batch stops at a navigation and reports what it skipped", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot" })
    const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const link = /link "Other page" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const batch = await call(runtime, { method: "POST", path: "/act", body: { kind: "batch", actions: [
      { kind: "type", ref: textbox, text: "x" },
      { kind: "click", ref: link },
      { kind: "wait", timeMs: 10 },
      { kind: "type", ref: textbox, text: "y" }
    ] } })
    expect(batch.results).toEqual([{ ok: true }, { ok: true }])
    expect(batch.aborted).toMatchObject({ reason: "navigation", afterAction: 1, skipped: 2 })
    const failing = await call(runtime, { method: "POST", path: "/act", body: { kind: "batch", actions: [{ kind: "click", ref: "9999" }, { kind: "wait", timeMs: 1 }] } })
    expect(failing.results).toHaveLength(1)
    expect(failing.results[0].ok).toBe(false)
    const continued = await call(runtime, { method: "POST", path: "/act", body: { kind: "batch", stopOnError: false, actions: [{ kind: "click", ref: "9999" }, { kind: "wait", timeMs: 1 }] } })
    expect(continued.results).toEqual([{ ok: false, error: expect.stringContaining("Unknown ref") }, { ok: true }])
  }, 30_000)

  it("answers the /act error codes of spec 5.2", async () => {
    expect(await failure(runtime, { method: "POST", path: "/act", body: {} })).toMatchObject({ code: "ACT_KIND_REQUIRED", status: 400 })
    expect(await failure(runtime, { method: "POST", path: "/act", body: { kind: "type", ref: "1" } })).toMatchObject({ code: "ACT_INVALID_REQUEST", status: 400 })
    expect(await failure(runtime, { method: "POST", path: "/act", body: { kind: "press", key: "Enter", selector: "#x" } })).toMatchObject({ code: "ACT_SELECTOR_UNSUPPORTED", status: 400 })
    expect(await failure(runtime, { method: "POST", path: "/act", body: { targetId: "t1", request: { kind: "click", ref: "1", targetId: "t2" } } })).toMatchObject({ code: "ACT_TARGET_ID_MISMATCH", status: 403 })
  })

  it("screenshots the page (PNG), refuses fullPage with a ref, and prints a PDF", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const shot = await call(runtime, { method: "POST", path: "/screenshot", body: { fullPage: true } })
    expect(shot.path.startsWith(`${state.dir}/media/browser/`)).toBe(true)
    expect(readFileSync(shot.path).subarray(1, 4).toString()).toBe("PNG")
    const snap = await call(runtime, { method: "GET", path: "/snapshot" })
    const button = /button "Send" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const element = await call(runtime, { method: "POST", path: "/screenshot", body: { ref: button } })
    expect(readFileSync(element.path).length).toBeGreaterThan(100)
    expect((await failure(runtime, { method: "POST", path: "/screenshot", body: { fullPage: true, ref: button } })).message).toBe("fullPage is not supported for element screenshots")
    const pdf = await call(runtime, { method: "POST", path: "/pdf" })
    expect(readFileSync(pdf.path).subarray(0, 5).toString()).toBe("%PDF-")
  }, 30_000)

  it("tabs: open with a label, focus, close; dialogs answered as armed", async () => {
    const opened = await call(runtime, { method: "POST", path: "/tabs/open", body: { url: `${pages.baseUrl}/confirm`, label: "ask" } })
    expect(opened).toMatchObject({ suggestedTargetId: "ask", label: "ask", url: `${pages.baseUrl}/confirm`, type: "page" })
    await call(runtime, { method: "POST", path: "/hooks/dialog", body: { accept: false } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot", query: { targetId: "ask" } })
    const ask = /button "Ask" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    await call(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: ask, targetId: "ask" } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "dismissed", targetId: "ask" } })
    const tabs = await call(runtime, { method: "GET", path: "/tabs" })
    expect(tabs.tabs.length).toBeGreaterThanOrEqual(2)
    await call(runtime, { method: "POST", path: "/tabs/focus", body: { targetId: tabs.tabs[0].tabId } })
    await call(runtime, { method: "DELETE", path: `/tabs/${opened.targetId.slice(0, 12)}` })
    const left = await call(runtime, { method: "GET", path: "/tabs" })
    expect(left.tabs.map((t: { label?: string }) => t.label)).not.toContain("ask")
  }, 30_000)

  it("uploads a file from the uploads root (by input ref, and through a chooser a ref opens); other host files are refused", async () => {
    mkdirSync(`${state.dir}/uploads`, { recursive: true })
    writeFileSync(`${state.dir}/uploads/report.txt`, "twelve bytes")
    mkdirSync(`${state.dir}/media/inbound`, { recursive: true })
    writeFileSync(`${state.dir}/media/inbound/photo.png`, "png!")
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/upload` } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot" })
    const input = /button "Attachment" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const choose = /button "Choose" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    expect(input, snap.snapshot).toBeDefined()
    await call(runtime, { method: "POST", path: "/hooks/file-chooser", body: { paths: [`${state.dir}/uploads/report.txt`], inputRef: input } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "report.txt:12" } })
    await call(runtime, { method: "POST", path: "/hooks/file-chooser", body: { paths: ["media://inbound/photo.png"], ref: choose } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "photo.png:4" } })
    for (const bad of [`${state.dir}/openclaw.json`, `${state.dir}/uploads/../openclaw.json`, "media://inbound/../x", "/etc/passwd"]) {
      expect((await failure(runtime, { method: "POST", path: "/hooks/file-chooser", body: { paths: [bad], inputRef: input } })).message).toContain("upload path not allowed")
    }
    symlinkSync("/etc/passwd", `${state.dir}/uploads/link`)
    expect((await failure(runtime, { method: "POST", path: "/hooks/file-chooser", body: { paths: [`${state.dir}/uploads/link`], inputRef: input } })).message).toContain("symlinks, hardlinks and non-files are refused")
  }, 30_000)

  it("press, hover, scrollIntoView, clickCoords and resize", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot" })
    const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const link = /link "Other page" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
    const batch = await call(runtime, { method: "POST", path: "/act", body: { kind: "batch", actions: [
      { kind: "resize", width: 640, height: 480 },
      { kind: "hover", ref: link },
      { kind: "scrollIntoView", ref: textbox },
      { kind: "clickCoords", x: 5, y: 5 },
      { kind: "type", ref: textbox, text: "Keys" },
      { kind: "press", key: "Enter" }
    ] } })
    expect(batch.results.every((r: { ok: boolean }) => r.ok), JSON.stringify(batch)).toBe(true)
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "Hello, Keys!" } })
    expect((await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => innerWidth" } })).result).toBe(640)
  }, 30_000)

  it("stop kills the Chromium it launched", async () => {
    const stopped = await call(runtime, { method: "POST", path: "/stop" })
    expect(stopped).toEqual({ ok: true, stopped: true, profile: "openclaw" })
    expect(isAlive(pid)).toBe(false)
    expect(await call(runtime, { method: "GET", path: "/" })).toMatchObject({ running: false, pid: null })
  }, 15_000)
})

describe("navigation policy and misconfiguration", () => {
  it("refuses private-network targets unless browser.ssrfPolicy allows them", async () => {
    const state = tempStateDir()
    const runtime = runtimeFor({ browser: { noSandbox: true, profiles: { openclaw: { cdpPort: await freePort() } } } }, state.dir)
    try {
      const refused = await failure(runtime, { method: "POST", path: "/navigate", body: { url: "http://127.0.0.1:9/" } })
      expect(refused.message).toContain("Navigation blocked by browser SSRF policy: 127.0.0.1 is a private-network address")
      expect((await failure(runtime, { method: "POST", path: "/tabs/open", body: { url: "file:///etc/passwd" } })).message).toContain("only http(s)")
      // Nothing was launched for a refused target.
      expect(await call(runtime, { method: "GET", path: "/" })).toMatchObject({ running: false })
    } finally {
      await runtime.dispose()
      state.remove()
    }
  })

  it("a redirect hop or a clicked link to a refused host never leaves Chromium (only 127.0.0.1 is allowed; localhost is not)", async () => {
    // The refused target: counts every request that reaches it.
    const secret = { hits: 0 }
    const secretServer = http.createServer((_req, res) => {
      secret.hits += 1
      res.end("secret")
    })
    await new Promise<void>((resolve) => secretServer.listen(0, "127.0.0.1", () => resolve()))
    const secretUrl = `http://localhost:${(secretServer.address() as { port: number }).port}/secret`
    // The allowed page: a redirect to the refused host, and a page with a link to it.
    const origin = http.createServer((req, res) => {
      if (req.url === "/hop") {
        res.writeHead(302, { location: secretUrl })
        return res.end()
      }
      res.setHeader("content-type", "text/html")
      res.end(`<html><body><a id="out" href="${secretUrl}">out</a></body></html>`)
    })
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", () => resolve()))
    const base = `http://127.0.0.1:${(origin.address() as { port: number }).port}`
    const state = tempStateDir()
    const runtime = runtimeFor(managedConfig(await freePort()), state.dir)
    try {
      const redirected = await failure(runtime, { method: "POST", path: "/navigate", body: { url: `${base}/hop` } })
      expect(redirected.message).toContain("Navigation blocked by browser SSRF policy: localhost is a private-network address")
      await call(runtime, { method: "POST", path: "/navigate", body: { url: `${base}/links` } })
      const snapshot = await call(runtime, { method: "GET", path: "/snapshot", query: { format: "ai" } })
      const ref = /link "out" \[ref=(\w+)\]/.exec(String(snapshot.snapshot))?.[1]
      expect(ref).toBeDefined()
      await call(runtime, { method: "POST", path: "/act", body: { kind: "click", ref } }).catch(() => undefined)
      await new Promise((r) => setTimeout(r, 500))
      expect(secret.hits).toBe(0)
    } finally {
      await runtime.dispose()
      state.remove()
      secretServer.close()
      origin.close()
    }
  })

  it("as root without browser.noSandbox, the launch fails with the original's message and hint", async () => {
    if (process.getuid?.() !== 0) return
    const state = tempStateDir()
    const port = await freePort()
    const runtime = runtimeFor({ browser: { profiles: { openclaw: { cdpPort: port } } } }, state.dir)
    try {
      const error = await failure(runtime, { method: "POST", path: "/start" })
      expect(error.message).toMatch(new RegExp(`^Failed to start Chrome CDP on port ${port} for profile "openclaw"\\. CDP diagnostic: http_unreachable after \\d+ms; cdp=http://127\\.0\\.0\\.1:${port};`))
      expect(error.message).toContain("\nHint: If running in a container or as root, try setting browser.noSandbox: true.\nChrome stderr:\n")
      expect(error.message).toContain("Running as root without --no-sandbox is not supported")
      // After repeated failures the profile's launches pause instead of spawning Chromium on every call.
      await failure(runtime, { method: "POST", path: "/start" })
      await failure(runtime, { method: "POST", path: "/start" })
      const paused = await failure(runtime, { method: "POST", path: "/start" })
      expect(paused.message).toMatch(/\nLaunch attempts for profile "openclaw" are paused for \d+s after 3 consecutive failures/)
      expect(paused.message.startsWith(`Failed to start Chrome CDP on port ${port} for profile "openclaw".`)).toBe(true)
    } finally {
      await runtime.dispose()
      state.remove()
    }
  }, 30_000)

  it("names a bad executablePath and a bad cdpUrl", async () => {
    const state = tempStateDir()
    const bad = runtimeFor({ browser: { executablePath: "/nonexistent/chrome", noSandbox: true, profiles: { openclaw: { cdpPort: await freePort() } } } }, state.dir)
    try {
      expect((await failure(bad, { method: "POST", path: "/start" })).message).toBe("browser.executablePath not found: /nonexistent/chrome")
      expect(await call(bad, { method: "GET", path: "/" })).toMatchObject({ detectedExecutablePath: "/nonexistent/chrome", detectError: "Error: browser.executablePath not found: /nonexistent/chrome", running: false })
    } finally {
      await bad.dispose()
    }
    for (const [cdpUrl, message] of [["ftp://10.0.0.1:9222", "browser.cdpUrl must be http(s) or ws(s), got: ftp"], ["http://10.0.0.1:70000", "browser.cdpUrl has invalid port: 70000"]] as const) {
      const runtime = runtimeFor({ browser: { cdpUrl } }, state.dir)
      try {
        expect((await failure(runtime, { method: "GET", path: "/" })).message).toBe(message)
      } finally {
        await runtime.dispose()
      }
    }
    state.remove()
  })

  it("browser.enabled=false: status says so and nothing starts", async () => {
    const state = tempStateDir()
    const runtime = runtimeFor({ browser: { enabled: false } }, state.dir)
    try {
      expect(await call(runtime, { method: "GET", path: "/" })).toMatchObject({ enabled: false, running: false })
      expect((await failure(runtime, { method: "POST", path: "/start" })).message).toBe("Browser control is disabled (browser.enabled=false). Set browser.enabled: true and restart the gateway.")
      expect((await failure(runtime, { method: "POST", path: "/navigate", body: { url: "https://example.com/" } })).message).toContain("browser.enabled=false")
    } finally {
      await runtime.dispose()
      state.remove()
    }
  })

  it("refuses evaluate when browser.evaluateEnabled is false", async () => {
    const state = tempStateDir()
    const runtime = runtimeFor({ browser: { evaluateEnabled: false } }, state.dir)
    try {
      expect(await failure(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => 1" } })).toMatchObject({ code: "ACT_EVALUATE_DISABLED", status: 403 })
      expect(await failure(runtime, { method: "POST", path: "/act", body: { kind: "wait", fn: "() => true" } })).toMatchObject({ code: "ACT_EVALUATE_DISABLED" })
    } finally {
      await runtime.dispose()
      state.remove()
    }
  })

  it("the user (existing-session) profile says when Chrome is not there to attach to", async () => {
    const state = tempStateDir()
    const runtime = runtimeFor({}, state.dir)
    try {
      expect((await failure(runtime, { method: "POST", path: "/start", query: { profile: "user" } })).message).toBe("Could not find DevToolsActivePort for chrome")
      expect((await failure(runtime, { method: "POST", path: "/act", query: { profile: "user" }, body: { kind: "batch", actions: [{ kind: "wait", timeMs: 1 }] } }))).toMatchObject({ code: "ACT_EXISTING_SESSION_UNSUPPORTED", status: 501 })
      expect((await failure(runtime, { method: "POST", path: "/screenshot", query: { profile: "user" }, body: { element: "#x" } })).message).toBe("element screenshots are not supported for existing-session profiles; use ref from snapshot.")
      expect((await failure(runtime, { method: "POST", path: "/hooks/file-chooser", query: { profile: "user" }, body: { paths: ["/a", "/b"] } })).message).toBe("existing-session file uploads currently support one file at a time.")
      expect((await failure(runtime, { method: "POST", path: "/hooks/dialog", query: { profile: "user" }, body: { accept: true, timeoutMs: 5 } })).message).toBe("existing-session dialog handling does not support timeoutMs.")
      expect(existsSync(`${state.dir}/browser`)).toBe(false)
    } finally {
      await runtime.dispose()
      state.remove()
    }
  })
})

describe("remote CDP profiles attach to a Chromium started separately", () => {
  it("attaches, drives it, and on stop releases emulation overrides without killing it", async () => {
    const pages = await startPageServer()
    const state = tempStateDir()
    const port = await freePort()
    const separate = await startSeparateChromium(port, `${state.dir}/separate`)
    const runtime = runtimeFor({
      browser: {
        ssrfPolicy: { allowedHostnames: ["127.0.0.1"] },
        profiles: { remote: { cdpUrl: `http://127.0.0.1:${port}`, attachOnly: true }, gone: { cdpUrl: `http://127.0.0.1:${await freePort()}`, attachOnly: true }, far: { cdpUrl: "http://cdp.invalid:9222" } }
      }
    }, state.dir)
    try {
      const query = { profile: "remote" }
      const status = await call(runtime, { method: "POST", path: "/start", query })
      expect(status).toMatchObject({ profile: "remote", running: true, pid: null, cdpUrl: `http://127.0.0.1:${port}`, attachOnly: true })
      const profiles = await call(runtime, { method: "GET", path: "/profiles" })
      expect(profiles.profiles.find((p: { name: string }) => p.name === "remote")).toMatchObject({ running: true, isRemote: true })
      await call(runtime, { method: "POST", path: "/navigate", query, body: { url: `${pages.baseUrl}/other` } })
      await call(runtime, { method: "POST", path: "/act", query, body: { kind: "resize", width: 500, height: 400 } })
      // resize emulates the screen too (a Playwright device-metrics override), besides resizing the window.
      expect((await call(runtime, { method: "POST", path: "/act", query, body: { kind: "evaluate", fn: "() => screen.width" } })).result).toBe(500)
      expect(await call(runtime, { method: "POST", path: "/stop", query })).toEqual({ ok: true, stopped: true, profile: "remote" })
      expect(isAlive(separate.pid)).toBe(true)
      // Attached again, the emulated screen is gone.
      await call(runtime, { method: "POST", path: "/start", query })
      const width = (await call(runtime, { method: "POST", path: "/act", query, body: { kind: "evaluate", fn: "() => screen.width" } })).result
      expect(width).not.toBe(500)
      expect((await failure(runtime, { method: "POST", path: "/start", query: { profile: "remote", headless: true } })).message).toContain("headless override is only supported for locally launched managed profiles")

      expect((await failure(runtime, { method: "POST", path: "/start", query: { profile: "gone" } })).message).toBe("Browser attachOnly is enabled and profile \"gone\" is not running.")
      expect((await failure(runtime, { method: "POST", path: "/start", query: { profile: "far" } })).message).toBe("Remote CDP for profile \"far\" is not reachable at http://cdp.invalid:9222.")
    } finally {
      await runtime.dispose()
      expect(isAlive(separate.pid)).toBe(true)
      separate.stop()
      await pages.close()
      state.remove()
    }
  }, 40_000)
})

describe("the user (existing-session) profile attaches through DevToolsActivePort", () => {
  it("attaches to the running browser of its user-data dir, works by ref, and keeps its limits", async () => {
    const pages = await startPageServer()
    const state = tempStateDir()
    const userDataDir = `${state.dir}/chrome-user`
    const chrome = await startSeparateChromium(0, userDataDir)
    const runtime = runtimeFor({ browser: { ssrfPolicy: { allowedHostnames: ["127.0.0.1"] }, profiles: { user: { driver: "existing-session", attachOnly: true, userDataDir } } } }, state.dir)
    const query = { profile: "user" }
    try {
      expect(await call(runtime, { method: "POST", path: "/start", query })).toMatchObject({ profile: "user", driver: "existing-session", transport: "chrome-mcp", running: true, pid: null })
      await call(runtime, { method: "POST", path: "/navigate", query, body: { url: `${pages.baseUrl}/form` } })
      const snap = await call(runtime, { method: "GET", path: "/snapshot", query })
      const textbox = /textbox "Your name" \[ref=(\d+)\]/.exec(snap.snapshot)?.[1]
      await call(runtime, { method: "POST", path: "/act", query, body: { kind: "type", ref: textbox, text: "Existing", submit: true } })
      await call(runtime, { method: "POST", path: "/act", query, body: { kind: "wait", text: "Hello, Existing!" } })
      expect(await failure(runtime, { method: "POST", path: "/act", query, body: { kind: "type", ref: textbox, text: "x", timeoutMs: 100 } })).toMatchObject({ message: "existing-session type does not support timeoutMs overrides." })
      expect(await failure(runtime, { method: "POST", path: "/act", query, body: { kind: "click", ref: textbox, doubleClick: true } })).toMatchObject({ code: "ACT_EXISTING_SESSION_UNSUPPORTED", status: 501 })
      expect((await failure(runtime, { method: "POST", path: "/pdf", query })).status).toBe(501)
      expect((await failure(runtime, { method: "POST", path: "/response/body", query })).message).toBe("response body is not supported for existing-session profiles yet.")
      expect((await failure(runtime, { method: "POST", path: "/hooks/file-chooser", query, body: { paths: ["/tmp/a"], element: "#f" } })).message).toBe("existing-session file uploads do not support element selectors; use ref/inputRef.")
      await call(runtime, { method: "POST", path: "/stop", query })
      expect(isAlive(chrome.pid)).toBe(true)
    } finally {
      await runtime.dispose()
      chrome.stop()
      await pages.close()
      state.remove()
    }
  }, 40_000)
})
