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

// stop --disable --force and restart --force|--preserve-definition through the CLI, onto the live manager.
describe("openclaw gateway|daemon stop --disable --force, restart --force --preserve-definition (in process)", () => {
  it.live("each flag reaches the supervisor as the docs describe", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    const env = configTestLayer()
    dirs.push(env.dir)
    const envPath = path.join(t.stateDir, "gateway.systemd.env")
    return Effect.gen(function*() {
      expect((yield* runInProcess(["gateway", "install"])).code).toBe(0)
      t.runner.clear()

      const stopped = yield* runInProcess(["daemon", "stop", "--disable", "--force", "--json"])
      expect(stopped.code, stopped.stderr).toBe(0)
      expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: true, action: "stop", result: "done", service: { loadedText: "disabled" } })
      expect(t.runner.lines()).toContain(`systemctl --user disable --now ${UNIT}`)
      expect(systemd.state).toMatchObject({ enabled: false, active: false })

      // --force restarts through the service manager (the unit was left disabled: restart still runs it).
      t.runner.clear()
      const forced = yield* runInProcess(["gateway", "restart", "--force"])
      expect(forced.code, forced.stderr).toBe(0)
      expect(forced.stdout).toBe(`Restarted ${UNIT}.\n`)
      expect(t.runner.lines()).toContain(`systemctl --user restart ${UNIT}`)

      const old = fs.readFileSync(envPath, "utf8").replace(/OPENCLAW_SERVICE_VERSION=.*/, "OPENCLAW_SERVICE_VERSION=2026.1.1")
      fs.writeFileSync(envPath, old)
      const preserved = yield* runInProcess(["daemon", "restart", "--preserve-definition", "--force"])
      expect(preserved.code, preserved.stderr).toBe(0)
      expect(preserved.stdout).toContain("with its installed definition (not rewritten: service was installed by OpenClaw 2026.1.1")
      expect(fs.readFileSync(envPath, "utf8")).toBe(old)
    }).pipe(Effect.provide(cliTestLayer(env, { serviceManager: t.layer })))
  }, 60_000)
})
