import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { fakeLaunchd, fakeSchtasks, fakeSystemd } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const UNIT = "openclaw-node.service"
const SHOW = `systemctl --user show ${UNIT} --no-pager -p ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState`
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

// The live ServiceManager of kind "node" over a temp home; the gateway's manager over the same home, for coexistence.
const setup = (env: Record<string, string> = {}) => {
  const systemd = fakeSystemd()
  const node = serviceTestEnv({ scripts: [systemd.script], env, options: { platform: "systemd", kind: "node" } })
  return {
    ...node,
    systemd,
    unitPath: path.join(node.home, ".config", "systemd", "user", UNIT),
    envPath: path.join(node.stateDir, "node.systemd.env")
  }
}

describe("the node host service (openclaw node install|start|stop|restart|uninstall|status)", () => {
  it.effect("systemd: install writes openclaw-node.service running `openclaw node run --host --port ...`, its own 0600 env file, then enables and starts it", () => {
    const t = setup({ OPENCLAW_GATEWAY_TOKEN: "node-tok-1" })
    t.writeConfig({ gateway: { mode: "local", port: 19011 } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const result = yield* manager.install({ force: false, nodeHost: { displayName: "build-box", commands: ["system.run", "system.which"] } })
      expect(t.runner.lines()).toEqual([
        "systemctl --user daemon-reload",
        `systemctl --user enable ${UNIT}`,
        `systemctl --user restart ${UNIT}`,
        SHOW
      ])
      expect(result).toMatchObject({ action: "install", result: "done", message: `Installed systemd user service ${UNIT} (gateway 127.0.0.1:19011).` })
      const command = [t.nodePath, t.entryPath, "node", "run", "--host", "127.0.0.1", "--port", "19011", "--display-name", "build-box", "--commands", "system.run,system.which"]
      expect(result.status).toMatchObject({ identity: UNIT, installed: true, command, audit: [], runtime: { status: "running" } })
      expect(result.status?.env?.["OPENCLAW_GATEWAY_TOKEN"]).toBe("***")

      const unit = fs.readFileSync(t.unitPath, "utf8")
      expect(unit).toContain("\nDescription=OpenClaw Node Host\n")
      expect(unit).toContain(`\nExecStart=${command.join(" ")}\n`)
      expect(unit).toContain(`\nEnvironmentFile=${t.envPath}\n`)
      expect(unit).not.toContain("node-tok-1")
      expect(fs.readFileSync(t.envPath, "utf8").split("\n").slice(1)).toEqual([
        "OPENCLAW_SERVICE_MARKER=openclaw",
        "OPENCLAW_SERVICE_KIND=node",
        `OPENCLAW_SERVICE_VERSION=${VERSION}`,
        `OPENCLAW_SYSTEMD_UNIT=${UNIT}`,
        "OPENCLAW_LOG_PREFIX=node",
        `PATH=${path.dirname(t.nodePath)}:/usr/local/bin:/usr/bin:/bin`,
        "OPENCLAW_GATEWAY_TOKEN=node-tok-1",
        ""
      ])
      expect([modeOf(t.unitPath), modeOf(t.envPath)]).toEqual(["600", "600"])
      // The gateway's files are not the node's: nothing named gateway.* was written.
      expect(fs.existsSync(path.join(t.stateDir, "gateway.systemd.env"))).toBe(false)
      expect(fs.readdirSync(path.dirname(t.unitPath))).toEqual([UNIT])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("a second install says already installed; --force rewrites with the new gateway; start of a running service is a no-op", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 19012 } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      const again = yield* manager.install({ force: false, nodeHost: { host: "10.0.0.5" } })
      expect(again).toMatchObject({ result: "already", message: `Node service already installed: ${UNIT} (systemd user). Use --force to reinstall.` })
      expect(fs.readFileSync(t.unitPath, "utf8")).toContain(" node run --host 127.0.0.1 --port 19012\n")
      const forced = yield* manager.install({ force: true, port: 443, nodeHost: { host: "gw.example.net", tls: true, contextPath: "/openclaw-gw" } })
      expect(forced.status?.command).toEqual([t.nodePath, t.entryPath, "node", "run", "--host", "gw.example.net", "--port", "443", "--tls", "--context-path", "/openclaw-gw"])
      // The node's --port is its gateway's: no drift against this config's port 19012.
      const started = yield* manager.start
      expect(started).toMatchObject({ action: "start", result: "already", message: expect.stringMatching(/^Node service already running: openclaw-node\.service/) })
      const restarted = yield* manager.restart
      expect(restarted).toMatchObject({ action: "restart", result: "done", message: `Restarted ${UNIT}.` })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("refuses --no-tls with a TLS fingerprint and a relative --runtime-path, writing nothing", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const tls = yield* Effect.flip(manager.install({ force: false, nodeHost: { tls: false, tlsFingerprint: "ab:cd" } }))
      expect(tls).toMatchObject({ _tag: "ServiceActionFailed", message: "--no-tls cannot be combined with --tls-fingerprint" })
      const runtime = yield* Effect.flip(manager.install({ force: false, runtimePath: "bin/node" }))
      // The same check as `gateway install --runtime-path`.
      expect(runtime._tag).toBe("ServiceActionFailed")
      expect(runtime.message).toBe("--runtime-path must be an absolute executable path.")
      expect(fs.existsSync(t.unitPath)).toBe(false)
      expect(t.runner.lines().filter((l) => !l.includes(" show "))).toEqual([])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("stop, uninstall: the node unit and env file go, a gateway unit beside it stays", () => {
    const t = setup()
    const gatewayUnit = path.join(t.home, ".config", "systemd", "user", "openclaw-gateway.service")
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      fs.writeFileSync(gatewayUnit, "[Unit]\nDescription=OpenClaw Gateway\n")
      expect(yield* manager.stop).toMatchObject({ result: "done", message: `Stopped ${UNIT}.` })
      const removed = yield* manager.uninstall
      expect(removed).toMatchObject({ result: "done", message: `Uninstalled ${UNIT} (removed ${t.unitPath}).` })
      expect([fs.existsSync(t.unitPath), fs.existsSync(t.envPath), fs.existsSync(gatewayUnit)]).toEqual([false, false, true])
      const absent = yield* manager.uninstall
      expect(absent).toMatchObject({ result: "absent", message: `Node service not installed (${UNIT}); nothing to uninstall.` })
      const startAbsent = yield* Effect.flip(manager.start)
      expect(startAbsent).toMatchObject({ code: "SERVICE_NOT_INSTALLED", message: `Node service not installed (${UNIT}).`, hint: "openclaw node install" })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("launchd: ai.openclaw.node with node.launchd.* files and node logs", () => {
    const launchd = fakeLaunchd()
    const t = serviceTestEnv({ scripts: [launchd.script], options: { platform: "launchd", kind: "node" } })
    return Effect.gen(function*() {
      const result = yield* (yield* ServiceManager).install({ force: false })
      const plist = path.join(t.home, "Library", "LaunchAgents", "ai.openclaw.node.plist")
      expect(result).toMatchObject({ result: "done", message: "Installed LaunchAgent service ai.openclaw.node (gateway 127.0.0.1:18789)." })
      expect(t.runner.lines()).toContain(`launchctl bootstrap gui/501 ${plist}`)
      const text = fs.readFileSync(plist, "utf8")
      expect(text).toContain("<string>ai.openclaw.node</string>")
      expect(text).toContain(`<string>${path.join(t.stateDir, "node.launchd.sh")}</string>`)
      expect(text).toContain(`<string>${path.join(t.home, "Library", "Logs", "openclaw", "node.log")}</string>`)
      expect(text).toContain("<string>node</string>\n    <string>run</string>")
      expect(fs.existsSync(path.join(t.stateDir, "node.launchd.env"))).toBe(true)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("Task Scheduler: task \"OpenClaw Node\" runs <stateDir>\\node.cmd", () => {
    const schtasks = fakeSchtasks()
    const t = serviceTestEnv({ scripts: [schtasks.script], options: { platform: "schtasks", kind: "node" } })
    return Effect.gen(function*() {
      const result = yield* (yield* ServiceManager).install({ force: false })
      expect(result).toMatchObject({ result: "done", status: { identity: "OpenClaw Node" } })
      expect(t.runner.lines().some((l) => l.startsWith("schtasks /Create") && l.includes("/TN OpenClaw Node"))).toBe(true)
      const cmd = fs.readFileSync(path.join(t.stateDir, "node.cmd"), "utf8")
      expect(cmd).toContain("node run --host 127.0.0.1 --port 18789")
      expect(cmd).toContain("OPENCLAW_TASK_SCRIPT_NAME=node.cmd")
      expect(fs.existsSync(path.join(t.stateDir, "node.task.xml"))).toBe(true)
      expect(fs.existsSync(path.join(t.stateDir, "gateway.cmd"))).toBe(false)
    }).pipe(Effect.provide(t.layer))
  })
})
