import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"
import { runCliAsync } from "../support/runCliAsync.js"

const TOKEN = "dashboard token/0123456789"
const FIXTURE = path.resolve(__dirname, "../fixtures/control-ui")

/** A PATH whose `xdg-open` records the URL it was asked to open, so the test sees what the browser would get. */
const recordingOpener = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-opener-"))
  const log = path.join(dir, "opened.txt")
  fs.writeFileSync(path.join(dir, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`, { mode: 0o755 })
  return { PATH: `${dir}:${process.env["PATH"] ?? ""}`, opened: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []) }
}

const waitFor = async (check: () => boolean, timeoutMs = 5000) => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time")
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe("openclaw dashboard against a gateway serving the Control UI under a base path", () => {
  let port: number
  let gateway: ChildProcess
  const home = tempHome()
  beforeAll(async () => {
    port = await freePort()
    writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN }, controlUi: { root: FIXTURE, basePath: "/openclaw" } } })
    gateway = (await startInBackground(home.home)).child
  })
  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
  })

  it("--json has the original's fields, the base path in every link, the token only in url/browserUrl", async () => {
    const result = await runCliAsync(home.home, ["dashboard", "--json"])
    expect(result.code, result.stderr).toBe(0)
    const url = `http://127.0.0.1:${port}/openclaw/#token=${encodeURIComponent(TOKEN)}`
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      url,
      httpUrl: `http://127.0.0.1:${port}/openclaw/`,
      wsUrl: `ws://127.0.0.1:${port}/openclaw`,
      port,
      tokenIncluded: true,
      browserUrl: url
    })
  })

  it("gateway status --json shows the Control UI links under the base path", async () => {
    const result = await runCliAsync(home.home, ["gateway", "status", "--json"])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).gateway.controlUiLinks).toEqual({ httpUrl: `http://127.0.0.1:${port}/openclaw/`, wsUrl: `ws://127.0.0.1:${port}/openclaw` })
  })

  it("prints only the clean URL and hands the token to the browser in the fragment", async () => {
    const opener = recordingOpener()
    const result = await runCliAsync(home.home, ["dashboard"], { PATH: opener.PATH })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.split("\n")[0]).toBe(`Dashboard URL: http://127.0.0.1:${port}/openclaw/`)
    expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(TOKEN))
    await waitFor(() => opener.opened().length > 0)
    expect(opener.opened()).toEqual([`http://127.0.0.1:${port}/openclaw/#token=${encodeURIComponent(TOKEN)}`])
  })
})

describe("openclaw dashboard's readiness wait", () => {
  /** A stand-in gateway page: answers from `replies` in turn (the last one repeats), recording requests. */
  const pageServer = async (replies: ReadonlyArray<{ status: number; headers: Record<string, string>; body?: string }>) => {
    const seen: Array<{ method: string; accept: string | undefined; at: number }> = []
    const server = http.createServer((req, res) => {
      seen.push({ method: req.method ?? "", accept: req.headers.accept, at: Date.now() })
      const reply = replies[Math.min(seen.filter((s) => s.method === "HEAD").length - 1, replies.length - 1)] ?? replies[replies.length - 1]!
      res.writeHead(reply.status, reply.headers)
      res.end(req.method === "HEAD" ? undefined : reply.body)
    })
    const port = await freePort()
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
    const home = tempHome()
    writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } } })
    return { port, home, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
  }

  it("waits while the page answers 503 with Retry-After, says so once, then prints the URL", async () => {
    const preparing = { status: 503, headers: { "retry-after": "1", "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }, body: "Control UI assets are being prepared. Try again shortly." }
    const page = await pageServer([preparing, preparing, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } }])
    try {
      const started = Date.now()
      const result = await runCliAsync(page.home.home, ["dashboard", "--no-open"])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout.split("\n").slice(0, 2)).toEqual([
        "Control UI assets are preparing; waiting for the dashboard…",
        `Dashboard URL: http://127.0.0.1:${page.port}/`
      ])
      expect(page.seen.map((s) => s.method)).toEqual(["HEAD", "HEAD", "HEAD"])
      expect(page.seen.every((s) => s.accept === "text/html")).toBe(true)
      // Retry-After: 1 was honoured between the attempts.
      expect((page.seen[2]?.at ?? 0) - (page.seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900)
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
    } finally {
      await page.close()
    }
  }, 20_000)

  it("a 503 without Retry-After is final and its plain-text reason is shown (--json too)", async () => {
    const missing = "Control UI assets not found at /srv/ui. Build them with `pnpm ui:build` (auto-installs UI deps), or update gateway.controlUi.root."
    const page = await pageServer([{ status: 503, headers: { "content-type": "text/plain; charset=utf-8" }, body: missing }])
    try {
      const json = await runCliAsync(page.home.home, ["dashboard", "--json"])
      expect(json.code).toBe(1)
      expect(JSON.parse(json.stdout)).toEqual({ ok: false, reason: missing })
      expect(page.seen.map((s) => s.method)).toEqual(["HEAD", "GET"])
      const human = await runCliAsync(page.home.home, ["dashboard", "--no-open"])
      expect(human.code).toBe(1)
      expect(human.stderr.split("\n")[0]).toBe(missing)
    } finally {
      await page.close()
    }
  })
})
