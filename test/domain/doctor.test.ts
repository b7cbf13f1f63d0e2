import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { validateConfig } from "../../src/domain/config/validate.js"
import { CHECKS, CheckId, selectChecks } from "../../src/domain/doctor/checks.js"
import { CLOBBER_LIMIT, clobberedPath, clobberRotation } from "../../src/domain/doctor/clobber.js"
import { configValidationFindings, configVersionFindings, legacyConfigFindings } from "../../src/domain/doctor/configChecks.js"
import { filterBySeverity, type Finding, toLintReport } from "../../src/domain/doctor/Finding.js"
import {
  gatewayAuthFindings,
  gatewayConfigFindings,
  gatewayPortFindings,
  gatewayViewOf,
  tokenState
} from "../../src/domain/doctor/gatewayChecks.js"
import { redactCommandLine } from "../../src/domain/text/redactCommandLine.js"
import { findJsonRootSuffix } from "../../src/domain/doctor/jsonPrefix.js"
import { planLegacyMigration } from "../../src/domain/doctor/legacyKeys.js"
import { GATEWAY_MODE_UNSET, SERVICE_EXTERNAL } from "../../src/domain/doctor/messages.js"
import { type DoctorFlags, PLAIN_DOCTOR_FLAGS, planDoctorRun } from "../../src/domain/doctor/posture.js"
import { type DoctorReport, formatFinding, lintLines, nextCommand, summaryLine } from "../../src/domain/doctor/report.js"
import { judgeRestoreCandidate } from "../../src/domain/doctor/restoreCandidate.js"
import { extraServiceFindings, gatewayDaemonFindings, serviceRepairPolicyOf } from "../../src/domain/doctor/serviceChecks.js"
import { mountTypeFor, parseLockOwner, staleLockReason, stateIntegrityFindings, type LockFacts, type StateFacts } from "../../src/domain/doctor/stateChecks.js"
import { removeUnknownKeys } from "../../src/domain/doctor/unknownKeys.js"
import { fakeStatus } from "../support/serviceManagerTest.js"

const flags = (overrides: Partial<DoctorFlags> = {}): DoctorFlags => ({ ...PLAIN_DOCTOR_FLAGS, ...overrides })

const valid = (config: unknown) => Either.isRight(validateConfig(config))

