import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import os from "node:os"
import path from "node:path"
import { Effect } from "effect"
import type { OpenClawConfig } from "../../src/domain/config/ConfigSchema.js"
import { BrowserControlLive } from "../../src/layers/browser/BrowserControlLive.js"
import type { ResolveHost } from "../../src/layers/browser/pinnedResolver.js"

/** Debian's Chromium, the browser the tests drive (`.ci/run` installs it). */
export const CHROMIUM = "/usr/bin/chromium"

/** A free loopback port (bound and released). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

/**
 * The pages the browser tests visit, on 127.0.0.1: `/form` (a name field and a submit button that
 * goes to `/hello?name=...`), `/hello` (greets the name), `/other`, and `/confirm` (a button opening a
 * confirm dialog whose answer is written into the page).
 */
export const startPageServer = () =>
  new Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }>((resolve) => {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const page = (title: string, body: string) => {
        res.setHeader("content-type", "text/html; charset=utf-8")
        res.end(`<!doctype html><html><head><title>${title}</title><style>body{font:18px sans-serif;margin:24px;background:#fffbe6}h1{color:#c0392b}</style></head><body>${body}</body></html>`)
      }
      if (url.pathname === "/form") {
        return page("Sign-up form", `<h1>Sign up</h1><form action="/hello" method="get"><label>Your name <input name="name" /></label> <label>Colour <select name="colour"><option>red</option><option>blue</option></select></label> <button type="submit">Send</button></form><p><a href="/other">Other page</a></p><script>console.log("form page loaded")</script>`)
      }
      if (url.pathname === "/hello") {
        const name = (url.searchParams.get("name") ?? "").replace(/[<>&"]/g, "")
        return page("Hello", `<h1>Hello, ${name}!</h1><p id="colour">Colour: ${(url.searchParams.get("colour") ?? "").replace(/[<>&"]/g, "")}</p>`)
      }
      if (url.pathname === "/confirm") {
        return page("Confirm", `<button onclick="document.getElementById('answer').textContent = confirm('Sure?') ? 'accepted' : 'dismissed'">Ask</button><p id="answer">none</p>`)
      }
      if (url.pathname === "/upload") {
        return page("Upload", `<label>Attachment <input type="file" id="file" onchange="document.getElementById('chosen').textContent = this.files[0].name + ':' + this.files[0].size"></label><button onclick="document.getElementById('file').click()">Choose</button><p id="chosen">nothing</p>`)
      }
      if (url.pathname === "/other") return page("Other", `<h1>Other page</h1><button>Nothing</button>`)
      res.statusCode = 404
      res.end("not found")
    })
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({ baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) })
    })
  })

/** A temporary state dir, removed by the returned function. */
export const tempStateDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "clawgate-browser-"))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Whether a process is still alive. */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * The browser control service over `config` with the test's state dir: headless (no display here),
 * a 15 s launch deadline.
 */
export const browserControlLayer = (config: OpenClawConfig, stateDir: string, env: Record<string, string | undefined> = {}, resolveHost?: ResolveHost) =>
  BrowserControlLive({
    settings: Effect.succeed({ config, gatewayPort: config.gateway?.port ?? 18789 }),
    host: {
      stateDir,
      home: stateDir,
      env: { ...env },
      platform: process.platform,
      isRoot: process.getuid?.() === 0,
      launchTimeoutMs: 15_000,
      ...(resolveHost === undefined ? {} : { resolveHost })
    },
    mediaDir: path.join(stateDir, "media", "browser"),
    uploadRoots: { uploads: path.join(stateDir, "uploads"), inbound: path.join(stateDir, "media", "inbound") }
  })

/** A config whose managed `openclaw` profile launches Debian's Chromium on `cdpPort`, allowing the test pages on 127.0.0.1. */
export const managedConfig = (cdpPort: number, extra: Partial<NonNullable<OpenClawConfig["browser"]>> = {}): OpenClawConfig => ({
  browser: {
    noSandbox: true,
    ssrfPolicy: { allowedHostnames: ["127.0.0.1"] },
    profiles: { openclaw: { cdpPort } },
    ...extra
  }
})

/**
 * A Chromium the test starts itself (not through the service), for remote-CDP attach; killed by
 * `stop`, also when the test fails.
 */
export const startSeparateChromium = async (port: number, userDataDir: string) => {
  const child = spawn(CHROMIUM, [
    // Port 0: Chromium picks one and writes it to <user-data-dir>/DevToolsActivePort (what existing-session reads).
    "--headless=new", "--no-sandbox", `--remote-debugging-port=${port}`, "--remote-debugging-address=127.0.0.1", `--user-data-dir=${userDataDir}`,
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu", "about:blank"
  ], { stdio: "ignore", detached: true })
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
    } catch {
      // gone
    }
  }
  for (let i = 0; i < 200; i++) {
    try {
      const actual = port === 0 ? Number(readFileSync(path.join(userDataDir, "DevToolsActivePort"), "utf8").split("\n")[0]) : port
      const response = await fetch(`http://127.0.0.1:${actual}/json/version`)
      if (response.ok) return { pid: child.pid ?? -1, stop }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  stop()
  throw new Error(`separate Chromium did not open CDP on ${port}`)
}

