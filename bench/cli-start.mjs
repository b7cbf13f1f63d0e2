// Cold-start benchmark of the built CLI: every read-only command (scripts/readOnlyCommands.mjs), each as a
// ratio to `openclaw --version` measured in turn with it (the target is at most 2.5x). Commands that talk
// to a gateway run twice: with none answering, and against a real gateway this script starts on a
// scratch home. Each turn also runs the floor, an @effect/cli program that does nothing of its own
// (bench/cli-floor, bundled and code-cached as the CLI is): xFloor is what our own code adds to the stack.
// `--baseline <dir>` also times another build's dist/ in the same turns (before/after).
// Usage: npm run bench:cli-start [-- --runs 10] [-- --baseline /path/to/old/dist] [-- --only status]
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { bundleBinAndApp } from "../scripts/bundle.mjs"
import { READ_ONLY_COMMANDS } from "../scripts/readOnlyCommands.mjs"

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" }, baseline: { type: "string" }, only: { type: "string" } } })
const runs = Number(values.runs)
const cli = resolve("dist/openclaw.mjs")
const baseline = values.baseline === undefined ? undefined : resolve(values.baseline, "openclaw.mjs")
for (const file of [cli, baseline]) {
  if (file !== undefined && !existsSync(file)) {
    console.error(`${file} is missing: run \`npm run bundle\` first.`)
    process.exit(1)
  }
}

const freePort = () =>
  new Promise((res) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => res(port))
    })
  })

const home = mkdtempSync(join(tmpdir(), "clawgate-bench-start-"))
mkdirSync(join(home, ".openclaw"), { recursive: true })
const port = await freePort()
const config = { gateway: { mode: "local", port, auth: { mode: "token", token: "bench-cli-start-token-0123456789" } }, logging: { file: join(home, "gateway.log") } }
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config, null, 2))
const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }
const hasTime = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0

const floorDir = mkdtempSync(join(tmpdir(), "clawgate-cli-floor-"))
const floor = join(floorDir, "floor.mjs")
const FLOOR_ARGS = ["config", "get", "gateway.port"]
await bundleBinAndApp({ bin: "bench/cli-floor/bin.ts", app: "bench/cli-floor/app.ts", binOut: floor, appOut: join(floorDir, "floor-cli.cjs") })
// Its code cache, trained as the build trains the CLI's.
spawnSync(process.execPath, [floor, ...FLOOR_ARGS], { env: { ...env, OPENCLAW_CODE_CACHE: "refresh" }, stdio: "ignore" })

/** One cold run: wall ms, CPU ms and peak RSS MiB (when /usr/bin/time is there), exit code. */
const runOnce = (entry, args) => {
  const started = process.hrtime.bigint()
  const result = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "%M %U %S", process.execPath, entry, ...args], { env, encoding: "utf8" })
    : spawnSync(process.execPath, [entry, ...args], { env, encoding: "utf8" })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const [rssKiB, user, sys] = hasTime ? result.stderr.trim().split("\n").pop().split(" ").map(Number) : [Number.NaN, Number.NaN, Number.NaN]
  return { ms, cpuMs: (user + sys) * 1000, rss: rssKiB / 1024, status: result.status }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits

/** `runs` turns of (--version, the command[, the baseline's command]); ratios are per turn, then the median. */
const measure = (args, gateway) => {
  const turns = []
  for (let i = 0; i < runs; i++) {
    const version = runOnce(cli, ["--version"])
    const stack = runOnce(floor, FLOOR_ARGS)
    const now = runOnce(cli, args)
    const before = baseline === undefined ? undefined : runOnce(baseline, args)
    turns.push({ version, stack, now, before })
  }
  const row = {
    command: `openclaw ${args.join(" ")}`,
    gateway,
    exit: [...new Set(turns.map((t) => t.now.status))].join(","),
    medianMs: round(median(turns.map((t) => t.now.ms))),
    versionMs: round(median(turns.map((t) => t.version.ms))),
    xVersion: round(median(turns.map((t) => t.now.ms / t.version.ms)), 2),
    floorMs: round(median(turns.map((t) => t.stack.ms))),
    xFloor: round(median(turns.map((t) => t.now.ms / t.stack.ms)), 2),
    peakRssMiB: round(Math.max(...turns.map((t) => t.now.rss)), 1)
  }
  if (baseline === undefined) return row
  return { ...row, baselineMs: round(median(turns.map((t) => t.before.ms))), xBaseline: round(median(turns.map((t) => t.now.ms / t.before.ms)), 2),
    // CPU time holds up better than wall time on a busy machine (in 10 ms steps: too coarse beside --version's ~30 ms).
    cpuXBaseline: round(median(turns.map((t) => t.now.cpuMs / t.before.cpuMs)), 2), baselineRssMiB: round(Math.max(...turns.map((t) => t.before.rss)), 1) }
}

const selected = READ_ONLY_COMMANDS.filter(({ args }) => values.only === undefined || args.join(" ").startsWith(values.only))
const rows = selected.map(({ args, gateway }) => measure(args, gateway ? "down" : "-"))

const gatewayProcess = spawn(process.execPath, [cli, "gateway", "run"], { env, stdio: ["ignore", "pipe", "inherit"] })
try {
  await new Promise((res, rej) => {
    gatewayProcess.stdout.on("data", (d) => String(d).includes("Gateway listening") && res())
    gatewayProcess.on("exit", (code) => rej(new Error(`gateway exited ${code}`)))
  })
  // Pair the CLI once, as a user's first command would, so every later run connects with a device token.
  runOnce(cli, ["health"])
  for (const { args, gateway } of selected) if (gateway) rows.push(measure(args, "up"))
} finally {
  gatewayProcess.kill("SIGTERM")
}
rmSync(home, { recursive: true, force: true })
rmSync(floorDir, { recursive: true, force: true })

const floorXVersion = round(median(rows.map((r) => r.floorMs / r.versionMs)), 2)
console.log(`cli-start: ${runs} cold runs each, each beside a run of --version and of the floor${baseline ? ` and of ${baseline}` : ""}; node ${process.version}; target xVersion <= 2.5; the floor itself is ${floorXVersion} x --version`)
console.table(rows)
console.log(JSON.stringify(rows))
