import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"

const WRITER = path.resolve("dist/test/configWriter.mjs")
const KILLS = 200

interface Child {
  readonly lastStarted: () => number | undefined
  /** Resolves once the writer has started version `n` (so every version before it is written). */
  readonly started: (n: number) => Promise<void>
  readonly kill: () => Promise<void>
  readonly ready: Promise<void>
}

const startWriter = (env: NodeJS.ProcessEnv, from: number): Child => {
  const child = spawn(process.execPath, [WRITER, String(from)], { env, stdio: ["ignore", "pipe", "inherit"] })
  let last: number | undefined
  let buffer = ""
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  const waiters: Array<{ readonly n: number; readonly resolve: () => void }> = []
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8")
    const lines = buffer.split("\n")
    buffer = lines.pop() ?? ""
    for (const line of lines) {
      if (line === "ready") onReady()
      const match = /^writing (\d+)$/.exec(line)
      if (match) last = Number(match[1])
    }
    for (const waiter of [...waiters]) {
      if (last !== undefined && last >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  })
  // "close" fires after stdout is drained, so the last "writing N" line has been seen.
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()))
  return {
    lastStarted: () => last,
    started: (n) => (last !== undefined && last >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    ready,
    kill: async () => {
      child.kill("SIGKILL")
      await exited
    }
  }
}

/** The exact bytes the writer produces for version `i` (meta stamped last, as the store does). */
const expectedText = (i: number) => {
  const config = {
    gateway: { mode: "local", port: 1000 + (i % 60000) },
    logging: { file: `/tmp/openclaw-crash-${i}.log` },
    agents: { defaults: { models: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`p/m-${i}-${k}`, { alias: `alias-${k}` }])) } },
    meta: { lastTouchedVersion: VERSION }
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

describe("config crash safety", () => {
  it(`survives ${KILLS} SIGKILLs mid-write: always one whole version, no temp files piling up`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-crash-"))
    const configPath = path.join(dir, "openclaw.json")
    const env = { ...process.env, OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir }
    let next = 0
    let maxTemps = 0
    let committed = false
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startWriter(env, next)
      await child.ready
      // The first writer lives until one version has committed: on a busy machine a write takes longer than
      // the random window below, and 200 writers killed before their first commit would prove nothing.
      if (!committed && kill === 0) await child.started(next + 1)
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 40))
      await child.kill()
      next = (child.lastStarted() ?? next) + 1
      // Until a first write commits there is no file (a writer killed that early); once there, it never vanishes.
      if (!fs.existsSync(configPath)) {
        expect(committed, `openclaw.json disappeared after kill ${kill}`).toBe(false)
        continue
      }
      committed = true
      const text = fs.readFileSync(configPath, "utf8")
      const parsed = JSON.parse(text) as { logging: { file: string } }
      const version = Number(/crash-(\d+)\.log$/.exec(parsed.logging.file)?.[1])
      expect(version).toBeLessThan(next)
      expect(text).toBe(expectedText(version))
      const temps = fs.readdirSync(dir).filter((name) => name.endsWith(".tmp")).length
      maxTemps = Math.max(maxTemps, temps)
    }
    expect(committed).toBe(true)
    // A dead writer leaves at most its one temp file (and a stale lock), which the next writer clears.
    expect(maxTemps).toBeLessThanOrEqual(2)
    const finisher = startWriter(env, next)
    await finisher.ready
    // Its first write has committed (and swept what dead writers left) once it starts the second.
    await finisher.started(next + 1)
    await finisher.kill()
    const leftovers = fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))
    expect(leftovers.length).toBeLessThanOrEqual(1)
    expect(fs.readdirSync(dir).filter((name) => /\.bak\.\d+$/.test(name)).length).toBeLessThanOrEqual(4)
    // 200 CLI processes started one after another: about 20 s on a quiet machine, 160 s at a load of 15 on two cores.
  }, 420_000)
})