describe("legacy config keys", () => {
  it("moves gateway.token to gateway.auth.token and the result validates", () => {
    const plan = planLegacyMigration({ gateway: { mode: "local", token: "t-1" } })
    expect(plan.next).toEqual({ gateway: { mode: "local", auth: { token: "t-1" } } })
    expect(plan.migrations).toEqual([expect.objectContaining({ path: "gateway.token", change: "Moved gateway.token → gateway.auth.token.", blocking: true })])
    expect(valid({ gateway: { mode: "local", token: "t-1" } })).toBe(false)
    expect(valid(plan.next)).toBe(true)
  })

  it("drops gateway.token when gateway.auth.token is already set, keeping the current token", () => {
    const plan = planLegacyMigration({ gateway: { token: "old", auth: { token: "new" } } })
    expect(plan.next).toEqual({ gateway: { auth: { token: "new" } } })
    expect(plan.migrations[0]?.change).toBe("Removed gateway.token (gateway.auth.token is already set).")
  })

  it("maps reload hot/restart to hybrid and consoleStyle compact to pretty", () => {
    for (const mode of ["hot", "restart"]) {
      const plan = planLegacyMigration({ gateway: { reload: { mode } }, logging: { consoleStyle: "compact" } })
      expect(plan.next).toEqual({ gateway: { reload: { mode: "hybrid" } }, logging: { consoleStyle: "pretty" } })
      expect(plan.migrations.map((m) => m.change)).toEqual([`Set gateway.reload.mode "${mode}" → "hybrid".`, "Set logging.consoleStyle \"compact\" → \"pretty\"."])
      expect(valid(plan.next)).toBe(true)
    }
    expect(planLegacyMigration({ gateway: { reload: { mode: "off" } }, logging: { consoleStyle: "json" } }).migrations).toEqual([])
  })

  it("migrates meta.lastTouchedAt out of the file as a non-blocking migration", () => {
    const plan = planLegacyMigration({ meta: { lastTouchedVersion: "2026.6.1", lastTouchedAt: "2026-06-01T00:00:00Z" } })
    expect(plan.next).toEqual({ meta: { lastTouchedVersion: "2026.6.1" } })
    expect(plan.migrations).toEqual([expect.objectContaining({ path: "meta.lastTouchedAt", blocking: false })])
  })

  it("maps provider and model api \"openai\" to \"openai-completions\"", () => {
    const plan = planLegacyMigration({ models: { providers: { local: { baseUrl: "http://x", api: "openai", models: [{ id: "m", api: "openai" }, { id: "n" }] } } } })
    expect(plan.next).toEqual({ models: { providers: { local: { baseUrl: "http://x", api: "openai-completions", models: [{ id: "m", api: "openai-completions" }, { id: "n" }] } } } })
    expect(plan.migrations.map((m) => m.path)).toEqual(["models.providers.local.api", "models.providers.local.models[0].api"])
    expect(valid(plan.next)).toBe(true)
  })

  it("keys agents.list by id under agents.entries, or asks for a manual move when ids are missing", () => {
    const plan = planLegacyMigration({ agents: { list: [{ id: "main", default: true }, { id: "ops", workspace: "/w" }] } })
    expect(plan.next).toEqual({ agents: { entries: { main: { default: true }, ops: { workspace: "/w" } } } })
    const manual = planLegacyMigration({ agents: { list: [{ default: true }] } })
    expect(manual.next).toEqual({ agents: { list: [{ default: true }] } })
    expect(manual.migrations[0]?.change).toBeUndefined()
  })

  it("removes retired keys and moves renamed ones", () => {
    const plan = planLegacyMigration({
      tui: { footer: "x" },
      cron: { enabled: true, webhook: "https://hook" },
      defaultModel: "openai/gpt-5",
      channels: { telegram: { requireMention: false }, webchat: {} },
      gateway: { webchat: {}, controlUi: { chatMessageMaxWidth: 900 } },
      browser: { relayBindHost: "0.0.0.0", ssrfPolicy: { allowPrivateNetwork: true } }
    })
    expect(plan.next).toEqual({
      cron: { enabled: true },
      agents: { defaults: { model: "openai/gpt-5" } },
      channels: { telegram: { groups: { "*": { requireMention: false } } } },
      gateway: { controlUi: {} },
      browser: { ssrfPolicy: { dangerouslyAllowPrivateNetwork: true } }
    })
    expect(valid(plan.next)).toBe(true)
  })

  it("reports legacy findings as errors when they break validation and warnings otherwise", () => {
    const findings = legacyConfigFindings({
      path: "/x/openclaw.json",
      exists: true,
      parseError: undefined,
      issues: [],
      authored: { gateway: { token: "s3cret" }, meta: { lastTouchedAt: 1 } }
    })
    expect(findings.map((f) => [f.checkId, f.severity, f.path])).toEqual([
      [CheckId.legacyConfig, "error", "gateway.token"],
      [CheckId.legacyConfig, "warning", "meta.lastTouchedAt"]
    ])
    expect(JSON.stringify(findings)).not.toContain("s3cret")
  })
})

