import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import { cliTestLayer, runInProcess } from "../support/cliInProcess.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { fakeServiceState, fakeStatus, ServiceManagerTest } from "../support/serviceManagerTest.js"

const dirs: Array<string> = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

describe("openclaw onboard|setup --install-daemon / --no-install-daemon / --daemon-runtime (in process)", () => {
  it.live("installs the service after writing the config (pinned --gateway-port); refuses bun and unknown runtimes before writing anything", () => {
    const env = configTestLayer()
    dirs.push(env.dir)
    const services = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
    return Effect.gen(function*() {
      const bun = yield* runInProcess(["onboard", "--mode", "local", "--non-interactive", "--install-daemon", "--daemon-runtime", "bun"])
      expect(bun.code).toBe(1)
      expect(bun.stderr).toContain("--daemon-runtime bun: this version of Clawgate runs on Node only")
      const deno = yield* runInProcess(["setup", "--baseline", "--install-daemon", "--daemon-runtime", "deno"])
      expect(deno.stderr).toContain(`Invalid --daemon-runtime. Use "node" or "bun".`)
      expect(fs.existsSync(env.configPath)).toBe(false)

      const skipped = yield* runInProcess(["onboard", "--mode", "local", "--non-interactive", "--no-install-daemon"])
      expect(skipped.code, skipped.stderr).toBe(0)
      expect(services.calls.filter((c) => c.startsWith("install"))).toEqual([])

      const installed = yield* runInProcess(["onboard", "--mode", "local", "--non-interactive", "--gateway-port", "19777", "--install-daemon", "--daemon-runtime", "node", "--json"])
      expect(installed.code, installed.stderr).toBe(0)
      expect(services.calls).toContain("install:19777")
      expect(JSON.parse(installed.stdout).daemonInstall).toMatchObject({ requested: true, installed: true, result: "done" })
      expect(JSON.parse(fs.readFileSync(env.configPath, "utf8")).gateway.port).toBe(19777)

      services.unavailable = "no supported service manager detected"
      const unavailable = yield* runInProcess(["setup", "--baseline", "--install-daemon"])
      expect(unavailable.code).toBe(1)
      expect(unavailable.stderr).toContain("Gateway service install is unavailable")
    }).pipe(Effect.provide(cliTestLayer(env, { serviceManager: ServiceManagerTest(services) })))
  })
})
