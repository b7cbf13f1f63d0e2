import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { CheckId } from "../../src/domain/doctor/checks.js"
import type { Finding } from "../../src/domain/doctor/Finding.js"
import { BEST_EFFORT_CONFIG, LAST_GOOD_RESTORED, NIX_MODE_REPAIRS_DISABLED, PREFIX_REMOVED, SERVICE_EXTERNAL, TOKEN_CONFIGURED, TOKEN_SECRET_REF_SKIPPED } from "../../src/domain/doctor/messages.js"
import { type DoctorFlags, type DoctorRun, PLAIN_DOCTOR_FLAGS, planDoctorRun } from "../../src/domain/doctor/posture.js"
import { type DoctorReport, findingsOf, lintReportOf } from "../../src/domain/doctor/report.js"
import { ConfigStore } from "../../src/services/ConfigStore.js"
import { Doctor } from "../../src/services/Doctor.js"
import { type DoctorTestEnv, type DoctorTestOptions, doctorTestLayer } from "../support/doctorTestLayer.js"
import { diskFull, FaultyFileSystem } from "../support/faultyFileSystem.js"
import { fakeServiceState, fakeStatus } from "../support/serviceManagerTest.js"

const dirs: Array<string> = []
const setup = (options: DoctorTestOptions = {}): DoctorTestEnv => {
  const env = doctorTestLayer(options)
  dirs.push(env.dir)
  return env
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const plan = (overrides: Partial<DoctorFlags> = {}): DoctorRun => Either.getOrThrow(planDoctorRun({ ...PLAIN_DOCTOR_FLAGS, ...overrides }))

const runDoctor = (env: DoctorTestEnv, run: DoctorRun) => Effect.flatMap(Doctor, (doctor) => doctor.run(run)).pipe(Effect.provide(env.layer))

const of = (report: DoctorReport, checkId: string): ReadonlyArray<Finding> => findingsOf(report).filter((finding) => finding.checkId === checkId)
const modeOf = (file: string) => fs.statSync(file).mode & 0o777
const writeRaw = (file: string, text: string, mode = 0o600) => {
  fs.writeFileSync(file, text, { mode })
  fs.chmodSync(file, mode)
}
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`
const clobbered = (configPath: string) =>
  fs.readdirSync(path.dirname(configPath)).filter((name) => name.startsWith(`${path.basename(configPath)}.clobbered.`)).sort()
const healthy = { gateway: { mode: "local", auth: { mode: "token", token: "a-long-enough-gateway-token" } } }

/** A pid that is certainly not running: a child that already exited. */
const deadPid = () => {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
  return Number(child.stdout)
}

describe("doctor checks (live layer, temp dirs)", () => {
  it.live("a healthy install has no warnings or errors", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json(healthy))
      const report = yield* runDoctor(env, plan())
      expect(findingsOf(report).filter((f) => f.severity !== "info")).toEqual([])
      expect(report.changes).toEqual([])
      expect(report.notes).toEqual([])
      expect(report.outcomes.map((o) => o.id)).toContain(CheckId.gatewayDaemon)
    }))

  it.live("gateway.mode unset is core/doctor/gateway-config with the exact message", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ gateway: { auth: { token: "tok-123456" } } }))
      const report = yield* runDoctor(env, plan({ lint: true }))
      expect(of(report, CheckId.gatewayConfig)).toEqual([{
        checkId: "core/doctor/gateway-config",
        severity: "warning",
        message: "gateway.mode is unset; gateway start will be blocked.",
        path: "gateway.mode",
        fixHint: "Run `openclaw config set gateway.mode local` (or `openclaw onboard --mode local`); no last-known-good copy holds a gateway.mode to restore."
      }])
    }))

  it.live("an invalid config is an error finding and doctor runs with best-effort config", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ gateway: { mode: "local", port: "not-a-port", auth: { token: "tok-123456" } } }))
      const report = yield* runDoctor(env, plan())
      expect(of(report, CheckId.configValidation)).toEqual([expect.objectContaining({ severity: "error", path: "gateway.port" })])
      expect(report.notes).toContain(BEST_EFFORT_CONFIG)
      // The rest of the checks still ran on the parsed file: mode is set, a token exists.
      expect(of(report, CheckId.gatewayConfig)).toEqual([])
      expect(of(report, CheckId.gatewayAuth)).toEqual([])
    }))

  it.live("a config written by a newer OpenClaw is reported", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ ...healthy, meta: { lastTouchedVersion: "2099.1.1" } }))
      const report = yield* runDoctor(env, plan({ lint: true }))
      expect(of(report, CheckId.configVersion).map((f) => f.message)).toEqual([`Config was last written by a newer OpenClaw (2099.1.1); current version is ${VERSION}.`])
    }))

  it.live("permissions: open state dir and config are found, --fix chmods them 700/600", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json(healthy), 0o644)
      fs.chmodSync(env.stateDir, 0o755)
      const before = yield* runDoctor(env, plan())
      expect(of(before, CheckId.stateIntegrity).map((f) => f.message)).toEqual([
        "State directory permissions are too open. Recommend chmod 700.",
        "Config file is group/world readable. Recommend chmod 600."
      ])
      const fixed = yield* runDoctor(env, plan({ fix: true }))
      expect(fixed.changes).toEqual([`Tightened permissions on ${env.stateDir} to 700.`, `Tightened permissions on ${env.configPath} to 600.`])
      expect(modeOf(env.stateDir)).toBe(0o700)
      expect(modeOf(env.configPath)).toBe(0o600)
      expect(of(fixed, CheckId.stateIntegrity)).toEqual([])
    }))

  it.live("a missing state dir is an error; --fix creates it 0700", () =>
    Effect.gen(function*() {
      const env = setup({ canonical: true })
      fs.rmSync(env.stateDir, { recursive: true })
      const report = yield* runDoctor(env, plan())
      expect(of(report, CheckId.stateIntegrity)).toEqual([expect.objectContaining({ severity: "error", path: env.stateDir })])
      const fixed = yield* runDoctor(env, plan({ fix: true }))
      expect(fixed.changes).toContain(`Created state directory ${env.stateDir} (0700).`)
      expect(modeOf(env.stateDir)).toBe(0o700)
      expect(of(fixed, CheckId.stateIntegrity)).toEqual([])
    }))

  it.live("stale gateway and config locks (dead pid) are found; --fix deletes only those", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json(healthy))
      const lockDir = path.join(env.stateDir, "tmp", "openclaw-0")
      fs.mkdirSync(lockDir, { recursive: true, mode: 0o700 })
      const stale = path.join(lockDir, "gateway.state.lock")
      const live = path.join(lockDir, "gateway.config-abc.lock")
      fs.writeFileSync(stale, JSON.stringify({ pid: deadPid(), port: 1, createdAt: "x" }))
      fs.writeFileSync(live, JSON.stringify({ pid: process.pid, createdAt: "x" }))
      fs.writeFileSync(`${env.configPath}.lock`, `${deadPid()}\n`)
      const report = yield* runDoctor(env, plan({ lint: true }))
      expect(of(report, CheckId.gatewayLocks).map((f) => f.path).sort()).toEqual([`${env.configPath}.lock`, stale].sort())
      const fixed = yield* runDoctor(env, plan({ fix: true }))
      expect(fixed.changes.filter((c) => c.startsWith("Removed stale"))).toHaveLength(2)
      expect(fs.existsSync(stale)).toBe(false)
      expect(fs.existsSync(`${env.configPath}.lock`)).toBe(false)
      expect(fs.existsSync(live)).toBe(true)
      expect(of(fixed, CheckId.gatewayLocks)).toEqual([])
    }))

  it.live("device and session locks: a held one is reported (info) and kept, stale ones (garbage, reused pid) are found and --fix clears them", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json(healthy))
      const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, "utf8")
      const ppidStart = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]
      const devicesLock = path.join(env.stateDir, "devices", ".lock")
      const mainSessions = path.join(env.stateDir, "agents", "main", "sessions", "sessions.json.lock")
      const workSessions = path.join(env.stateDir, "agents", "work", "sessions", "sessions.json.lock")
      for (const file of [devicesLock, mainSessions, workSessions]) fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(devicesLock, JSON.stringify({ pid: process.ppid, startTime: ppidStart, createdAt: "2026-01-01T00:00:00.000Z" }))
      fs.writeFileSync(mainSessions, "1\n")
      fs.writeFileSync(workSessions, JSON.stringify({ pid: process.pid, startTime: "1" }))
      const report = yield* runDoctor(env, plan())
      const locks = of(report, CheckId.gatewayLocks)
      expect(locks.map((f) => [f.severity, f.path, f.message]).sort()).toEqual([
        ["info", devicesLock, `The device pairing lock is held by pid ${process.ppid} since 2026-01-01T00:00:00.000Z; writers wait for it.`],
        ["warning", mainSessions, "Stale session index lock (unreadable owner record)."],
        ["warning", workSessions, `Stale session index lock (pid ${process.pid} now belongs to another process).`]
      ].sort())
      const fixed = yield* runDoctor(env, plan({ fix: true }))
      expect(fixed.changes.filter((c) => c.startsWith("Removed stale")).sort()).toEqual([
        `Removed stale session index lock ${mainSessions} (unreadable owner record).`,
        `Removed stale session index lock ${workSessions} (pid ${process.pid} now belongs to another process).`
      ].sort())
      expect([devicesLock, mainSessions, workSessions].map((f) => fs.existsSync(f))).toEqual([true, false, false])
      expect(of(fixed, CheckId.gatewayLocks).map((f) => f.severity)).toEqual(["info"])
    }))

  it.live("port conflict: a non-gateway listener is an error, a gateway answering /healthz is fine", () =>
    Effect.gen(function*() {
      const listen = (server: net.Server) =>
        Effect.async<number>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as net.AddressInfo).port)))
        })
      const close = (server: net.Server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
        })
      const squatter = net.createServer((socket) => {
        socket.on("error", () => undefined)
        socket.resume()
        socket.end("not http\r\n")
      })
      const port = yield* listen(squatter)
      const env = setup()
      writeRaw(env.configPath, json({ gateway: { ...healthy.gateway, port } }))
      const report = yield* runDoctor(env, plan({ lint: true, only: [CheckId.gatewayPort] }))
      yield* close(squatter)
      expect(of(report, CheckId.gatewayPort)).toEqual([expect.objectContaining({ severity: "error", path: "gateway.port" })])
      expect(of(report, CheckId.gatewayPort)[0]?.message).toContain(`Gateway port ${port} is already in use`)

      const gateway = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, status: "live" })))
      const gatewayPort = yield* listen(gateway)
      writeRaw(env.configPath, json({ gateway: { ...healthy.gateway, port: gatewayPort } }))
      const ok = yield* runDoctor(env, plan({ lint: true, only: [CheckId.gatewayPort] }))
      yield* close(gateway)
      expect(of(ok, CheckId.gatewayPort)).toEqual([])
      const free = yield* runDoctor(env, plan({ lint: true, only: [CheckId.gatewayPort] }))
      expect(of(free, CheckId.gatewayPort)).toEqual([])
    }))
})

describe("doctor --fix: clobbered config recovery", () => {
  it.live("strips a non-JSON prefix atomically and keeps the broken file as .clobbered.*", () =>
    Effect.gen(function*() {
      const env = setup()
      const good = json(healthy)
      writeRaw(env.configPath, `garbage{\n${good}`)
      const report = yield* runDoctor(env, plan({ fix: true }))
      expect(report.changes).toEqual([PREFIX_REMOVED])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(good)
      expect(modeOf(env.configPath)).toBe(0o600)
      const kept = clobbered(env.configPath)
      expect(kept).toHaveLength(1)
      expect(kept[0]).toMatch(/^openclaw\.json\.clobbered\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/)
      expect(fs.readFileSync(path.join(env.stateDir, kept[0] ?? ""), "utf8")).toBe(`garbage{\n${good}`)
      expect(modeOf(path.join(env.stateDir, kept[0] ?? ""))).toBe(0o600)
      expect(findingsOf(report).filter((f) => f.severity === "error")).toEqual([])
      expect(fs.readdirSync(env.stateDir).filter((name) => name.endsWith(".tmp"))).toEqual([])
    }))

  it.live("disk full while writing the recovered config: ConfigIoError naming openclaw.json, the broken file intact, no temp file", () =>
    Effect.gen(function*() {
      const full = FaultyFileSystem([diskFull("write", (p) => path.basename(p).startsWith("openclaw.json.") && !p.includes(".lock.") && p.endsWith(".tmp"))])
      const env = setup({ fileSystem: full })
      const broken = `garbage{\n${json(healthy)}`
      writeRaw(env.configPath, broken)
      const error = yield* Effect.flip(runDoctor(env, plan({ fix: true })))
      expect(error).toMatchObject({ _tag: "ConfigIoError", code: "CONFIG_IO_ERROR", path: env.configPath })
      expect(error.message).toBe(`writing temp file for ${env.configPath} failed: ENOSPC: no space left on device, write`)
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(broken)
      expect(fs.readdirSync(env.stateDir).filter((name) => name.endsWith(".tmp"))).toEqual([])
    }))

  it.live("without --fix the broken file is only reported", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, `garbage{\n${json(healthy)}`)
      const report = yield* runDoctor(env, plan())
      expect(of(report, CheckId.configValidation)).toEqual([expect.objectContaining({ severity: "error", line: 1, column: 1 })])
      expect(report.notes).toContain(BEST_EFFORT_CONFIG)
      expect(clobbered(env.configPath)).toEqual([])
      expect(fs.readFileSync(env.configPath, "utf8").startsWith("garbage{")).toBe(true)
    }))

  it.live("restores last-known-good when the file cannot be parsed, keeping the original", () =>
    Effect.gen(function*() {
      const env = setup()
      const store = yield* Effect.provide(ConfigStore, env.layer)
      yield* store.write({ next: healthy, baseHash: undefined }).pipe(Effect.provide(env.layer))
      const promoted = yield* store.promoteLastGood(yield* store.read)
      expect(promoted._tag).toBe("Promoted")
      const lastGood = fs.readFileSync(`${env.configPath}.last-good`, "utf8")
      writeRaw(env.configPath, "this is not json {{{")
      const report = yield* runDoctor(env, plan({ fix: true }))
      expect(report.changes).toEqual([LAST_GOOD_RESTORED])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(lastGood)
      const kept = clobbered(env.configPath)
      expect(kept).toHaveLength(1)
      expect(fs.readFileSync(path.join(env.stateDir, kept[0] ?? ""), "utf8")).toBe("this is not json {{{")
    }))

  it.live("a .last-good whose hash does not match the record is not restored; nothing else to restore is unrecoverable and the file is untouched", () =>
    Effect.gen(function*() {
      const env = setup()
      fs.writeFileSync(`${env.configPath}.last-good`, json(healthy), { mode: 0o600 })
      fs.mkdirSync(path.join(env.stateDir, "state"), { recursive: true })
      fs.writeFileSync(path.join(env.stateDir, "state", "config-health.json"), JSON.stringify({ [env.configPath]: { lastKnownGood: { hash: createHash("sha256").update("other").digest("hex") } } }))
      writeRaw(env.configPath, "this is not json {{{")
      const failure = yield* Effect.flip(runDoctor(env, plan({ fix: true })))
      expect(failure._tag).toBe("DoctorConfigUnrecoverable")
      expect(failure.message).toBe(
        `Config at ${env.configPath} is not parseable and cannot be repaired automatically. The file remains unchanged. Inspect the exact parse error with \`openclaw config validate\`, then hand-edit the file; or move it aside and run \`openclaw onboard\` to generate a fresh config.`
      )
      expect(fs.readFileSync(env.configPath, "utf8")).toBe("this is not json {{{")
      expect(clobbered(env.configPath)).toEqual([])
    }))

  it.live("falls back to the .bak copy and restores it", () =>
    Effect.gen(function*() {
      const env = setup()
      const store = yield* Effect.provide(ConfigStore, env.layer)
      yield* store.write({ next: healthy, baseHash: undefined })
      const second = { ...healthy, logging: { level: "debug" } }
      yield* store.write({ next: second, baseHash: (yield* store.read).hash })
      const bak = fs.readFileSync(`${env.configPath}.bak`, "utf8")
      writeRaw(env.configPath, "{ broken")
      const report = yield* runDoctor(env, plan({ fix: true }))
      expect(report.changes).toEqual([LAST_GOOD_RESTORED])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(bak)
    }))

  it.live("keeps at most 32 .clobbered.* files, rotating the oldest", () =>
    Effect.gen(function*() {
      const env = setup()
      for (let i = 0; i < 32; i++) {
        fs.writeFileSync(`${env.configPath}.clobbered.2020-01-01T00-00-${String(i).padStart(2, "0")}-000Z`, `old-${i}\n`, { mode: 0o600 })
      }
      const broken = `Found and updated: False\n${json(healthy)}`
      writeRaw(env.configPath, broken)
      const report = yield* runDoctor(env, plan({ fix: true }))
      expect(report.changes).toEqual([PREFIX_REMOVED])
      expect(report.notes).toContain(`Config clobber snapshot cap reached for ${env.configPath}: 32 existing .clobbered.* files; rotating oldest snapshots to preserve the latest forensic copy.`)
      const kept = clobbered(env.configPath)
      expect(kept).toHaveLength(32)
      expect(kept).not.toContain("openclaw.json.clobbered.2020-01-01T00-00-00-000Z")
      expect(kept).toContain("openclaw.json.clobbered.2020-01-01T00-00-01-000Z")
      expect(fs.readFileSync(path.join(env.stateDir, kept[kept.length - 1] ?? ""), "utf8")).toBe(broken)
    }))
})