describe("config validation findings", () => {
  const base = { path: "/x/openclaw.json", exists: true, parseError: undefined }

  it("reports a parse error with line and column", () => {
    const findings = configValidationFindings({ ...base, issues: [], authored: undefined, parseError: { message: "JSON5 parse failed at 1:1: invalid character 'g' at 1:1", line: 1, column: 1 } }, {})
    expect(findings).toEqual([expect.objectContaining({ checkId: CheckId.configValidation, severity: "error", path: "/x/openclaw.json", line: 1, column: 1 })])
  })

  it("leaves legacy-only problems to the legacy check and reports the rest", () => {
    const authored = { gateway: { token: "x", prot: 1 } }
    const issues = Either.match(validateConfig(authored), { onLeft: (i) => i, onRight: () => [] })
    const findings = configValidationFindings({ ...base, issues, authored }, {})
    expect(findings.map((f) => f.message)).toEqual(["Unrecognized key: \"prot\""])
    expect(configValidationFindings({ ...base, issues: [], authored: {}, exists: false }, {})).toEqual([])
  })

  it("flags a config written by a newer OpenClaw", () => {
    const findings = configVersionFindings({ ...base, issues: [], authored: { meta: { lastTouchedVersion: "2099.1.1" } } }, "2026.11.25")
    expect(findings[0]?.message).toBe("Config was last written by a newer OpenClaw (2099.1.1); current version is 2026.11.25.")
    expect(configVersionFindings({ ...base, issues: [], authored: { meta: { lastTouchedVersion: "2026.11.25" } } }, "2026.11.25")).toEqual([])
  })

  it("removes unknown keys reported by validation, at any depth", () => {
    const authored = { gateway: { mode: "local", prot: 1, auth: { tokn: "x" } }, bogus: true }
    const issues = Either.match(validateConfig(authored), { onLeft: (i) => i, onRight: () => [] })
    const removal = removeUnknownKeys(authored, issues)
    expect(removal.next).toEqual({ gateway: { mode: "local", auth: {} } })
    expect([...removal.removed].sort()).toEqual(["bogus", "gateway.auth.tokn", "gateway.prot"])
  })
})

describe("non-JSON prefix and clobbered copies", () => {
  it("finds the JSON document after a prefix line", () => {
    const found = findJsonRootSuffix("garbage{\n{\"gateway\":{\"mode\":\"local\"}}\n")
    expect(found?.text).toBe("{\"gateway\":{\"mode\":\"local\"}}\n")
    expect(found?.parsed).toEqual({ gateway: { mode: "local" } })
    expect(findJsonRootSuffix("Found and updated: False\n  {a: 1}")?.parsed).toEqual({ a: 1 })
  })

  it("has nothing to strip when the file starts with its root or the rest does not parse", () => {
    expect(findJsonRootSuffix("{\"a\": }")).toBeUndefined()
    expect(findJsonRootSuffix("garbage\n{ broken")).toBeUndefined()
    expect(findJsonRootSuffix("no json here")).toBeUndefined()
  })

  it("names copies with collision suffixes and rotates the oldest beyond 32", () => {
    expect(clobberedPath("/c/openclaw.json", "2026-07-01T12-34-56-789Z", 0)).toBe("/c/openclaw.json.clobbered.2026-07-01T12-34-56-789Z")
    expect(clobberedPath("/c/openclaw.json", "2026-07-01T12-34-56-789Z", 2)).toBe("/c/openclaw.json.clobbered.2026-07-01T12-34-56-789Z-02")
    const names = Array.from({ length: 40 }, (_, i) => `openclaw.json.clobbered.2026-07-01T12-34-${String(i).padStart(2, "0")}-000Z`).reverse()
    expect(CLOBBER_LIMIT).toBe(32)
    expect(clobberRotation(names.slice(0, 31))).toEqual([])
    expect(clobberRotation(names.slice(0, 32))).toHaveLength(1)
    const rotated = clobberRotation(names)
    expect(rotated).toHaveLength(9)
    expect(rotated[0]).toBe("openclaw.json.clobbered.2026-07-01T12-34-00-000Z")
    expect(clobberRotation(["a.clobbered.2026-01-01T00-00-00-000Z-01", "a.clobbered.2026-01-01T00-00-00-000Z"], 2)).toEqual(["a.clobbered.2026-01-01T00-00-00-000Z"])
  })

  it("accepts a restore candidate only when hash, parse, placeholders, gateway.mode and validation allow", () => {
    const good = JSON.stringify({ gateway: { mode: "local" } })
    expect(Either.isRight(judgeRestoreCandidate({ source: "last-good", path: "lg", text: good, hashMatches: true }, {}))).toBe(true)
    expect(judgeRestoreCandidate({ source: "last-good", path: "lg", text: good, hashMatches: false }, {})).toEqual(Either.left("lg: hash does not match the recorded last-known-good"))
    expect(Either.isLeft(judgeRestoreCandidate({ source: "bak", path: "b", text: "{", hashMatches: true }, {}))).toBe(true)
    expect(judgeRestoreCandidate({ source: "bak", path: "b", text: JSON.stringify({ gateway: { mode: "local", auth: { token: "***" } } }), hashMatches: true }, {}))
      .toEqual(Either.left("b: redacted secret placeholder at gateway.auth.token"))
    expect(judgeRestoreCandidate({ source: "bak", path: "b", text: "{}", hashMatches: true }, {})).toEqual(Either.left("b: gateway.mode is missing"))
    expect(judgeRestoreCandidate({ source: "bak", path: "b", text: JSON.stringify({ gateway: { mode: "local", nope: 1 } }), hashMatches: true }, {}))
      .toEqual(Either.left("b: does not pass validation"))
  })
})

