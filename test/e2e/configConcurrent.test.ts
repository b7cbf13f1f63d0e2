import { expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { homeWithConfig, runCliAsync } from "../support/runCliAsync.js"

// Sized for the suite; `node bench/config-set.mjs` runs the full 1,000 sets from 8 processes.
const PROCESSES = 4
const SETS_EACH = 5

it("concurrent `config set` of different keys from several processes: every one succeeds, none is lost, nothing left beside the file", async () => {
  const home = homeWithConfig({ gateway: { mode: "local" } })
  const worker = async (w: number) => {
    const results = []
    for (let i = 0; i < SETS_EACH; i++) results.push(await runCliAsync(home.home, ["config", "set", `env.vars.K_${w}_${i}`, `v${w}.${i}`], {}, 30_000))
    return results
  }
  const results = (await Promise.all(Array.from({ length: PROCESSES }, (_, w) => worker(w)))).flat()
  expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([])
  const vars = (JSON.parse(fs.readFileSync(home.configPath, "utf8")) as { env: { vars: Record<string, string> } }).env.vars
  expect(Object.keys(vars).length).toBe(PROCESSES * SETS_EACH)
  for (let w = 0; w < PROCESSES; w++) for (let i = 0; i < SETS_EACH; i++) expect(vars[`K_${w}_${i}`]).toBe(`v${w}.${i}`)
  expect(fs.readdirSync(home.stateDir).filter((name) => /\.(lock|tmp|reclaim)$|\.stale\.|\.rejected\./.test(name))).toEqual([])
}, 60_000)
