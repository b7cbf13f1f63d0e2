import { describe, expect, it } from "@effect/vitest"
import { auditService, type AuditExpectations } from "../../src/domain/supervisor/audit.js"
import type { InstalledDefinition } from "../../src/domain/supervisor/definition.js"
import { parseEnvFile } from "../../src/domain/supervisor/environment.js"
import { classifyServiceName, parseTaskList, parseUnitFileList } from "../../src/domain/supervisor/extraServices.js"
import { serviceIdentity } from "../../src/domain/supervisor/identity.js"
import { parseLaunchdPlist } from "../../src/domain/supervisor/launchdPlist.js"
import { type LifecycleFacts, planLifecycle } from "../../src/domain/supervisor/plan.js"
import type { ServicePlatform } from "../../src/domain/supervisor/records.js"
import { parseLaunchctlPrint, parseSchtasksQuery, parseSystemctlShow } from "../../src/domain/supervisor/runtimeParse.js"
import { parseGatewayCmd } from "../../src/domain/supervisor/scheduledTask.js"
import { buildInstallSpec, renderServiceFiles } from "../../src/domain/supervisor/spec.js"
import { parseSystemdUnit } from "../../src/domain/supervisor/systemdUnit.js"

const UNIT_PATH = "/home/ada/.config/systemd/user/openclaw-gateway.service"

/** A definition as our installer writes it, read back through the platform parser. */
const installed = (platform: ServicePlatform, port = 18789, token?: string): { definition: InstalledDefinition; env: Record<string, string> } => {
  const spec = buildInstallSpec({
    identity: serviceIdentity(platform, undefined),
    pathInputs: { home: "/home/ada", stateDir: "/home/ada/.openclaw" },
    version: "2026.11.25",
    port,
    profile: undefined,
    configPath: "/home/ada/.openclaw/openclaw.json",
    defaultStateDir: "/home/ada/.openclaw",
    nodePath: "/usr/bin/node",
    entryPath: "/opt/openclaw/dist/openclaw.mjs",
    servicePath: platform === "schtasks" ? undefined : "/usr/bin:/bin",
    heapMiB: undefined,
    secrets: token === undefined ? [] : [["OPENCLAW_GATEWAY_TOKEN", token]],
    userId: undefined
  })
  const files = renderServiceFiles(spec)
  const text = (suffix: string) => files.find((f) => f.path.endsWith(suffix))?.content ?? ""
  const env = Object.fromEntries(spec.env)
  switch (platform) {
    case "systemd": {
      const unit = parseSystemdUnit(text(".service"))
      return {
        env,
        definition: { platform, path: UNIT_PATH, programArguments: unit.programArguments, inlineEnv: unit.environment, fileEnv: parseEnvFile(text(".env")), systemdDirectives: unit.directives }
      }
    }
    case "launchd": {
      const plist = parseLaunchdPlist(text(".plist"), "/home/ada/.openclaw/gateway.launchd.sh")
      return {
        env,
        definition: {
          platform,
          path: "/home/ada/Library/LaunchAgents/ai.openclaw.gateway.plist",
          programArguments: plist?.programArguments,
          inlineEnv: plist?.environment ?? {},
          fileEnv: parseEnvFile(text(".env")),
          launchd: { keepAlive: plist?.keepAlive ?? false, runAtLoad: plist?.runAtLoad ?? false }
        }
      }
    }
    case "schtasks": {
      const cmd = parseGatewayCmd(text(".cmd"))
      return { env, definition: { platform, path: "/home/ada/.openclaw/gateway.task.xml", programArguments: cmd.programArguments, inlineEnv: {}, fileEnv: cmd.environment } }
    }
  }
}

const expecting = (env: Record<string, string>, port = 18789, token?: string): AuditExpectations => ({ port, token, env })

const systemdFrom = (unitText: string, fileEnv: Record<string, string> = { PATH: "/usr/bin" }): InstalledDefinition => {
  const unit = parseSystemdUnit(unitText)
  return { platform: "systemd", path: UNIT_PATH, programArguments: unit.programArguments, inlineEnv: unit.environment, fileEnv, systemdDirectives: unit.directives }
}

