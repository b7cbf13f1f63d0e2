import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { cliTestLayer, runInProcess } from "../support/cliInProcess.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { fakeSystemd } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

const dirs: Array<string> = []
afterAll(() => {
  cleanupServiceHomes()
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const UNIT = "openclaw-gateway.service"

// The original's install flags through the CLI, onto the live service manager (systemd, recording runner).
describe("openclaw gateway|daemon install --wrapper --runtime --runtime-path --allow-unconfigured (in process)", () => {
  it.live("the flags reach the unit; a bad one is refused naming it, exit 1", () => {
    const t = serviceTestEnv({ scripts: [fakeSystemd().script], options: { platform: "systemd" } })
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    const env = configTestLayer()
    dirs.push(env.dir)
    const unitPath = path.join(t.home, ".config", "systemd", "user", UNIT)
    const wrapper = path.join(t.home, "bin", "run-openclaw")
    fs.writeFileSync(wrapper, "#!/bin/sh\nexec node \"$@\"\n", { mode: 0o755 })
    return Effect.gen(function*() {
      const bun = yield* runInProcess(["daemon", "install", "--runtime", "bun"])
      expect(bun.code).toBe(1)
      expect(bun.stderr).toContain("--runtime bun: this version of Clawgate runs on Node only")
      const relative = yield* runInProcess(["gateway", "install", "--runtime-path", "node"])
      expect(relative.code).toBe(1)
      expect(relative.stderr).toContain("--runtime-path must be an absolute executable path.")
      expect(fs.existsSync(unitPath)).toBe(false)

      const installed = yield* runInProcess(["daemon", "install", "--runtime", "node", "--wrapper", wrapper, "--allow-unconfigured", "--json"])
      expect(installed.code, installed.stderr).toBe(0)
      expect(JSON.parse(installed.stdout).service.command).toEqual([wrapper, "gateway", "--port", "18789", "--allow-unconfigured"])
      expect(fs.readFileSync(unitPath, "utf8")).toContain(`\nExecStart=${wrapper} gateway --port 18789 --allow-unconfigured\n`)
    }).pipe(Effect.provide(cliTestLayer(env, { serviceManager: t.layer })))
  })
})
