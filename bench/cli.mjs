// Operator command benchmark against a running gateway: median wall time and peak RSS of
// `status`, `gateway status --json`, `gateway probe --json` and `health --json` over repeated cold runs.
// Usage: npm run bundle && node bench/cli.mjs [runs]
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const runs = Number(process.argv[2] ?? 15)
const cli = resolve("dist/openclaw.mjs")
if (!existsSync(cli)) {
  console.error("dist/openclaw.mjs is missing: run `npm run bundle` first.")
  process.exit(1)
}

const freePort = () =>
  new Promise((res) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })

const home = mkdtempSync(join(tmpdir(), "clawgate-bench-cli-"))
mkdirSync(join(home, ".openclaw"), { recursive: true })
const port = await freePort()
const config = { gateway: { mode: "local", port, auth: { mode: "token", token: "bench-cli-token-0123456789" } }, logging: { file: join(home, "gateway.log") } }
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config, null, 2))
const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }
const hasTime = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0

const gateway = spawn(process.execPath, [cli, "gateway", "run"], { env, stdio: ["ignore", "pipe", "inherit"] })
await new Promise((res, rej) => {
  gateway.stdout.on("data", (d) => String(d).includes("Gateway listening") && res())
  gateway.on("exit", (code) => rej(new Error(`gateway exited ${code}`)))
})

const measure = (args) => {
  const times = []
  const rss = []
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint()
    const result = hasTime
      ? spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, cli, ...args], { env, encoding: "utf8" })
      : spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8" })
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (result.status !== 0) throw new Error(`openclaw ${args.join(" ")} exited ${result.status}: ${result.stderr}`)
    if (hasTime) rss.push(Number(result.stderr.trim().split("\n").pop()) / 1024)
  }
  const sorted = times.sort((a, b) => a - b)
  return {
    command: `openclaw ${args.join(" ")}`,
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
    p90Ms: Math.round(sorted[Math.floor(sorted.length * 0.9)]),
    peakRssMiB: rss.length ? Math.round(Math.max(...rss) * 10) / 10 : null
  }
}

try {
  // Pair the CLI once, as a user's first command would, so the probes run with a cached device token.
  measure(["health"])
  const rows = [["status"], ["gateway", "status", "--json"], ["gateway", "probe", "--json"], ["health", "--json"]].map(measure)
  console.log(`cli: ${runs} cold runs each against a running gateway, node ${process.version}`)
  console.table(rows)
  console.log(JSON.stringify(rows))
} finally {
  gateway.kill("SIGTERM")
}
