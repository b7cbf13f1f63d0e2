import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { NodeServiceManager, ServiceManager } from "../../src/services/ServiceManager.js"
import { cliTestLayer, runInProcess } from "../support/cliInProcess.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { fakeSystemd } from "../support/RecordingCommandRunner.js"
import { fakeServiceState, ServiceManagerTest } from "../support/serviceManagerTest.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

const dirs: Array<string> = []
afterAll(() => {
  cleanupServiceHomes()
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** `openclaw node ...` in process, over the live node service manager driving a recording systemd (or none). */
const setup = (platform: "systemd" | "none") => {
  const env = configTestLayer()
  dirs.push(env.dir)
  const systemd = fakeSystemd()
  const service = serviceTestEnv({ scripts: [systemd.script], options: { platform, kind: "node" } })
  const nodeServiceManager = Layer.effect(NodeServiceManager, ServiceManager).pipe(Layer.provide(service.layer))
  return { env, service, layer: cliTestLayer(env, { serviceManager: ServiceManagerTest(fakeServiceState()), nodeServiceManager }) }
}

describe("openclaw node install|status|start|stop|restart|uninstall (in process)", () => {
  it.live("status before and after install, as the original lays it out; --json carries the service and its command", () => {
    const t = setup("systemd")
    return Effect.gen(function*() {
      const before = yield* runInProcess(["node", "status"])
      expect(before).toEqual({
        code: 0,
        stdout: [
          "Service: systemd user (disabled)",
          "Runtime: stopped",
          "",
          "Start with: openclaw node install",
          "Start with: openclaw node start",
          "Start with: systemctl --user start openclaw-node.service",
          ""
        ].join("\n"),
        stderr: ""
      })
      const installed = yield* runInProcess(["node", "install", "--display-name", "box", "--commands", "system.run", "--commands", "system.which", "--json"])
      expect(installed.code, installed.stderr).toBe(0)
      const report = JSON.parse(installed.stdout)
      expect(report).toMatchObject({ ok: true, action: "install", result: "done", service: { identity: "openclaw-node.service", installed: true } })
      expect(report.service.command.slice(2)).toEqual(["node", "run", "--host", "127.0.0.1", "--port", "18789", "--display-name", "box", "--commands", "system.run,system.which"])

      const after = yield* runInProcess(["node", "status"])
      expect(after.code).toBe(0)
      expect(after.stdout.split("\n")).toEqual([
        "Service: systemd user (enabled)",
        `Command: ${t.service.nodePath} ${t.service.entryPath} node run --host 127.0.0.1 --port 18789 --display-name box --commands system.run,system.which`,
        `Service file: ${t.service.home}/.config/systemd/user/openclaw-node.service`,
        "Runtime: running (pid 4242, state active, sub running)",
        ""
      ])
      const json = JSON.parse((yield* runInProcess(["node", "status", "--json"])).stdout)
      expect(json).toEqual({
        service: {
          label: "systemd user",
          identity: "openclaw-node.service",
          loaded: true,
          loadedText: "enabled",
          notLoadedText: "disabled",
          command: { programArguments: report.service.command, sourcePath: `${t.service.home}/.config/systemd/user/openclaw-node.service` },
          runtime: { status: "running", pid: 4242, state: "active", subState: "running", lastExitStatus: 0 }
        }
      })
      const stopped = yield* runInProcess(["node", "stop"])
      expect(stopped).toEqual({ code: 0, stdout: "Stopped openclaw-node.service.\n", stderr: "" })
      const down = yield* runInProcess(["node", "status"])
      expect(down.stdout).toContain("Runtime: stopped")
      expect(down.stderr).toBe("Service is loaded but not running.\nLogs: journalctl --user -u openclaw-node.service -n 200 --no-pager\n")
      expect((yield* runInProcess(["node", "restart"])).stdout).toBe("Restarted openclaw-node.service.\n")
      const removed = yield* runInProcess(["node", "uninstall", "--json"])
      expect(JSON.parse(removed.stdout)).toMatchObject({ ok: true, action: "uninstall", result: "done" })
      expect(fs.existsSync(`${t.service.home}/.config/systemd/user/openclaw-node.service`)).toBe(false)
    }).pipe(Effect.provide(t.layer))
  })

  it.live("without a service manager, status still answers (exit 0) and install fails with the code", () => {
    const t = setup("none")
    return Effect.gen(function*() {
      const status = yield* runInProcess(["node", "status"])
      expect(status.code).toBe(0)
      expect(status.stdout.split("\n").slice(0, 2)).toEqual(["Service: none (disabled)", "Runtime: unknown (no supported service manager detected)"])
      const install = yield* runInProcess(["node", "install"])
      expect(install.code).toBe(1)
      expect(install.stderr).toContain("error[SERVICE_MANAGER_UNAVAILABLE]: no supported service manager detected")
    }).pipe(Effect.provide(t.layer))
  })

  it.live("flags of the original this version cannot honour are refused by name, before anything runs", () => {
    const t = setup("systemd")
    return Effect.gen(function*() {
      const pair = yield* runInProcess(["node", "run", "--pair", "ABCD-1234"])
      expect(pair.code).toBe(1)
      expect(pair.stderr).toMatch(/^openclaw node run: --pair is not supported by this version/)
      const fingerprint = yield* runInProcess(["node", "install", "--tls-fingerprint", "ab:cd", "--node-id", "n1"])
      expect(fingerprint.code).toBe(1)
      expect(fingerprint.stderr).toMatch(/^openclaw node install: --tls-fingerprint, --node-id are not supported by this version/)
      const bun = yield* runInProcess(["node", "install", "--runtime", "bun"])
      expect(bun.code).toBe(1)
      expect(bun.stderr).toContain("Invalid --runtime \"bun\"")
      const unknown = yield* runInProcess(["node", "run", "--commands", "camera.snap"])
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toContain("--commands names camera.snap, which this node host does not serve")
      expect(t.service.runner.lines()).toEqual([])
    }).pipe(Effect.provide(t.layer))
  })

  it.live("node identity prints the node host's own device (made once, 0600), not the CLI's", () => {
    const t = setup("systemd")
    return Effect.gen(function*() {
      const first = yield* runInProcess(["node", "identity"])
      expect(first.code).toBe(0)
      expect(first.stdout).toMatch(/^deviceId: {2}[0-9a-f]{64}\npublicKey: [A-Za-z0-9_-]{43}\n$/)
      const file = path.join(t.env.dir, "node-host", "identity", "device.json")
      expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600")
      const json = JSON.parse((yield* runInProcess(["node", "identity", "--json"])).stdout)
      expect(Object.keys(json)).toEqual(["deviceId", "publicKey"])
      expect(first.stdout).toContain(json.deviceId)
      expect(fs.existsSync(path.join(t.env.dir, "identity", "device.json"))).toBe(false)
    }).pipe(Effect.provide(t.layer))
  })

  it.live("--commands given on `node` itself reach the installed service, as the original inherits them", () => {
    const t = setup("systemd")
    return Effect.gen(function*() {
      const installed = yield* runInProcess(["node", "--commands", "system.which", "install", "--json"])
      expect(installed.code, installed.stderr).toBe(0)
      expect(JSON.parse(installed.stdout).service.command.slice(-2)).toEqual(["--commands", "system.which"])
    }).pipe(Effect.provide(t.layer))
  })
})