describe("gateway checks", () => {
  it("reports gateway.mode unset with the original's message and fix", () => {
    expect(gatewayConfigFindings(gatewayViewOf({}, {}))).toEqual([{
      checkId: "core/doctor/gateway-config",
      severity: "warning",
      message: GATEWAY_MODE_UNSET,
      path: "gateway.mode",
      fixHint: "Run `openclaw config set gateway.mode local` (or `openclaw onboard --mode local`); no last-known-good copy holds a gateway.mode to restore."
    }])
    expect(gatewayConfigFindings(gatewayViewOf({ gateway: { mode: "local" } }, {}))).toEqual([])
    expect(gatewayConfigFindings(gatewayViewOf({ gateway: { mode: "local", auth: { token: "a", password: "b" } } }, {}))[0]?.path).toBe("gateway.auth.mode")
  })

  it("decides whether token mode has a usable token", () => {
    const view = (gateway: unknown) => gatewayViewOf({ gateway }, {})
    expect(tokenState(view({ mode: "local" }), {})).toBe("missing")
    expect(tokenState(view({ mode: "local" }), { OPENCLAW_GATEWAY_TOKEN: "env-token" })).toBe("ok")
    expect(tokenState(view({ mode: "local", auth: { token: "inline" } }), {})).toBe("ok")
    expect(tokenState(view({ mode: "local", auth: { token: "${TOKEN_VAR}" } }), {})).toBe("ok")
    expect(tokenState(gatewayViewOf({ gateway: { mode: "local", auth: { token: "${TOKEN_VAR}" } } }, { TOKEN_VAR: "x" }), {})).toBe("ok")
    expect(tokenState(view({ mode: "local", auth: { password: "p" } }), {})).toBe("not-token-mode")
    expect(tokenState(view({ mode: "local", auth: { mode: "none" } }), {})).toBe("not-token-mode")
    expect(tokenState(view({ mode: "remote" }), {})).toBe("not-token-mode")
    const ref = { mode: "local", auth: { mode: "token", token: { source: "env", provider: "default", id: "GW_TOKEN" } } }
    expect(tokenState(view(ref), {})).toBe("secret-ref-unavailable")
    expect(tokenState(view(ref), { GW_TOKEN: "x" })).toBe("ok")
    expect(gatewayAuthFindings(view({ mode: "local" }), {})[0]).toEqual(expect.objectContaining({
      checkId: "core/doctor/gateway-auth",
      message: "Gateway auth is off or missing a token.",
      fixHint: "Run `openclaw doctor --fix --generate-gateway-token` to generate a token."
    }))
    expect(gatewayAuthFindings(view(ref), {})[0]?.message).toBe("Gateway token is managed via SecretRef and is currently unavailable.")
  })

  it("a bind the gateway would refuse without auth is an error (and replaces the missing-token warning)", () => {
    const view = (gateway: unknown) => gatewayViewOf({ gateway }, {})
    const [lan] = gatewayAuthFindings(view({ mode: "local", bind: "lan" }), {})
    expect(lan).toEqual(expect.objectContaining({ severity: "error", path: "gateway.bind" }))
    expect(lan?.message).toMatch(/^Refusing to bind gateway to lan without auth/)
    expect(gatewayAuthFindings(view({ mode: "local", bind: "lan" }), {})).toHaveLength(1)
    // In a container, no gateway.bind means auto on all interfaces; outside one it is loopback.
    expect(gatewayAuthFindings(view({ mode: "local" }), {}, true)[0]?.message).toContain("in a container the default bind is auto")
    expect(gatewayAuthFindings(view({ mode: "local" }), {}, false)[0]?.severity).toBe("warning")
    // Any working secret lets it start.
    expect(gatewayAuthFindings(view({ mode: "local", bind: "lan", auth: { token: "t" } }), {})).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "local", bind: "lan", auth: { mode: "password", password: "p" } }), {})).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "local", bind: "lan" }), { OPENCLAW_GATEWAY_TOKEN: "env" })).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "local", bind: "loopback", auth: { mode: "none" } }), {}, true)).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "local", bind: "lan", auth: { mode: "none" } }), {})[0]?.severity).toBe("error")
  })

  it("warns when a shell OPENCLAW_GATEWAY_TOKEN disagrees with gateway.auth.token, and only then", () => {
    const view = (gateway: unknown) => gatewayViewOf({ gateway }, {})
    const local = view({ mode: "local", auth: { mode: "token", token: "config-token" } })
    const [conflict] = gatewayAuthFindings(local, { OPENCLAW_GATEWAY_TOKEN: "stale" })
    expect(conflict).toEqual(expect.objectContaining({ severity: "warning", path: "gateway.auth.token" }))
    expect(conflict?.message).toMatch(/^OPENCLAW_GATEWAY_TOKEN conflicts with gateway\.auth\.token/)
    expect(conflict?.message).not.toContain("stale")
    expect(conflict?.message).not.toContain("config-token")
    expect(gatewayAuthFindings(local, { OPENCLAW_GATEWAY_TOKEN: "config-token" })).toEqual([])
    expect(gatewayAuthFindings(local, { OPENCLAW_GATEWAY_TOKEN: "stale", OPENCLAW_SERVICE_KIND: "gateway" })).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "remote", auth: { token: "config-token" } }), { OPENCLAW_GATEWAY_TOKEN: "stale" })).toEqual([])
    expect(gatewayAuthFindings(view({ mode: "local", auth: { mode: "password", password: "p", token: "t" } }), { OPENCLAW_GATEWAY_TOKEN: "stale" })).toEqual([])
    // The config pointing at the env var is the documented way to make the env canonical.
    const pointed = gatewayViewOf({ gateway: { mode: "local", auth: { token: "${OPENCLAW_GATEWAY_TOKEN}" } } }, { OPENCLAW_GATEWAY_TOKEN: "e" })
    expect(gatewayAuthFindings(pointed, { OPENCLAW_GATEWAY_TOKEN: "e" })).toEqual([])
    // No configured token: the env one is simply used.
    expect(gatewayAuthFindings(view({ mode: "local" }), { OPENCLAW_GATEWAY_TOKEN: "e" })).toEqual([])
  })

  it("reports a port held by something that is not a gateway, with secrets in its command masked", () => {
    expect(gatewayPortFindings({ port: 1234, listening: false, gateway: false, owners: [] })).toEqual([])
    expect(gatewayPortFindings({ port: 1234, listening: true, gateway: true, owners: [] })).toEqual([])
    const [finding] = gatewayPortFindings({ port: 1234, listening: true, gateway: false, owners: [{ pid: 9, command: "node x.js --token hunter2 API_TOKEN=abc" }] })
    expect(finding?.severity).toBe("error")
    expect(finding?.message).toContain("Gateway port 1234 is already in use by another process (pid 9: node x.js --token *** API_TOKEN=***)")
    expect(redactCommandLine("gw --password=pw")).toBe("gw --password=***")
  })
})

