import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { codeCacheKey, decodeCodeCache } from "../../src/cli/boot/codeCache.js"
import { childEnv, tempHome } from "../support/runCli.js"

/** A copy of the built CLI in its own folder, so its code cache can be broken without touching dist/. */
const copyOfDist = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-dist-"))
  for (const file of ["openclaw.mjs", "openclaw-cli.cjs", "openclaw-cli.cjs.v8cache"]) fs.copyFileSync(path.join("dist", file), path.join(dir, file))
  return { entry: path.join(dir, "openclaw.mjs"), cache: path.join(dir, "openclaw-cli.cjs.v8cache"), bundle: path.join(dir, "openclaw-cli.cjs") }
}

describe("the built CLI and its code cache", () => {
  it("a corrupt cache never breaks a command: it runs from source, and the cache is rewritten for the next run", () => {
    const { home, configPath } = tempHome()
    const { bundle, cache, entry } = copyOfDist()
    const env = childEnv(home)
    const good = fs.readFileSync(cache)
    fs.writeFileSync(cache, Buffer.concat([good.subarray(0, 200), Buffer.alloc(4096, 0xaa)]))
    for (let run = 0; run < 2; run++) {
      const result = spawnSync(process.execPath, [entry, "config", "file"], { env, encoding: "utf8" })
      expect(result.stderr).toBe("")
      expect(result.stdout.trim()).toBe(configPath)
      expect(result.status).toBe(0)
    }
    expect(decodeCodeCache(fs.readFileSync(cache), codeCacheKey(fs.readFileSync(bundle, "utf8")))).toBeDefined()
  })
})
