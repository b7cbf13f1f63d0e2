import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { fakeSystemd, when } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const UNIT = "openclaw-gateway.service"
const SHOW = `systemctl --user show ${UNIT} --no-pager -p ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState`
const NEWER = "2099.1.1"

const refusal = (action: string) =>
  [
    `Refusing to ${action} because this OpenClaw binary (${VERSION}) is older than the config last written by OpenClaw ${NEWER}.`,
    "Run the newer openclaw binary on PATH, or reinstall the intended gateway service from the newer install.",
    "Set OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 only for an intentional downgrade or recovery action."
  ].join("\n")

describe("version guard (config written by a newer OpenClaw)", () => {
  it.effect("refuses install --force, start, stop, restart and uninstall without touching the service", () => {
    const systemd = fakeSystemd({ active: true, enabled: true })
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.writeConfig({ meta: { lastTouchedVersion: NEWER }, gateway: { mode: "local", port: 18789 } })
      const unitPath = path.join(t.home, ".config", "systemd", "user", UNIT)
      const unitBefore = fs.readFileSync(unitPath, "utf8")
      t.runner.clear()
      const cases = [
        ["install or rewrite the gateway service", manager.install({ force: true })],
        ["start the gateway service", manager.start],
        ["stop the gateway service", manager.stop],
        ["restart the gateway service", manager.restart],
        ["uninstall the gateway service", manager.uninstall]
      ] as const
      for (const [action, effect] of cases) {
        const error = yield* Effect.flip(effect)
        expect(error).toMatchObject({ _tag: "VersionGuardBlocked", code: "VERSION_GUARD_BLOCKED", action, touchedVersion: NEWER, currentVersion: VERSION, serviceMode: false })
        expect(error.message).toBe(refusal(action))
      }
      expect(t.runner.lines()).toEqual([])
      expect(fs.readFileSync(unitPath, "utf8")).toBe(unitBefore)
      // Plain install of an installed service changes nothing, so it is not guarded.
      expect((yield* manager.install({ force: false })).result).toBe("already")
      // Read-only status still works.
      expect((yield* manager.status).installed).toBe(true)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 lets the older binary act", () => {
    const systemd = fakeSystemd({ active: true, enabled: true })
    const t = serviceTestEnv({ scripts: [systemd.script], env: { OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS: "1" }, options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.writeConfig({ meta: { lastTouchedVersion: NEWER }, gateway: { mode: "local", port: 18789 } })
      t.runner.clear()
      expect((yield* manager.stop).result).toBe("done")
      expect((yield* manager.install({ force: true })).result).toBe("done")
      expect((yield* manager.uninstall).result).toBe("done")
      expect(t.runner.lines()).toContain(`systemctl --user stop ${UNIT}`)
      expect(t.runner.lines()).toContain(`systemctl --user disable --now ${UNIT}`)
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("a config written by this version or an older one is not guarded", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    t.writeConfig({ meta: { lastTouchedVersion: "2026.1.1" }, gateway: { mode: "local" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      expect((yield* manager.install({ force: true })).result).toBe("done")
      expect((yield* manager.restart).result).toBe("done")
    }).pipe(Effect.provide(t.layer))
  })
})

describe("OPENCLAW_SUPERVISOR_MODE=external", () => {
  it.effect("refuses install, start, stop and uninstall with a clear message and runs nothing", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], env: { OPENCLAW_SUPERVISOR_MODE: "external" }, options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const cases = [["install", manager.install({ force: false })], ["start", manager.start], ["stop", manager.stop], ["uninstall", manager.uninstall]] as const
      for (const [action, effect] of cases) {
        const error = yield* Effect.flip(effect)
        expect(error).toEqual(expect.objectContaining({
          _tag: "ServiceActionFailed",
          code: "SERVICE_EXTERNAL",
          action,
          message: `Refusing to ${action} the gateway service: OPENCLAW_SUPERVISOR_MODE=external says an external supervisor manages the gateway.`,
          hint: "manage the gateway through your supervisor (it runs `openclaw gateway run`), or unset OPENCLAW_SUPERVISOR_MODE"
        }))
      }
      expect(t.runner.lines()).toEqual([])
      expect(fs.existsSync(t.stateDir)).toBe(false)
    }).pipe(Effect.provide(t.layer))
  })
})

describe("OPENCLAW_SUPERVISOR_MODE=external before detection", () => {
  it.effect("is refused even on a host without a service manager, without probing for one; restart is not covered", () => {
    const t = serviceTestEnv({
      scripts: [when(["systemctl", "--user", "show-environment"], { code: 1 })],
      env: { OPENCLAW_SUPERVISOR_MODE: "External" },
      options: { hostPlatform: "linux" }
    })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      expect(yield* Effect.flip(manager.install({ force: true }))).toMatchObject({ code: "SERVICE_EXTERNAL" })
      expect(t.runner.lines()).toEqual([])
      expect(yield* Effect.flip(manager.restart)).toMatchObject({ code: "SERVICE_MANAGER_UNAVAILABLE" })
    }).pipe(Effect.provide(t.layer))
  })
})