describe("service audit", () => {
  it("finds nothing wrong with what the installer writes, on every platform", () => {
    for (const platform of ["systemd", "launchd", "schtasks"] as const) {
      const { definition, env } = installed(platform, 18789, "tok")
      expect(auditService(definition, expecting(env, 18789, "tok")), platform).toEqual([])
    }
  })

  it("reports a pinned port that no longer matches the config (18789 -> 18888)", () => {
    const { definition, env } = installed("systemd", 18789)
    expect(auditService(definition, expecting(env, 18888))).toEqual([
      { code: "gateway-port-mismatch", message: "Gateway service port does not match current gateway config.", detail: "18789 -> 18888", level: "recommended" }
    ])
  })

  it("flags a command without the gateway subcommand as aggressive", () => {
    const definition = systemdFrom("[Unit]\nAfter=network-online.target\nWants=network-online.target\n[Service]\nExecStart=/usr/bin/node /x/openclaw.mjs run\nRestartSec=5\n")
    expect(auditService(definition, expecting({}))).toEqual([
      { code: "gateway-command-missing", message: "Service command does not include the gateway subcommand.", level: "aggressive" }
    ])
  })

  it("flags inline tokens and passwords, and a stale inline token", () => {
    const definition = systemdFrom([
      "[Unit]", "After=network-online.target", "Wants=network-online.target",
      "[Service]", "ExecStart=/usr/bin/node /x/openclaw.mjs gateway --port 18789", "RestartSec=5",
      "Environment=OPENCLAW_GATEWAY_TOKEN=old OPENCLAW_GATEWAY_PASSWORD=pw"
    ].join("\n"))
    expect(auditService(definition, expecting({}, 18789, "new")).map((i) => [i.code, i.detail])).toEqual([
      ["gateway-token-embedded", undefined],
      ["gateway-token-mismatch", "service token is stale"],
      ["gateway-password-embedded", "Rotate the password after reinstalling because the service definition exposed it."]
    ])
  })

  it("reports token drift when the env-file token differs from the config, not when it matches", () => {
    const { definition, env } = installed("systemd", 18789, "old")
    expect(auditService(definition, expecting(env, 18789, "new"))).toEqual([
      { code: "gateway-token-drift", message: "Config token differs from service token. The daemon will use the old token after restart.", level: "recommended" }
    ])
    expect(auditService(definition, expecting(env, 18789, "old"))).toEqual([])
  })

  it("reports env drift of the state dir, config path or profile, and a missing PATH", () => {
    const { definition, env } = installed("launchd")
    const moved: InstalledDefinition = { ...definition, inlineEnv: { ...definition.inlineEnv, OPENCLAW_STATE_DIR: "/old/state", PATH: "" } }
    expect(auditService(moved, expecting(env)).map((i) => [i.code, i.detail])).toEqual([
      ["gateway-env-drift", "drifted keys: OPENCLAW_STATE_DIR"],
      ["gateway-path-missing", undefined]
    ])
  })

  it("audits an older systemd unit: network-online, RestartSec, KillMode and stop timeout", () => {
    const definition = systemdFrom("[Unit]\nDescription=old\n[Service]\nExecStart=/usr/bin/node /x/openclaw.mjs gateway --port 18789\nRestart=always\nKillMode=process\nTimeoutStopSec=10\n")
    expect(auditService(definition, expecting({})).map((i) => [i.code, i.detail])).toEqual([
      ["systemd-after-network-online", UNIT_PATH],
      ["systemd-wants-network-online", UNIT_PATH],
      ["systemd-restart-sec", UNIT_PATH],
      ["systemd-kill-mode-process-or-none", `${UNIT_PATH}: process`],
      ["systemd-stop-timeout", `${UNIT_PATH}: 10s`]
    ])
    const mixed = systemdFrom("[Unit]\nAfter=network-online.target\nWants=network-online.target\n[Service]\nExecStart=/n/node /x/o.mjs gateway\nRestartSec=5s\nKillMode=mixed\nTimeoutStopSec=infinity\n")
    expect(auditService(mixed, expecting({}))).toEqual([])
  })

  it("audits LaunchAgent switches", () => {
    const { definition, env } = installed("launchd")
    const off: InstalledDefinition = { ...definition, launchd: { keepAlive: false, runAtLoad: false } }
    expect(auditService(off, expecting(env)).map((i) => [i.code, i.message])).toEqual([
      ["launchd-run-at-load", "LaunchAgent is missing RunAtLoad=true"],
      ["launchd-keep-alive", "LaunchAgent is missing KeepAlive=true"]
    ])
  })
})

const facts = (overrides: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  installed: true,
  runtime: { status: "stopped" },
  servicePort: 18789,
  expectedPort: 18789,
  driftedKeys: [],
  serviceVersion: "2026.11.25",
  currentVersion: "2026.11.25",
  staleProgramPaths: [],
  ...overrides
})