describe("doctor --fix: config rewrites through the ConfigStore write path", () => {
  it.live("legacy keys are reported, then rewritten with meta stamped and a .bak kept", () =>
    Effect.gen(function*() {
      const env = setup()
      const legacy = {
        meta: { lastTouchedVersion: "2026.6.1", lastTouchedAt: "2026-06-01T00:00:00.000Z" },
        gateway: { mode: "local", token: "legacy-token-value", reload: { mode: "hot" } },
        logging: { consoleStyle: "compact" }
      }
      writeRaw(env.configPath, json(legacy))
      const report = yield* runDoctor(env, plan())
      expect(of(report, CheckId.legacyConfig).map((f) => [f.path, f.severity])).toEqual([
        ["gateway.token", "error"],
        ["gateway.reload.mode", "error"],
        ["logging.consoleStyle", "error"],
        ["meta.lastTouchedAt", "warning"]
      ])
      // Legacy-only problems are not double-reported as validation errors, and no best-effort note.
      expect(of(report, CheckId.configValidation)).toEqual([])
      expect(report.notes).not.toContain(BEST_EFFORT_CONFIG)
      const fixed = yield* runDoctor(env, plan({ fix: true }))
      expect(fixed.changes).toEqual([
        "Moved gateway.token → gateway.auth.token.",
        "Set gateway.reload.mode \"hot\" → \"hybrid\".",
        "Set logging.consoleStyle \"compact\" → \"pretty\".",
        "Removed meta.lastTouchedAt from openclaw.json (machine state, not a file stamp)."
      ])
      expect(JSON.parse(fs.readFileSync(env.configPath, "utf8"))).toEqual({
        meta: { lastTouchedVersion: VERSION },
        gateway: { mode: "local", auth: { token: "legacy-token-value" }, reload: { mode: "hybrid" } },
        logging: { consoleStyle: "pretty" }
      })
      expect(fs.readFileSync(`${env.configPath}.bak`, "utf8")).toBe(json(legacy))
      expect(of(fixed, CheckId.legacyConfig)).toEqual([])
      expect(JSON.stringify(fixed)).not.toContain("legacy-token-value")
    }))

  it.live("--non-interactive alone applies the legacy migration but no other repair", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ gateway: { mode: "local", token: "tok-123456" } }), 0o644)
      const report = yield* runDoctor(env, plan({ nonInteractive: true }))
      expect(report.changes).toEqual(["Moved gateway.token → gateway.auth.token."])
      expect(modeOf(env.configPath)).toBe(0o600) // the atomic write creates the file 0600
      const fileRepairs = yield* runDoctor(env, plan({ nonInteractive: true }))
      expect(fileRepairs.changes).toEqual([])
    }))

  it.live("unknown keys are removed and listed by --fix (in place, no restore needed)", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ ...healthy, gateway: { ...healthy.gateway, prot: 1 }, bogus: { a: 1 } }))
      const report = yield* runDoctor(env, plan({ fix: true }))
      expect([...report.changes].sort()).toEqual(["Removed unknown config key bogus.", "Removed unknown config key gateway.prot."])
      expect(clobbered(env.configPath)).toEqual([])
      expect(JSON.parse(fs.readFileSync(env.configPath, "utf8"))).toEqual({ ...healthy, meta: { lastTouchedVersion: VERSION } })
    }))

  it.live("token missing in token mode is reported; --generate-gateway-token writes gateway.auth.token and never prints it", () =>
    Effect.gen(function*() {
      const env = setup()
      writeRaw(env.configPath, json({ gateway: { mode: "local" } }))
      const before = yield* runDoctor(env, plan())
      expect(of(before, CheckId.gatewayAuth).map((f) => f.message)).toEqual(["Gateway auth is off or missing a token."])
      const fixed = yield* runDoctor(env, plan({ generateGatewayToken: true }))
      expect(fixed.changes).toEqual([TOKEN_CONFIGURED])
      const written = JSON.parse(fs.readFileSync(env.configPath, "utf8")) as { gateway: { auth: { mode: string; token: string } } }
      expect(written.gateway.auth.mode).toBe("token")
      expect(written.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/)
      expect(JSON.stringify(fixed)).not.toContain(written.gateway.auth.token)
      expect(of(fixed, CheckId.gatewayAuth)).toEqual([])
      // A second run does not rotate it.
      const again = yield* runDoctor(env, plan({ generateGatewayToken: true }))
      expect(again.changes).toEqual([])
      expect((JSON.parse(fs.readFileSync(env.configPath, "utf8")) as typeof written).gateway.auth.token).toBe(written.gateway.auth.token)
    }))

  it.live("never writes a token over a SecretRef", () =>
    Effect.gen(function*() {
      const env = setup()
      const config = { gateway: { mode: "local", auth: { mode: "token", token: { source: "env", provider: "default", id: "DOCTOR_TEST_UNSET_TOKEN" } } } }
      writeRaw(env.configPath, json(config))
      const before = fs.readFileSync(env.configPath, "utf8")
      const report = yield* runDoctor(env, plan({ generateGatewayToken: true }))
      expect(report.changes).toEqual([])
      expect(report.notes).toContain(TOKEN_SECRET_REF_SKIPPED)
      expect(of(report, CheckId.gatewayAuth).map((f) => f.message)).toEqual(["Gateway token is managed via SecretRef and is currently unavailable."])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(before)
    }))

  it.live("Nix mode disables every repair", () =>
    Effect.gen(function*() {
      const env = setup({ env: { OPENCLAW_NIX_MODE: "1" } })
      writeRaw(env.configPath, `garbage{\n${json({ gateway: { mode: "local", token: "tok-123456" } })}`, 0o644)
      const before = fs.readFileSync(env.configPath, "utf8")
      const report = yield* runDoctor(env, plan({ fix: true, generateGatewayToken: true }))
      expect(report.notes).toContain(NIX_MODE_REPAIRS_DISABLED)
      expect(report.changes).toEqual([])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(before)
      expect(modeOf(env.configPath)).toBe(0o644)
    }))
})