describe("state, locks and services", () => {
  const facts = (overrides: Partial<StateFacts> = {}): StateFacts => ({
    stateDir: "/s",
    stateKind: "directory",
    stateMode: 0o700,
    stateWritable: true,
    stateFsType: "ext4",
    configPath: "/s/openclaw.json",
    configMode: 0o600,
    posixModes: true,
    ...overrides
  })

  it("reports missing, open, volatile and unwritable state dirs and a readable config", () => {
    expect(stateIntegrityFindings(facts())).toEqual([])
    expect(stateIntegrityFindings(facts({ stateKind: "missing", stateMode: undefined, configMode: undefined }))).toEqual([expect.objectContaining({
      severity: "error",
      path: "/s",
      message: "State directory is missing. Sessions, credentials, logs, and config are stored there."
    })])
    const open = stateIntegrityFindings(facts({ stateMode: 0o755, configMode: 0o644, stateFsType: "tmpfs", stateWritable: false }))
    expect(open.map((f) => f.message)).toEqual([
      "State directory is not writable.",
      "State directory permissions are too open. Recommend chmod 700.",
      "State directory is on a volatile filesystem (tmpfs); sessions, credentials and config disappear on reboot.",
      "Config file is group/world readable. Recommend chmod 600."
    ])
    expect(stateIntegrityFindings(facts({ stateMode: 0o777, configMode: 0o666, posixModes: false }))).toEqual([])
  })

  it("finds the filesystem of the deepest mount", () => {
    const mounts = "/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n/dev/vdb /tmp/data\\040dir xfs rw 0 0\n"
    expect(mountTypeFor(mounts, "/home/u/.openclaw")).toBe("ext4")
    expect(mountTypeFor(mounts, "/tmp/x")).toBe("tmpfs")
    expect(mountTypeFor(mounts, "/tmp/data dir/state")).toBe("xfs")
    expect(mountTypeFor(mounts, "/tmpfoo")).toBe("ext4")
  })

  it("reads lock owners and judges staleness", () => {
    expect(parseLockOwner("{\"pid\":42,\"startTime\":\"99\",\"createdAt\":\"x\"}")).toEqual({ pid: 42, startTime: "99" })
    expect(parseLockOwner("1234\n")).toEqual({ pid: 1234, startTime: undefined })
    expect(parseLockOwner("garbage")).toBeUndefined()
    const lock = (overrides: Partial<LockFacts>): LockFacts => ({
      path: "/l",
      kind: "gateway",
      pid: 42,
      recordedStartTime: undefined,
      pidAlive: true,
      currentStartTime: undefined,
      ageMs: 0,
      ...overrides
    })
    expect(staleLockReason(lock({}), 1000)).toBeUndefined()
    expect(staleLockReason(lock({ pidAlive: false }), 1000)).toBe("pid 42 is not running")
    expect(staleLockReason(lock({ recordedStartTime: "1", currentStartTime: "2" }), 1000)).toBe("pid 42 now belongs to another process")
    expect(staleLockReason(lock({ pid: undefined, ageMs: 10 }), 1000)).toBeUndefined()
    expect(staleLockReason(lock({ pid: undefined, ageMs: 5000 }), 1000)).toBe("unreadable owner record")
  })

  it("a state lock (config, devices, sessions) without a readable owner is stale at once; a gateway lock only once old", () => {
    const lock = (overrides: Partial<LockFacts>): LockFacts => ({
      path: "/l", kind: "config", pid: undefined, recordedStartTime: undefined, pidAlive: false, currentStartTime: undefined, ageMs: 0, ...overrides
    })
    for (const kind of ["config", "devices", "sessions"] as const) expect(staleLockReason(lock({ kind }), 1000)).toBe("unreadable owner record")
    expect(staleLockReason(lock({ kind: "gateway" }), 1000)).toBeUndefined()
  })

  it("describes service lifecycle problems, external supervisors, config mismatch and audit issues", () => {
    const base = { policy: "auto" as const, cliConfigPath: "/s/openclaw.json" }
    expect(gatewayDaemonFindings({ ...base, status: fakeStatus() })).toEqual([])
    const missing = gatewayDaemonFindings({ ...base, status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
    expect(missing).toEqual([expect.objectContaining({ severity: "warning", message: "Gateway service not installed (systemd user openclaw-gateway.service)." })])
    expect(missing[0]?.fixHint).toContain("openclaw gateway install")
    const stopped = gatewayDaemonFindings({ ...base, status: fakeStatus({ runtime: { status: "stopped", lastExitStatus: 78, detail: "Invalid config" } }) })
    expect(stopped[0]?.message).toBe("Gateway service is installed but not running (last exit 78). Last gateway error: Invalid config")
    const external = gatewayDaemonFindings({ ...base, policy: "external", status: fakeStatus({ installed: false }) })
    expect(external.map((f) => [f.severity, f.message])).toEqual([
      ["warning", "Gateway service not installed (systemd user openclaw-gateway.service)."],
      ["info", SERVICE_EXTERNAL]
    ])
    expect(external[0]?.fixHint).toBeUndefined()
    const drift = gatewayDaemonFindings({
      ...base,
      status: fakeStatus({
        configPath: "/other/openclaw.json",
        audit: [{ code: "gateway-port-mismatch", message: "Gateway service port does not match current gateway config.", detail: "18789 -> 18888", level: "recommended" }]
      })
    })
    expect(drift.map((f) => f.message)).toEqual([
      "Root cause: CLI and service are using different config paths (likely a profile/state-dir mismatch). CLI: /s/openclaw.json; service: /other/openclaw.json.",
      "Service config issue: Gateway service port does not match current gateway config. (18789 -> 18888) [gateway-port-mismatch]"
    ])
    expect(serviceRepairPolicyOf({ OPENCLAW_SERVICE_REPAIR_POLICY: "external" })).toBe("external")
    expect(serviceRepairPolicyOf({})).toBe("auto")
    expect(extraServiceFindings([{ label: "clawdbot-gateway.service", scope: "user", detail: "unit: /u", legacy: true }])[0]).toEqual(expect.objectContaining({
      severity: "warning",
      message: "Other gateway-like service detected: clawdbot-gateway.service (user, unit: /u)"
    }))
  })
})

describe("selection, severity, postures and output", () => {
  it("runs the default lint profile, --all, --only (even opt-in) and --skip, and names unknown ids", () => {
    const ids = (selection: Parameters<typeof selectChecks>[0]) => selectChecks(selection).selected.map((c) => c.id)
    expect(ids({ profile: "default", only: [], skip: [] })).not.toContain(CheckId.gatewayDaemon)
    expect(ids({ profile: "all", only: [], skip: [] })).toHaveLength(CHECKS.length)
    expect(ids({ profile: "default", only: [CheckId.gatewayPort], skip: [] })).toEqual([CheckId.gatewayPort])
    const skipped = selectChecks({ profile: "default", only: [], skip: [CheckId.gatewayConfig, "nope/x"] })
    expect(skipped.selected.map((c) => c.id)).not.toContain(CheckId.gatewayConfig)
    expect(skipped.notSelected).toContain(CheckId.gatewayConfig)
    expect(skipped.unknown).toEqual(["nope/x"])
  })

  it("filters by severity and derives ok from the threshold only", () => {
    const findings: ReadonlyArray<Finding> = [
      { checkId: "a", severity: "info", message: "i" },
      { checkId: "b", severity: "warning", message: "w" }
    ]
    expect(filterBySeverity(findings, "warning").map((f) => f.checkId)).toEqual(["b"])
    expect(toLintReport({ findings, checksRun: 2, checksSkipped: 1, min: "warning" })).toEqual({ ok: false, checksRun: 2, checksSkipped: 1, findings: [findings[1]] })
    expect(toLintReport({ findings, checksRun: 2, checksSkipped: 1, min: "error" })).toEqual({ ok: true, checksRun: 2, checksSkipped: 1, findings: [] })
  })

  it("turns flags into postures and repair plans, rejecting bad combinations", () => {
    expect(Either.isLeft(planDoctorRun(flags({ only: ["x"] })))).toBe(true)
    expect(Either.isLeft(planDoctorRun(flags({ severityMin: "error" })))).toBe(true)
    expect(Either.isLeft(planDoctorRun(flags({ json: true, fix: true })))).toBe(true)
    expect(Either.isLeft(planDoctorRun(flags({ lint: true, fix: true })))).toBe(true)
    const lint = Either.getOrThrow(planDoctorRun(flags({ lint: true, all: true, severityMin: "error" })))
    expect(lint).toEqual(expect.objectContaining({ posture: "lint", severityMin: "error", selection: { profile: "all", only: [], skip: [] } }))
    expect(Object.values(lint.repairs).some(Boolean)).toBe(false)
    expect(Either.getOrThrow(planDoctorRun(flags({ json: true }))).posture).toBe("json")
    const plain = Either.getOrThrow(planDoctorRun(flags()))
    expect(plain.posture).toBe("inspect")
    expect(plain.selection.profile).toBe("all")
    expect(Either.getOrThrow(planDoctorRun(flags({ fix: true }))).repairs).toEqual({ config: true, legacy: true, files: true, token: false, service: false, overwriteCustomService: false })
    expect(Either.getOrThrow(planDoctorRun(flags({ repair: true }))).repairs.files).toBe(true)
    expect(Either.getOrThrow(planDoctorRun(flags({ nonInteractive: true }))).repairs).toEqual({ config: false, legacy: true, files: false, token: false, service: false, overwriteCustomService: false })
    expect(Either.getOrThrow(planDoctorRun(flags({ yes: true }))).repairs).toEqual({ config: true, legacy: true, files: true, token: true, service: true, overwriteCustomService: false })
    expect(Either.getOrThrow(planDoctorRun(flags({ yes: true, nonInteractive: true }))).repairs.service).toBe(false)
    expect(Either.getOrThrow(planDoctorRun(flags({ yes: true, force: true }))).repairs.overwriteCustomService).toBe(true)
    expect(Either.isLeft(planDoctorRun(flags({ json: true, force: true })))).toBe(true)
    expect(Either.getOrThrow(planDoctorRun(flags({ generateGatewayToken: true }))).repairs).toEqual({ config: false, legacy: false, files: false, token: true, service: false, overwriteCustomService: false })
  })

  it("formats findings like the original and picks a next command", () => {
    const finding: Finding = { checkId: "core/doctor/gateway-config", severity: "warning", message: GATEWAY_MODE_UNSET, path: "gateway.mode", fixHint: "Run `openclaw configure` and set Gateway mode (local/remote), or `openclaw config set gateway.mode local`." }
    expect(lintLines({ ok: false, checksRun: 6, checksSkipped: 0, findings: [finding] })).toEqual([
      "doctor --lint: ran 6 check(s), 1 finding(s)",
      "  [warning] core/doctor/gateway-config gateway.mode - gateway.mode is unset; gateway start will be blocked.",
      "    fix: Run `openclaw configure` and set Gateway mode (local/remote), or `openclaw config set gateway.mode local`."
    ])
    expect(formatFinding({ checkId: "c", severity: "error", message: "m", path: "/f", line: 3, column: 7 })[0]).toBe("  [error] c /f:3:7 - m")
    const report = (findings: ReadonlyArray<Finding>): DoctorReport => ({
      configPath: "/c",
      outcomes: [{ id: CheckId.gatewayConfig, status: "ran", findings }],
      notSelected: [],
      selectionFindings: [],
      notes: [],
      changes: [],
      problems: []
    })
    expect(nextCommand(report([finding]), "inspect")).toBe("openclaw config set gateway.mode local")
    expect(nextCommand(report([]), "inspect")).toBe("openclaw gateway status")
    const fixable: Finding = { checkId: "x", severity: "error", message: "m", fixHint: "Run `openclaw doctor --fix` to repair." }
    expect(nextCommand(report([fixable]), "inspect")).toBe("openclaw doctor --fix")
    expect(nextCommand(report([fixable, finding]), "repair")).toBe("openclaw config set gateway.mode local")
    expect(summaryLine(report([finding]))).toBe("Doctor: no blocking issues (ran 1 check; 0 errors, 1 warning, 0 info).")
    expect(summaryLine(report([fixable]))).toBe("Doctor: 1 blocking issue (ran 1 check; 1 error, 0 warnings, 0 info).")
  })
})