describe("isolated state (a relocated state dir or config path)", () => {
  it.effect("every mutation is refused before detection and nothing is written; status still reads", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], env: { OPENCLAW_STATE_DIR: "/tmp/clawgate-isolated-state" }, options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      for (const action of [manager.install({ force: false }), manager.start, manager.stop, manager.restart, manager.uninstall]) {
        const error = yield* Effect.flip(action)
        expect(error).toMatchObject({ code: "SERVICE_ISOLATED_STATE" })
        expect(error.message).toContain("service management skipped: non-default state dir or config path")
      }
      expect(t.runner.lines()).toEqual([])
      expect(fs.existsSync(path.join(t.home, ".config", "systemd", "user", "openclaw-gateway.service"))).toBe(false)
      expect(yield* manager.status).toMatchObject({ installed: false })
    }).pipe(Effect.provide(t.layer))
  })
})

describe("install refusals", () => {
  it.effect("token and password without gateway.auth.mode block install; a bad --port or --token is rejected", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { platform: "systemd" } })
    t.writeConfig({ gateway: { mode: "local", auth: { token: "t", password: "p" } } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const ambiguous = yield* Effect.flip(manager.install({ force: false }))
      expect(ambiguous).toMatchObject({ code: "SERVICE_ACTION_FAILED", hint: "openclaw config set gateway.auth.mode token (or password), then rerun openclaw gateway install" })
      t.writeConfig({ gateway: { mode: "local" } })
      expect(yield* Effect.flip(manager.install({ force: false, port: 70000 }))).toMatchObject({ message: "Invalid --port 70000: expected an integer from 1 to 65535" })
      expect(yield* Effect.flip(manager.install({ force: false, token: "a\nb" }))).toMatchObject({ message: "--token must not contain control characters or line breaks" })
      expect(t.runner.lines()).toEqual([])
    }).pipe(Effect.provide(t.layer))
  })
})

describe("platform detection", () => {
  it.effect("Linux without a systemd user session: every call fails with `no supported service manager detected`", () => {
    const t = serviceTestEnv({
      scripts: [when(["systemctl", "--user", "show-environment"], { code: 1, stderr: "Failed to connect to bus: No medium found" })],
      options: { hostPlatform: "linux" }
    })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const expected = { _tag: "ServiceManagerUnavailable", code: "SERVICE_MANAGER_UNAVAILABLE", message: "no supported service manager detected" }
      expect(yield* Effect.flip(manager.platform)).toMatchObject(expected)
      expect(yield* Effect.flip(manager.status)).toMatchObject(expected)
      expect(yield* Effect.flip(manager.install({ force: false }))).toMatchObject(expected)
      expect(yield* Effect.flip(manager.start)).toMatchObject(expected)
      expect(yield* Effect.flip(manager.stop)).toMatchObject(expected)
      expect(yield* Effect.flip(manager.restart)).toMatchObject(expected)
      expect(yield* Effect.flip(manager.uninstall)).toMatchObject(expected)
      expect(yield* manager.extraServices(true)).toEqual([])
      // Detected once, then cached.
      expect(t.runner.lines()).toEqual(["systemctl --user show-environment"])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("Linux where systemctl is missing is also unavailable", () => {
    const t = serviceTestEnv({ scripts: [() => "unavailable"], options: { hostPlatform: "linux" } })
    return Effect.gen(function*() {
      expect(yield* Effect.flip((yield* ServiceManager).platform)).toMatchObject({ code: "SERVICE_MANAGER_UNAVAILABLE" })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("Linux with a user session picks systemd; macOS launchd; Windows Task Scheduler; others none", () =>
    Effect.gen(function*() {
      const cases = [["linux", "systemd"], ["darwin", "launchd"], ["win32", "schtasks"]] as const
      for (const [hostPlatform, expected] of cases) {
        const t = serviceTestEnv({ scripts: [fakeSystemd().script], options: { hostPlatform } })
        expect(yield* Effect.provide(Effect.flatMap(ServiceManager, (m) => m.platform), t.layer)).toBe(expected)
        expect(t.runner.lines()).toEqual(hostPlatform === "linux" ? ["systemctl --user show-environment"] : [])
      }
      const bsd = serviceTestEnv({ scripts: [], options: { hostPlatform: "freebsd" } })
      expect(yield* Effect.flip(Effect.provide(Effect.flatMap(ServiceManager, (m) => m.platform), bsd.layer))).toMatchObject({ code: "SERVICE_MANAGER_UNAVAILABLE" })
    }))

  it.effect("status of an installed service runs no detection twice and reads the unit it found", () => {
    const systemd = fakeSystemd()
    const t = serviceTestEnv({ scripts: [systemd.script], options: { hostPlatform: "linux" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      yield* manager.status
      expect(t.runner.lines().filter((line) => line === "systemctl --user show-environment")).toHaveLength(1)
      expect(t.runner.lines().at(-1)).toBe(SHOW)
    }).pipe(Effect.provide(t.layer))
  })
})
