import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { fakeLaunchd } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const LABEL = "ai.openclaw.gateway"
const TARGET = `gui/501/${LABEL}`
const PRINT = `launchctl print ${TARGET}`
const PRINT_SYSTEM = `launchctl print system/${LABEL}`
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

const setup = (initial: Parameters<typeof fakeLaunchd>[0] = {}) => {
  const launchd = fakeLaunchd(initial)
  const t = serviceTestEnv({ scripts: [launchd.script], options: { platform: "launchd" } })
  return {
    ...t,
    launchd,
    plistPath: path.join(t.home, "Library", "LaunchAgents", `${LABEL}.plist`),
    envPath: path.join(t.stateDir, "gateway.launchd.env"),
    wrapperPath: path.join(t.stateDir, "gateway.launchd.sh"),
    logDir: path.join(t.home, "Library", "Logs", "openclaw")
  }
}

describe("ServiceManager on launchd (recording runner)", () => {
  it.effect("install writes plist (0600), secrets file (0600) and wrapper (0700), then bootstraps gui/<uid>", () => {
    const t = setup()
    return Effect.gen(function*() {
      const result = yield* (yield* ServiceManager).install({ force: false, token: "tok-xyz" })
      expect(t.runner.lines()).toEqual([PRINT, PRINT_SYSTEM, `launchctl enable ${TARGET}`, `launchctl bootstrap gui/501 ${t.plistPath}`, PRINT])
      expect(result).toMatchObject({
        action: "install",
        result: "done",
        message: `Installed LaunchAgent service ${LABEL} (port 18789).`,
        status: {
          platform: "launchd",
          label: "LaunchAgent",
          identity: LABEL,
          installed: true,
          loadedText: "loaded",
          definitionPath: t.plistPath,
          command: [t.nodePath, t.entryPath, "gateway", "--port", "18789"],
          port: 18789,
          runtime: { status: "running", pid: 5151, state: "running", lastExitStatus: 0 },
          audit: []
        }
      })
      expect(result.status?.env?.["OPENCLAW_GATEWAY_TOKEN"]).toBe("***")
      const plist = fs.readFileSync(t.plistPath, "utf8")
      expect(plist).not.toContain("tok-xyz")
      expect(plist).toContain(`    <string>/bin/sh</string>\n    <string>${t.wrapperPath}</string>\n    <string>${t.envPath}</string>\n    <string>${t.nodePath}</string>\n`)
      expect(plist).toContain(`  <key>StandardOutPath</key>\n  <string>${path.join(t.logDir, "gateway.log")}</string>\n`)
      expect(plist).toContain(`    <key>OPENCLAW_SERVICE_VERSION</key>\n    <string>${VERSION}</string>\n`)
      expect(fs.readFileSync(t.envPath, "utf8")).toContain("\nOPENCLAW_GATEWAY_TOKEN='tok-xyz'\n")
      expect([modeOf(t.plistPath), modeOf(t.envPath), modeOf(t.wrapperPath), modeOf(t.logDir), modeOf(t.stateDir)]).toEqual(["600", "600", "700", "700", "700"])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("stop boots out, start bootstraps again, restart kickstarts, uninstall removes every file", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.runner.clear()

      expect((yield* manager.stop).message).toBe(`Stopped ${LABEL}.`)
      expect(t.runner.lines()).toEqual([PRINT, `launchctl bootout ${TARGET}`, PRINT])

      t.runner.clear()
      const started = yield* manager.start
      expect(started).toMatchObject({ result: "done", status: { loadedText: "loaded", runtime: { status: "running" } } })
      expect(t.runner.lines()).toEqual([PRINT, PRINT_SYSTEM, `launchctl enable ${TARGET}`, `launchctl bootstrap gui/501 ${t.plistPath}`, PRINT])

      t.runner.clear()
      expect((yield* manager.start)).toMatchObject({ result: "already", message: `Gateway service already running: ${LABEL} (pid 5151).` })
      expect(t.runner.lines()).toEqual([PRINT, PRINT])

      t.runner.clear()
      expect((yield* manager.restart).result).toBe("done")
      expect(t.runner.lines()).toEqual([PRINT, PRINT_SYSTEM, `launchctl kickstart -k ${TARGET}`, PRINT])

      t.runner.clear()
      expect((yield* manager.uninstall).result).toBe("done")
      expect(t.runner.lines()).toEqual([PRINT, `launchctl bootout ${TARGET}`])
      expect([t.plistPath, t.envPath, t.wrapperPath].map((f) => fs.existsSync(f))).toEqual([false, false, false])

      t.runner.clear()
      expect((yield* manager.stop).result).toBe("absent")
      expect(yield* Effect.flip(manager.start)).toMatchObject({ code: "SERVICE_NOT_INSTALLED", hint: "openclaw gateway install" })
      expect((yield* manager.status)).toMatchObject({ installed: false, loadedText: "not loaded" })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("start of a loaded but stopped job kickstarts it", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.launchd.state.running = false
      t.runner.clear()
      expect((yield* manager.start).result).toBe("done")
      expect(t.runner.lines()).toEqual([PRINT, PRINT_SYSTEM, `launchctl kickstart ${TARGET}`, PRINT])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("a same-label system LaunchDaemon blocks install, even with --force", () => {
    const t = setup()
    const daemons = path.join(t.home, "sysroot", "Library", "LaunchDaemons")
    fs.mkdirSync(daemons, { recursive: true })
    fs.writeFileSync(path.join(daemons, `${LABEL}.plist`), "<plist/>")
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      for (const force of [false, true]) {
        const error = yield* Effect.flip(manager.install({ force }))
        expect(error).toMatchObject({ _tag: "ServiceActionFailed", code: "SERVICE_ACTION_FAILED", action: "install" })
        expect(error.message).toContain(`A system LaunchDaemon already uses the label ${LABEL}`)
      }
      expect(fs.existsSync(t.plistPath)).toBe(false)
      expect(yield* manager.extraServices(true)).toEqual([
        { label: LABEL, scope: "system", detail: path.join(daemons, `${LABEL}.plist`), legacy: false }
      ])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("audits a hand-edited plist and lists legacy LaunchAgents", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      fs.writeFileSync(t.plistPath, fs.readFileSync(t.plistPath, "utf8").replace("<key>KeepAlive</key>\n  <true/>", "<key>KeepAlive</key>\n  <false/>"))
      fs.writeFileSync(path.join(path.dirname(t.plistPath), "com.clawdbot.gateway.plist"), "<plist/>")
      expect((yield* manager.status).audit.map((i) => i.code)).toEqual(["launchd-keep-alive"])
      expect(yield* manager.extraServices(false)).toEqual([
        { label: "com.clawdbot.gateway", scope: "user", detail: path.join(path.dirname(t.plistPath), "com.clawdbot.gateway.plist"), legacy: true }
      ])
    }).pipe(Effect.provide(t.layer))
  })
})