describe("doctor: gateway service checks through the ServiceManager", () => {
  it.live("not installed and stopped services are warnings with hints; audit issues and extra services are listed", () =>
    Effect.gen(function*() {
      const services = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
      const env = setup({ services })
      writeRaw(env.configPath, json(healthy))
      const report = yield* runDoctor(env, plan())
      expect(of(report, CheckId.gatewayDaemon)).toEqual([expect.objectContaining({ severity: "warning", message: "Gateway service not installed (systemd user openclaw-gateway.service)." })])
      services.status = fakeStatus({
        runtime: { status: "stopped", lastExitStatus: 1 },
        audit: [{ code: "systemd-restart-sec", message: "RestartSec should be 5s.", level: "recommended" }]
      })
      services.extra = [{ label: "clawdbot-gateway.service", scope: "user", detail: "unit: /u/clawdbot-gateway.service", legacy: true }]
      const stopped = yield* runDoctor(env, plan({ deep: true }))
      expect(of(stopped, CheckId.gatewayDaemon).map((f) => f.message)).toEqual([
        "Gateway service is installed but not running (last exit 1).",
        "Service config issue: RestartSec should be 5s. [systemd-restart-sec]"
      ])
      expect(of(stopped, CheckId.extraServices)).toEqual([expect.objectContaining({ severity: "warning" })])
      expect(services.calls).toContain("extraServices:true")
      // Plain doctor and --fix never install or start anything.
      yield* runDoctor(env, plan({ fix: true }))
      expect(services.calls.filter((call) => call.startsWith("install") || call === "start")).toEqual([])
    }))

  it.live("a system-level gateway unit without the user service: doctor says so and --yes installs nothing", () =>
    Effect.gen(function*() {
      const services = fakeServiceState({
        status: fakeStatus({ installed: false, runtime: { status: "unknown" } }),
        extra: [{ label: "openclaw-gateway.service", scope: "system", detail: "unit: /etc/systemd/system/openclaw-gateway.service", legacy: false }]
      })
      const env = setup({ canonical: true, services })
      writeRaw(env.configPath, json(healthy))
      const report = yield* runDoctor(env, plan({ yes: true }))
      const [finding] = of(report, CheckId.gatewayDaemon)
      expect(finding?.message).toContain("System-level OpenClaw gateway service detected while the user gateway service is not installed")
      expect(finding?.message).toContain("OpenClaw will not install a second user-level gateway service automatically.")
      expect(finding?.fixHint).toContain("OPENCLAW_SERVICE_REPAIR_POLICY=external")
      expect(report.problems.join("\n")).toContain("Gateway service install skipped: System-level OpenClaw gateway service detected")
      expect(services.calls.filter((call) => call.startsWith("install"))).toEqual([])
      // A user-scope extra service is not a system unit: the plain not-installed warning stays.
      services.extra = [{ label: "openclaw-gateway-old.service", scope: "user", detail: "unit", legacy: false }]
      const plain = yield* runDoctor(env, plan())
      expect(of(plain, CheckId.gatewayDaemon).map((f) => f.message)).toEqual(["Gateway service not installed (systemd user openclaw-gateway.service)."])
    }))

  it.live("an unavailable service manager is info and the service checks are skipped", () =>
    Effect.gen(function*() {
      const env = setup({ services: fakeServiceState({ unavailable: "no supported service manager detected" }) })
      writeRaw(env.configPath, json(healthy))
      const report = yield* runDoctor(env, plan())
      const daemon = report.outcomes.find((o) => o.id === CheckId.gatewayDaemon)
      expect(daemon?.status).toBe("skipped")
      expect(daemon?.findings).toEqual([expect.objectContaining({ severity: "info", message: "Gateway service manager unavailable (no supported service manager detected); service checks skipped." })])
      expect(lintReportOf(report, "warning").ok).toBe(true)
      const none = setup({ services: "none" })
      writeRaw(none.configPath, json(healthy))
      const without = yield* runDoctor(none, plan())
      expect(without.outcomes.find((o) => o.id === CheckId.gatewayDaemon)?.status).toBe("skipped")
    }))

  it.live("OPENCLAW_SERVICE_REPAIR_POLICY=external prints the exact message and never repairs, even with --yes", () =>
    Effect.gen(function*() {
      const services = fakeServiceState({ status: fakeStatus({ runtime: { status: "stopped" } }) })
      const env = setup({ canonical: true, services, env: { OPENCLAW_SERVICE_REPAIR_POLICY: "external" } })
      writeRaw(env.configPath, json(healthy))
      const report = yield* runDoctor(env, plan({ yes: true }))
      expect(of(report, CheckId.gatewayDaemon).map((f) => f.message)).toContain(SERVICE_EXTERNAL)
      expect(services.calls.filter((call) => call.startsWith("install") || call === "start")).toEqual([])
    }))

  it.live("--yes installs a missing service (canonical state) and starts a stopped one; isolated state is refused", () =>
    Effect.gen(function*() {
      const services = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
      const env = setup({ canonical: true, services })
      writeRaw(env.configPath, json({ gateway: { ...healthy.gateway, port: 19555 } }))
      const installed = yield* runDoctor(env, plan({ yes: true }))
      expect(services.calls).toContain("install:19555")
      expect(installed.changes).toContain("Gateway service install: Installed openclaw-gateway.service.")
      expect(of(installed, CheckId.gatewayDaemon)).toEqual([])
      services.status = fakeStatus({ runtime: { status: "stopped" } })
      const started = yield* runDoctor(env, plan({ yes: true }))
      expect(started.changes).toContain("Gateway service start: Started openclaw-gateway.service.")

      const isolatedServices = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
      const isolated = setup({ services: isolatedServices })
      writeRaw(isolated.configPath, json(healthy))
      const refused = yield* runDoctor(isolated, plan({ yes: true }))
      expect(refused.problems.join("\n")).toContain("is isolated state")
      expect(isolatedServices.calls.filter((call) => call.startsWith("install"))).toEqual([])
    }))

  it.live("--yes rewrites a faulted service definition; custom (aggressive) edits need --force; an active systemd unit is left alone", () =>
    Effect.gen(function*() {
      const portDrift = { code: "gateway-port-mismatch", message: "Gateway service port does not match current gateway config.", detail: "18789 -> 19555", level: "recommended" as const }
      const customEdit = { code: "gateway-command-missing", message: "Service command does not include the gateway subcommand.", level: "aggressive" as const }
      const services = fakeServiceState({ status: fakeStatus({ runtime: { status: "stopped" }, audit: [portDrift, customEdit] }) })
      const env = setup({ canonical: true, services })
      writeRaw(env.configPath, json({ gateway: { ...healthy.gateway, port: 19555 } }))

      const withoutForce = yield* runDoctor(env, plan({ yes: true }))
      expect(withoutForce.problems).toContain("Custom or unexpected service edits detected. Rerun with --force to overwrite.")
      expect(services.calls.filter((call) => call.startsWith("install") || call === "start")).toEqual([])

      // --force alone is a permission, not a repair: nothing is touched without --yes.
      const forceOnly = yield* runDoctor(env, plan({ force: true }))
      expect(forceOnly.changes).toEqual([])
      expect(services.calls.filter((call) => call.startsWith("install"))).toEqual([])

      const forced = yield* runDoctor(env, plan({ yes: true, force: true }))
      expect(services.calls).toContain("install:19555")
      expect(forced.changes).toContain("Gateway service rewrite: Installed openclaw-gateway.service.")

      // The same faults under a running systemd unit: reported, not rewritten.
      const running = fakeServiceState({ status: fakeStatus({ audit: [portDrift] }) })
      const active = setup({ canonical: true, services: running })
      writeRaw(active.configPath, json({ gateway: { ...healthy.gateway, port: 19555 } }))
      const left = yield* runDoctor(active, plan({ yes: true, force: true }))
      expect(left.problems.join("\n")).toContain("supervisor metadata unchanged while the unit is active")
      expect(running.calls.filter((call) => call.startsWith("install"))).toEqual([])
    }))

  it("--force and --no-workspace-suggestions: --force is refused with the read-only postures; workspace suggestions change nothing here", () => {
    expect(Either.getLeft(planDoctorRun({ ...PLAIN_DOCTOR_FLAGS, lint: true, force: true })).pipe((e) => e._tag === "Some" && e.value.message)).toBe(
      "--lint is read-only; it cannot be combined with --fix, --repair, --force, --yes or --generate-gateway-token."
    )
    expect(plan({ workspaceSuggestions: false })).toEqual(plan())
    expect(plan({ force: true }).posture).toBe("inspect")
  })
})
