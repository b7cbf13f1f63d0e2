import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { fakeLaunchd, fakeSchtasks, fakeSystemd } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const UNIT = "openclaw-gateway.service"
const SHOW = `systemctl --user show ${UNIT} --no-pager -p ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState`
const LABEL = "ai.openclaw.gateway"
const TARGET = `gui/501/${LABEL}`
const TASK = "OpenClaw Gateway"
const QUERY = `schtasks /Query /TN ${TASK} /V /FO LIST`

describe("stop --disable keeps the service from coming back until start (recording runner)", () => {
  it.effect("systemd: disable --now; the unit reads disabled; start enables it again before starting", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.runner.clear()

      const stopped = yield* manager.stopAndDisable
      expect(stopped).toMatchObject({
        action: "stop",
        result: "done",
        message: `Stopped and disabled ${UNIT}; it stays stopped (also across logins and reboots) until \`openclaw gateway start\`.`,
        status: { loadedText: "disabled", runtime: { status: "stopped" } }
      })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user disable --now ${UNIT}`, SHOW])
      expect(systemd.state).toMatchObject({ enabled: false, active: false })

      t.runner.clear()
      expect((yield* manager.start)).toMatchObject({ result: "done", status: { loadedText: "enabled", runtime: { status: "running" } } })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user enable ${UNIT}`, `systemctl --user start ${UNIT}`, SHOW])
      expect(fs.readFileSync(path.join(t.stateDir, "logs", "gateway-restart.log"), "utf8")).toMatch(/action=stop result=done source=cli platform=systemd/)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("launchd: launchctl disable then bootout; start enables before bootstrapping (a disabled job would not bootstrap)", () => {
    const launchd = fakeLaunchd()
    const t = serviceTestEnv({ scripts: [launchd.script], options: { platform: "launchd" } })
    const plist = path.join(t.home, "Library", "LaunchAgents", `${LABEL}.plist`)
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.runner.clear()

      expect((yield* manager.stopAndDisable).result).toBe("done")
      expect(t.runner.lines()).toEqual([`launchctl print ${TARGET}`, `launchctl disable ${TARGET}`, `launchctl bootout ${TARGET}`, `launchctl print ${TARGET}`])
      expect(launchd.state).toMatchObject({ disabled: true, loaded: false })

      t.runner.clear()
      expect((yield* manager.start)).toMatchObject({ result: "done", status: { loadedText: "loaded", runtime: { status: "running" } } })
      expect(t.runner.lines()).toEqual([
        `launchctl print ${TARGET}`,
        `launchctl print system/${LABEL}`,
        `launchctl enable ${TARGET}`,
        `launchctl bootstrap gui/501 ${plist}`,
        `launchctl print ${TARGET}`
      ])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("Task Scheduler: /End then /Change /DISABLE; status reads disabled; start re-enables before /Run", () => {
    const schtasks = fakeSchtasks()
    const t = serviceTestEnv({ scripts: [schtasks.script], options: { platform: "schtasks" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.runner.clear()

      expect((yield* manager.stopAndDisable)).toMatchObject({ result: "done", status: { loadedText: "disabled" } })
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /End /TN ${TASK}`, `schtasks /Change /TN ${TASK} /DISABLE`, QUERY])

      t.runner.clear()
      expect((yield* manager.start)).toMatchObject({ result: "done", status: { loadedText: "registered", runtime: { status: "running" } } })
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /Change /TN ${TASK} /ENABLE`, `schtasks /Run /TN ${TASK}`, QUERY])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("an absent service: stop --disable is a successful no-op that touches nothing", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    return Effect.gen(function*() {
      expect(yield* (yield* ServiceManager).stopAndDisable).toEqual({ action: "stop", result: "absent", message: `Gateway service not installed (${UNIT}); nothing to stop.` })
      expect(t.runner.lines()).toEqual([])
    }).pipe(Effect.provide(t.layer))
  })
})

describe("restart --preserve-definition restarts the service as installed (recording runner)", () => {
  it.effect("a definition from an older version is restarted as is, where a plain restart would rewrite it", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    const envPath = path.join(t.stateDir, "gateway.systemd.env")
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      const old = fs.readFileSync(envPath, "utf8").replace(`OPENCLAW_SERVICE_VERSION=${VERSION}`, "OPENCLAW_SERVICE_VERSION=2026.1.1")
      fs.writeFileSync(envPath, old)
      t.runner.clear()

      const restarted = yield* manager.restartAsInstalled
      expect(restarted.message).toBe(`Restarted ${UNIT} with its installed definition (not rewritten: service was installed by OpenClaw 2026.1.1, current CLI is ${VERSION}).`)
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user restart ${UNIT}`, SHOW])
      expect(fs.readFileSync(envPath, "utf8")).toBe(old)

      // The plain restart repairs the same definition.
      t.runner.clear()
      expect((yield* manager.restart).message).toMatch(/^Repaired and restarted /)
      expect(fs.readFileSync(envPath, "utf8")).toContain(`OPENCLAW_SERVICE_VERSION=${VERSION}\n`)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("not installed: refused with the install hint, as a plain restart is", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    return Effect.gen(function*() {
      expect(yield* Effect.flip((yield* ServiceManager).restartAsInstalled)).toMatchObject({ code: "SERVICE_NOT_INSTALLED", hint: "openclaw gateway install" })
    }).pipe(Effect.provide(t.layer))
  })
})