describe("lifecycle plan", () => {
  it("needs an installed service", () => {
    expect(planLifecycle(facts({ installed: false }), false)).toEqual({ _tag: "NotInstalled" })
    expect(planLifecycle(facts({ installed: false }), true)).toEqual({ _tag: "NotInstalled" })
  })

  it("leaves a running service alone on start, restarts it on restart", () => {
    expect(planLifecycle(facts({ runtime: { status: "running", pid: 7 } }), false)).toEqual({ _tag: "AlreadyRunning", pid: 7 })
    expect(planLifecycle(facts({ runtime: { status: "running", pid: 7 } }), true)).toEqual({ _tag: "Proceed" })
  })

  it("refuses to start on a port or state mismatch and points at install --force", () => {
    expect(planLifecycle(facts({ expectedPort: 18888 }), false)).toEqual({
      _tag: "RepairRefused",
      reasons: ["service port 18789 does not match current gateway config port 18888"],
      hint: "openclaw gateway install --force"
    })
    expect(planLifecycle(facts({ driftedKeys: ["OPENCLAW_STATE_DIR"] }), true)).toMatchObject({
      _tag: "RepairRefused",
      reasons: ["service uses different OPENCLAW_STATE_DIR than this shell"]
    })
  })

  it("refuses a service installed by a newer version, repairs one installed by an older version", () => {
    expect(planLifecycle(facts({ serviceVersion: "2027.1.1" }), false)).toMatchObject({
      _tag: "RepairRefused",
      reasons: ["service was installed by OpenClaw 2027.1.1, current CLI is 2026.11.25"]
    })
    expect(planLifecycle(facts({ serviceVersion: "2026.10.1" }), false)).toEqual({
      _tag: "Repair",
      reasons: ["service was installed by OpenClaw 2026.10.1, current CLI is 2026.11.25"]
    })
    expect(planLifecycle(facts({ staleProgramPaths: ["/tmp/x/node"] }), false)).toEqual({
      _tag: "Repair",
      reasons: ["service command uses a missing or temporary path: /tmp/x/node"]
    })
    expect(planLifecycle(facts(), false)).toEqual({ _tag: "Proceed" })
  })
})

describe("supervisor output parsing", () => {
  it("reads systemctl show", () => {
    expect(parseSystemctlShow("ActiveState=active\nSubState=running\nMainPID=4242\nExecMainStatus=0\nUnitFileState=enabled\n")).toEqual({
      runtime: { status: "running", pid: 4242, state: "active", subState: "running", lastExitStatus: 0 },
      enabled: true
    })
    expect(parseSystemctlShow("ActiveState=activating\nSubState=auto-restart\nMainPID=0\nExecMainStatus=78\nUnitFileState=disabled\n")).toEqual({
      runtime: { status: "stopped", state: "activating", subState: "auto-restart", lastExitStatus: 78, detail: "exited; systemd will restart it" },
      enabled: false
    })
  })

  it("reads launchctl print and schtasks /Query", () => {
    expect(parseLaunchctlPrint("gui/501/ai.openclaw.gateway = {\n\tactive count = 1\n\tstate = running\n\tpid = 5151\n\tlast exit code = 0\n}")).toEqual({
      status: "running", pid: 5151, state: "running", lastExitStatus: 0
    })
    expect(parseLaunchctlPrint("x = {\n\tstate = not running\n\tlast exit code = 1\n}")).toEqual({ status: "stopped", state: "not running", lastExitStatus: 1 })
    expect(parseSchtasksQuery("TaskName: \\OpenClaw Gateway\r\nStatus: Running\r\nLast Run Result: 267009\r\n")).toEqual({ status: "running", state: "Running" })
    expect(parseSchtasksQuery("Status: Ready\r\nLast Run Result: 0x1\r\n")).toEqual({ status: "stopped", state: "Ready", lastExitStatus: 1 })
    expect(parseSchtasksQuery("Statut: Prêt\r\n").status).toBe("unknown")
  })

  it("classifies other gateway-like services; our own profile services are not extra", () => {
    const units = parseUnitFileList("openclaw-gateway.service enabled enabled\nopenclaw-gateway-work.service disabled enabled\nclawdbot-gateway.service enabled enabled\nopenclaw-node.service enabled enabled\nssh.service enabled enabled\n")
    expect(units.map((u) => classifyServiceName("systemd", u.name, "user", `unit file ${u.state}`)).filter((x) => x !== undefined)).toEqual([
      { label: "clawdbot-gateway.service", scope: "user", detail: "unit file enabled", legacy: true }
    ])
    expect(classifyServiceName("systemd", "openclaw-gateway.service", "system", "unit file enabled")).toEqual({
      label: "openclaw-gateway.service", scope: "system", detail: "unit file enabled", legacy: false
    })
    expect(classifyServiceName("launchd", "com.clawdbot.gateway", "user", "p")?.legacy).toBe(true)
    expect(classifyServiceName("launchd", "ai.openclaw.work", "user", "p")).toBeUndefined()
    expect(parseTaskList("\"\\OpenClaw Gateway\",\"N/A\",\"Ready\"\r\n\"\\Moltbot Gateway\",\"N/A\",\"Ready\"\r\n")).toEqual(["\\OpenClaw Gateway", "\\Moltbot Gateway"])
    expect(classifyServiceName("schtasks", "\\Moltbot Gateway", "user", "scheduled task")?.legacy).toBe(true)
    expect(classifyServiceName("schtasks", "\\OpenClaw Gateway (work)", "user", "scheduled task")).toBeUndefined()
  })
})
