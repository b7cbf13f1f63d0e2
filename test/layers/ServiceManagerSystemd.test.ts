import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { diskFull, FaultyFileSystem } from "../support/faultyFileSystem.js"
import { fakeSystemd, when } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const UNIT = "openclaw-gateway.service"
const SHOW = `systemctl --user show ${UNIT} --no-pager -p ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState`
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

const setup = (initial: Parameters<typeof fakeSystemd>[0] = {}, env: Record<string, string> = {}) => {
  const systemd = fakeSystemd(initial)
  const t = serviceTestEnv({ scripts: [systemd.script], env, options: { platform: "systemd" } })
  const unitPath = path.join(t.home, ".config", "systemd", "user", UNIT)
  const envPath = path.join(t.stateDir, "gateway.systemd.env")
  return { ...t, systemd, unitPath, envPath }
}

const logLines = (stateDir: string) =>
  fs.readFileSync(path.join(stateDir, "logs", "gateway-restart.log"), "utf8").trimEnd().split("\n")

describe("ServiceManager on systemd (recording runner)", () => {
  it.effect("install writes the unit and env file (0600), reloads, enables and starts, then reports status", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const result = yield* manager.install({ force: false, token: "tok-123" })
      expect(t.runner.lines()).toEqual([
        "systemctl --user daemon-reload",
        `systemctl --user enable ${UNIT}`,
        `systemctl --user restart ${UNIT}`,
        SHOW
      ])
      expect(result).toMatchObject({ action: "install", result: "done", message: `Installed systemd user service ${UNIT} (port 18789).` })
      expect(result.status).toMatchObject({
        platform: "systemd",
        label: "systemd user",
        identity: UNIT,
        installed: true,
        loadedText: "enabled",
        definitionPath: t.unitPath,
        command: [t.nodePath, t.entryPath, "gateway", "--port", "18789"],
        configPath: t.configPath,
        port: 18789,
        runtime: { status: "running", pid: 4242, state: "active", subState: "running", lastExitStatus: 0 },
        audit: []
      })
      expect(result.status?.env?.["OPENCLAW_GATEWAY_TOKEN"]).toBe("***")

      const unit = fs.readFileSync(t.unitPath, "utf8")
      expect(unit).toContain(`\nExecStart=${t.nodePath} ${t.entryPath} gateway --port 18789\n`)
      expect(unit).toContain(`\nEnvironmentFile=${t.envPath}\n`)
      expect(unit).not.toContain("tok-123")
      const envFile = fs.readFileSync(t.envPath, "utf8")
      expect(envFile.split("\n").slice(1)).toEqual([
        "OPENCLAW_GATEWAY_PORT=18789",
        "OPENCLAW_SERVICE_MARKER=openclaw",
        "OPENCLAW_SERVICE_KIND=gateway",
        `OPENCLAW_SERVICE_VERSION=${VERSION}`,
        `OPENCLAW_SYSTEMD_UNIT=${UNIT}`,
        `PATH=${path.dirname(t.nodePath)}:/usr/local/bin:/usr/bin:/bin`,
        "NODE_OPTIONS=--max-old-space-size=4096",
        "OPENCLAW_GATEWAY_TOKEN=tok-123",
        ""
      ])
      expect([modeOf(t.unitPath), modeOf(t.envPath), modeOf(t.stateDir)]).toEqual(["600", "600", "700"])
      expect(fs.readdirSync(path.dirname(t.unitPath))).toEqual([UNIT])
      expect(logLines(t.stateDir)).toHaveLength(1)
      expect(logLines(t.stateDir)[0]).toMatch(
        new RegExp(`^1970-01-01T00:00:00\\.000Z action=install result=done source=cli platform=systemd service=${UNIT.replace(/\./g, "\\.")} version=${VERSION.replace(/\./g, "\\.")} pid=\\d+$`)
      )
      expect(modeOf(path.join(t.stateDir, "logs", "gateway-restart.log"))).toBe("600")
      expect(modeOf(path.join(t.stateDir, "logs"))).toBe("700")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("install of an installed service is a no-op without --force and rewrites with it", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      const before = fs.readFileSync(t.unitPath, "utf8")
      fs.writeFileSync(t.unitPath, before.replace("RestartSec=5", "RestartSec=1"))
      t.runner.clear()
      const again = yield* manager.install({ force: false })
      expect(again).toMatchObject({ result: "already", message: `Gateway service already installed: ${UNIT} (systemd user). Use --force to reinstall.` })
      expect(t.runner.lines()).toEqual([SHOW, SHOW])
      expect(again.status?.audit.map((i) => i.code)).toEqual(["systemd-restart-sec"])
      t.runner.clear()
      const forced = yield* manager.install({ force: true, port: 19555 })
      expect(forced.result).toBe("done")
      expect(t.runner.lines()).toEqual([SHOW, "systemctl --user daemon-reload", `systemctl --user enable ${UNIT}`, `systemctl --user restart ${UNIT}`, SHOW])
      expect(fs.readFileSync(t.unitPath, "utf8")).toBe(before.replace("--port 18789", "--port 19555"))
      expect(fs.readFileSync(t.envPath, "utf8")).toContain("\nOPENCLAW_GATEWAY_PORT=19555\n")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("status, stop, start, already running, restart, uninstall, then absent", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const empty = yield* manager.status
      expect(empty).toEqual({
        platform: "systemd",
        label: "systemd user",
        identity: UNIT,
        installed: false,
        loadedText: "disabled",
        definitionPath: t.unitPath,
        runtime: { status: "stopped" },
        audit: []
      })
      expect(t.runner.lines()).toEqual([])

      yield* manager.install({ force: false })
      t.runner.clear()
      const stopped = yield* manager.stop
      expect(stopped).toMatchObject({ action: "stop", result: "done", message: `Stopped ${UNIT}.`, status: { runtime: { status: "stopped" } } })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user stop ${UNIT}`, SHOW])

      t.runner.clear()
      const started = yield* manager.start
      expect(started).toMatchObject({ action: "start", result: "done", message: `Started ${UNIT}.`, status: { runtime: { status: "running", pid: 4242 } } })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user start ${UNIT}`, SHOW])

      t.runner.clear()
      const already = yield* manager.start
      expect(already).toMatchObject({ result: "already", message: `Gateway service already running: ${UNIT} (pid 4242).` })
      expect(t.runner.lines()).toEqual([SHOW, SHOW])

      t.runner.clear()
      const restarted = yield* manager.restart
      expect(restarted).toMatchObject({ action: "restart", result: "done", message: `Restarted ${UNIT}.` })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user restart ${UNIT}`, SHOW])

      t.runner.clear()
      const removed = yield* manager.uninstall
      expect(removed).toEqual({ action: "uninstall", result: "done", message: `Uninstalled ${UNIT} (removed ${t.unitPath}).` })
      expect(t.runner.lines()).toEqual([SHOW, `systemctl --user disable --now ${UNIT}`, "systemctl --user daemon-reload"])
      expect(fs.existsSync(t.unitPath)).toBe(false)
      expect(fs.existsSync(t.envPath)).toBe(false)
      expect(t.systemd.state).toMatchObject({ active: false, enabled: false })

      t.runner.clear()
      expect(yield* manager.stop).toEqual({ action: "stop", result: "absent", message: `Gateway service not installed (${UNIT}); nothing to stop.` })
      expect(yield* manager.uninstall).toMatchObject({ result: "absent" })
      const notInstalled = yield* Effect.flip(manager.start)
      expect(notInstalled).toMatchObject({ _tag: "ServiceActionFailed", code: "SERVICE_NOT_INSTALLED", message: `Gateway service not installed (${UNIT}).`, hint: "openclaw gateway install" })
      expect(yield* Effect.flip(manager.restart)).toMatchObject({ code: "SERVICE_NOT_INSTALLED" })
      expect(t.runner.lines()).toEqual([])
      expect(logLines(t.stateDir).map((line) => line.split(" ").slice(1, 3).join(" "))).toEqual([
        "action=install result=done",
        "action=stop result=done",
        "action=start result=done",
        "action=start result=already",
        "action=restart result=done",
        "action=uninstall result=done",
        "action=stop result=absent",
        "action=uninstall result=absent"
      ])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("a supervisor command that fails surfaces as SERVICE_ACTION_FAILED with its output", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({
      scripts: [when(["systemctl", "--user", "restart"], { code: 5, stderr: "Failed to restart openclaw-gateway.service: Unit not found.\n" }), systemd.script],
      options: { platform: "systemd" }
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ServiceManager).install({ force: false }))
      expect(error).toMatchObject({
        _tag: "ServiceActionFailed",
        code: "SERVICE_ACTION_FAILED",
        action: "install",
        message: `systemctl --user restart ${UNIT} failed (exit 5): Failed to restart openclaw-gateway.service: Unit not found.`
      })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("port drift: installed at 18789, config now 18888 -> audit issue, start needs repair, install --force fixes it", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      yield* manager.stop
      t.writeConfig({ gateway: { mode: "local", port: 18888 } })

      const status = yield* manager.status
      expect(status.port).toBe(18789)
      expect(status.audit).toEqual([
        { code: "gateway-port-mismatch", message: "Gateway service port does not match current gateway config.", detail: "18789 -> 18888", level: "recommended" }
      ])

      t.runner.clear()
      const refused = yield* Effect.flip(manager.start)
      expect(refused).toMatchObject({
        _tag: "ServiceActionFailed",
        code: "SERVICE_REPAIR_REQUIRED",
        action: "start",
        hint: "openclaw gateway install --force"
      })
      expect(refused.message).toContain("service port 18789 does not match current gateway config port 18888")
      expect(yield* Effect.flip(manager.restart)).toMatchObject({ code: "SERVICE_REPAIR_REQUIRED" })
      expect(t.runner.lines()).toEqual([SHOW, SHOW])

      const fixed = yield* manager.install({ force: true })
      expect(fixed.status?.port).toBe(18888)
      expect(fixed.status?.audit).toEqual([])
      expect(fs.readFileSync(t.unitPath, "utf8")).toContain(" gateway --port 18888\n")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("start repairs a definition written by an older version (same port and state) before starting", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false, token: "keep-me" })
      yield* manager.stop
      fs.writeFileSync(t.envPath, fs.readFileSync(t.envPath, "utf8").replace(`OPENCLAW_SERVICE_VERSION=${VERSION}`, "OPENCLAW_SERVICE_VERSION=2026.1.1"))
      t.runner.clear()
      const started = yield* manager.start
      expect(started.message).toBe(`Repaired and started ${UNIT} (service was installed by OpenClaw 2026.1.1, current CLI is ${VERSION}).`)
      expect(t.runner.lines()).toEqual([SHOW, "systemctl --user daemon-reload", `systemctl --user enable ${UNIT}`, `systemctl --user restart ${UNIT}`, SHOW])
      const env = fs.readFileSync(t.envPath, "utf8")
      expect(env).toContain(`OPENCLAW_SERVICE_VERSION=${VERSION}\n`)
      expect(env).toContain("OPENCLAW_GATEWAY_TOKEN=keep-me\n")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("install --wrapper / --allow-unconfigured / --runtime-path: checked like the original's, written into the unit, kept by a repair", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    const wrapper = path.join(t.home, "bin", "openclaw-wrapper.sh")
    fs.writeFileSync(wrapper, "#!/bin/sh\nexec /usr/bin/env node \"$@\"\n", { mode: 0o644 })
    const pinned = path.join(t.home, "opt", "node22")
    fs.mkdirSync(path.dirname(pinned), { recursive: true })
    fs.writeFileSync(pinned, "", { mode: 0o755 })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const refused = (options: Parameters<typeof manager.install>[0]) => Effect.map(Effect.flip(manager.install(options)), (e) => e.message)
      expect(yield* refused({ force: false, wrapper })).toBe(`Invalid --wrapper: OPENCLAW_WRAPPER must point to an executable file: ${wrapper} (not executable)`)
      expect(yield* refused({ force: false, runtime: "deno" })).toBe(`Invalid --runtime (use "node" or "bun")`)
      expect(yield* refused({ force: false, runtime: "bun" })).toContain("--runtime bun: this version of Clawgate runs on Node only")
      expect(yield* refused({ force: false, runtimePath: "bin/node" })).toBe("--runtime-path must be an absolute executable path.")
      expect(yield* refused({ force: false, runtimePath: "/usr/bin/python3" })).toBe("--runtime-path must name a node executable: /usr/bin/python3")
      expect(yield* refused({ force: false, runtimePath: path.join(t.home, "opt", "node") })).toBe(`Pinned runtime is not executable: ${path.join(t.home, "opt", "node")} (no such file)`)
      // Nothing was written by the refusals.
      expect(fs.existsSync(t.unitPath)).toBe(false)

      fs.chmodSync(wrapper, 0o755)
      const installed = yield* manager.install({ force: false, wrapper, allowUnconfigured: true, runtime: "node" })
      expect(installed.status?.command).toEqual([wrapper, "gateway", "--port", "18789", "--allow-unconfigured"])
      expect(fs.readFileSync(t.unitPath, "utf8")).toContain(`\nExecStart=${wrapper} gateway --port 18789 --allow-unconfigured\n`)
      expect(fs.readFileSync(t.envPath, "utf8")).toContain(`\nOPENCLAW_WRAPPER=${wrapper}\n`)

      // Written by an older version: start repairs the unit and keeps the wrapper and --allow-unconfigured.
      yield* manager.stop
      fs.writeFileSync(t.envPath, fs.readFileSync(t.envPath, "utf8").replace(`OPENCLAW_SERVICE_VERSION=${VERSION}`, "OPENCLAW_SERVICE_VERSION=2026.1.1"))
      const started = yield* manager.start
      expect(started.message).toContain("Repaired and started")
      expect(fs.readFileSync(t.unitPath, "utf8")).toContain(`\nExecStart=${wrapper} gateway --port 18789 --allow-unconfigured\n`)
      expect(fs.readFileSync(t.envPath, "utf8")).toContain(`\nOPENCLAW_WRAPPER=${wrapper}\n`)

      // A pinned node replaces the installing one (and its dir leads PATH); --force drops the wrapper.
      const pinnedInstall = yield* manager.install({ force: true, runtimePath: pinned })
      expect(pinnedInstall.status?.command).toEqual([pinned, t.entryPath, "gateway", "--port", "18789"])
      const env = fs.readFileSync(t.envPath, "utf8")
      expect(env).toContain(`\nPATH=${path.dirname(pinned)}:`)
      expect(env).not.toContain("OPENCLAW_WRAPPER")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("lists legacy and system-level gateway units as extra services", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({
      scripts: [
        when(["systemctl", "--user", "list-unit-files"], { stdout: "clawdbot-gateway.service enabled enabled\nopenclaw-gateway-work.service enabled enabled\n" }),
        when(["systemctl", "list-unit-files"], { stdout: "openclaw-gateway.service enabled enabled\nnginx.service enabled enabled\n" }),
        systemd.script
      ],
      options: { platform: "systemd" }
    })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      expect(yield* manager.extraServices(false)).toEqual([{ label: "clawdbot-gateway.service", scope: "user", detail: "unit file enabled", legacy: true }])
      expect(yield* manager.extraServices(true)).toEqual([
        { label: "clawdbot-gateway.service", scope: "user", detail: "unit file enabled", legacy: true },
        { label: "openclaw-gateway.service", scope: "system", detail: "unit file enabled", legacy: false }
      ])
      expect(t.runner.lines()).toEqual([
        "systemctl --user list-unit-files --type=service --no-legend --no-pager",
        "systemctl --user list-unit-files --type=service --no-legend --no-pager",
        "systemctl list-unit-files --type=service --no-legend --no-pager"
      ])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("a profile install uses its own unit and records the profile", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], env: { OPENCLAW_PROFILE: "work" }, options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const result = yield* (yield* ServiceManager).install({ force: false })
      expect(result.status?.identity).toBe("openclaw-gateway-work.service")
      expect(result.status?.configPath).toBe(path.join(t.home, ".openclaw-work", "openclaw.json"))
      const env = fs.readFileSync(path.join(t.home, ".openclaw-work", "gateway.systemd.env"), "utf8")
      expect(env).toContain("\nOPENCLAW_PROFILE=work\n")
      expect(env).not.toContain("OPENCLAW_STATE_DIR")
      expect(fs.existsSync(path.join(t.home, ".config", "systemd", "user", "openclaw-gateway-work.service"))).toBe(true)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("disk full while rewriting the unit: SERVICE_ACTION_FAILED naming it, the installed unit intact, no temp file, nothing activated", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    return Effect.gen(function*() {
      yield* Effect.flatMap(ServiceManager, (manager) => manager.install({ force: false, token: "tok-123" })).pipe(Effect.provide(t.layer))
      const unitBefore = fs.readFileSync(t.unitPath, "utf8")
      const ran = t.runner.lines().length
      t.writeConfig({ gateway: { mode: "local", port: 18888 } })
      const full = t.withFileSystem(FaultyFileSystem([diskFull("write", (p) => p.startsWith(`${t.unitPath}.`) && p.endsWith(".tmp"))]))
      const error = yield* Effect.flip(Effect.flatMap(ServiceManager, (manager) => manager.install({ force: true })).pipe(Effect.provide(full)))
      expect(error).toMatchObject({ _tag: "ServiceActionFailed", code: "SERVICE_ACTION_FAILED", action: "install" })
      expect(error.message).toBe(`writing temp file for ${t.unitPath} failed: ENOSPC: no space left on device, write`)
      expect(fs.readFileSync(t.unitPath, "utf8")).toBe(unitBefore)
      expect(modeOf(t.unitPath)).toBe("600")
      expect(fs.readdirSync(path.dirname(t.unitPath))).toEqual([UNIT])
      expect(t.runner.lines().slice(ran)).not.toContain("systemctl --user daemon-reload")
    })
  })
})
