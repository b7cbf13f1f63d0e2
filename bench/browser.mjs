// Browser tool benchmark: the managed `openclaw` profile's cold start (fresh user-data dir, Debian's
// Chromium, headless) and a navigate+snapshot round trip of a page served on 127.0.0.1, through the
// same BrowserControl service the gateway's `browser.request` runs (in process: no CLI or socket cost).
// Usage: node --import tsx bench/browser.mjs [--starts 5] [--rounds 40]
// Targets (issue 15): start <= 1500 ms, navigate+snapshot <= 150 ms p50. The page is on 127.0.0.1, so its
// requests go through the egress proxy (loopback is not bypassed), as every managed browser's do.
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { Effect, ManagedRuntime } from "effect"
import { BrowserControlLive } from "../src/layers/browser/BrowserControlLive.ts"
import { BrowserControl } from "../src/services/BrowserControl.ts"

const { values: args } = parseArgs({ options: { starts: { type: "string", default: "5" }, rounds: { type: "string", default: "40" } } })

const page = (n) => `<!doctype html><title>Page ${n}</title><h1>Page ${n}</h1><form><label>Name <input name="name"></label><select><option>a</option><option>b</option></select><button>Send</button></form>${Array.from({ length: 30 }, (_, i) => `<p><a href="/p${i}">link ${i}</a> some text ${i}</p>`).join("")}`
const server = createServer((req, res) => {
  res.setHeader("content-type", "text/html")
  res.end(page(req.url))
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const base = `http://127.0.0.1:${server.address().port}`
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})

const runtimeFor = async (stateDir) => {
  const config = { browser: { noSandbox: process.getuid?.() === 0, ssrfPolicy: { allowedHostnames: ["127.0.0.1"] }, profiles: { openclaw: { cdpPort: await freePort() } } } }
  return ManagedRuntime.make(BrowserControlLive({
    settings: Effect.succeed({ config, gatewayPort: 18789 }),
    host: { stateDir, home: stateDir, env: {}, platform: process.platform, isRoot: process.getuid?.() === 0, launchTimeoutMs: 15_000 },
    mediaDir: join(stateDir, "media"),
    uploadRoots: { uploads: join(stateDir, "uploads"), inbound: join(stateDir, "inbound") }
  }))
}
const call = (runtime, request) => runtime.runPromise(Effect.flatMap(BrowserControl, (b) => b.request(request)))
const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { n: sorted.length, p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), min: Math.round(sorted[0]), max: Math.round(sorted.at(-1)) }
}

const starts = []
const warmStarts = []
for (let i = 0; i < Number(args.starts); i++) {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-bench-browser-"))
  const runtime = await runtimeFor(dir)
  try {
    let t = performance.now()
    await call(runtime, { method: "POST", path: "/start" })
    starts.push(performance.now() - t)
    await call(runtime, { method: "POST", path: "/stop" })
    t = performance.now()
    await call(runtime, { method: "POST", path: "/start" })
    warmStarts.push(performance.now() - t)
  } finally {
    await runtime.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

const dir = mkdtempSync(join(tmpdir(), "clawgate-bench-browser-"))
const runtime = await runtimeFor(dir)
const inline = []
const separate = []
const aria = []
try {
  await call(runtime, { method: "POST", path: "/start" })
  for (let i = 0; i < 5; i++) await call(runtime, { method: "POST", path: "/navigate", body: { url: `${base}/warm${i}` } })
  for (let i = 0; i < Number(args.rounds); i++) {
    let t = performance.now()
    const result = await call(runtime, { method: "POST", path: "/navigate", body: { url: `${base}/inline${i}` } })
    inline.push(performance.now() - t)
    if (!String(result.snapshot).includes("textbox")) throw new Error("navigate returned no snapshot")
    t = performance.now()
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${base}/sep${i}` } })
    await call(runtime, { method: "GET", path: "/snapshot" })
    separate.push(performance.now() - t)
    t = performance.now()
    const tree = await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })
    aria.push(performance.now() - t)
    if (!tree.nodes.some((n) => n.role === "textbox")) throw new Error("aria snapshot has no textbox")
  }
} finally {
  await runtime.dispose()
  rmSync(dir, { recursive: true, force: true })
  server.close()
}

const row = (name, s, target) => console.log(`${name.padEnd(44)} p50 ${String(s.p50).padStart(5)} ms  p95 ${String(s.p95).padStart(5)} ms  min ${String(s.min).padStart(5)}  max ${String(s.max).padStart(5)}  n=${s.n}${target === undefined ? "" : `  target <= ${target} ms: ${s.p50 <= target ? "met" : "MISSED"}`}`)
row("managed start, cold (fresh user-data dir)", stats(starts), 1500)
row("managed start, warm (same user-data dir)", stats(warmStarts))
row("navigate (inline efficient snapshot)", stats(inline), 150)
row("navigate + full snapshot (two requests)", stats(separate), 150)
row("aria snapshot (full AX tree)", stats(aria))
