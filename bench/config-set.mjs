// Concurrent `config set` from several processes on one config: every write must succeed and none be lost.
// Each of P worker loops runs the built CLI N/P times in turn, each setting its own key `env.vars.K_<w>_<i>`.
// Usage: npm run bundle && node bench/config-set.mjs [total=1000] [processes=8]
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const total = Number(process.argv[2] ?? 1000)
const processes = Number(process.argv[3] ?? 8)
const cli = resolve("dist/openclaw.mjs")
if (!existsSync(cli)) {
  console.error("dist/openclaw.mjs is missing: run `npm run bundle` first.")
  process.exit(1)
}

const home = mkdtempSync(join(tmpdir(), "clawgate-bench-config-set-"))
const stateDir = join(home, ".openclaw")
mkdirSync(stateDir, { recursive: true })
const configPath = join(stateDir, "openclaw.json")
writeFileSync(configPath, JSON.stringify({ gateway: { mode: "local" } }, null, 2))
const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }

const run = (args) =>
  new Promise((res) => {
    const started = performance.now()
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += d))
    child.on("exit", (code) => res({ code, stderr, ms: performance.now() - started }))
  })

const failures = []
const times = []
const started = performance.now()
await Promise.all(Array.from({ length: processes }, async (_, w) => {
  for (let i = w; i < total; i += processes) {
    const result = await run(["config", "set", `env.vars.K_${w}_${i}`, `v${i}`])
    times.push(result.ms)
    if (result.code !== 0) failures.push(result.stderr.trim().split("\n")[0])
  }
}))
const wall = performance.now() - started

const vars = JSON.parse(readFileSync(configPath, "utf8")).env?.vars ?? {}
let lost = 0
for (let w = 0; w < processes; w++) for (let i = w; i < total; i += processes) if (vars[`K_${w}_${i}`] !== `v${i}`) lost++
const leftovers = readdirSync(stateDir).filter((name) => /\.(lock|tmp|reclaim)$|\.stale\.|\.rejected\./.test(name))
times.sort((a, b) => a - b)
const pct = (p) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))])
console.log(JSON.stringify({
  sets: total,
  processes,
  succeeded: total - failures.length,
  failed: failures.length,
  lost,
  leftovers,
  wallSeconds: Math.round(wall / 100) / 10,
  perSetMs: { p50: pct(0.5), p95: pct(0.95), max: Math.round(times.at(-1) ?? 0) },
  firstFailures: [...new Set(failures)].slice(0, 3)
}, null, 2))
process.exitCode = failures.length === 0 && lost === 0 ? 0 : 1
