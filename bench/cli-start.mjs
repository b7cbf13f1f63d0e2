// Cold-start benchmark of the built CLI: median wall time and peak RSS over repeated runs.
// Usage: npm run build && node bench/cli-start.mjs [runs]
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const runs = Number(process.argv[2] ?? 20)
const cli = resolve("dist/openclaw.mjs")
if (!existsSync(cli)) {
  console.error("dist/openclaw.mjs is missing: run `npm run bundle` first.")
  process.exit(1)
}
const home = mkdtempSync(join(tmpdir(), "clawgate-bench-"))
mkdirSync(join(home, ".openclaw"), { recursive: true })
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: 18789 } }, null, 2))
const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }
const hasTime = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0

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

const rows = [["--version"], ["--help"], ["config", "get", "gateway.port"]].map(measure)
console.log(`cli-start: ${runs} cold runs each, node ${process.version}`)
console.table(rows)
console.log(JSON.stringify(rows))
