import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import { cliTestLayer, runInProcess } from "../support/cliInProcess.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { fakeServiceState, fakeStatus, ServiceManagerTest } from "../support/serviceManagerTest.js"

const dirs: Array<string> = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

describe("openclaw doctor (in process, services from context)", () => {
  it.live("uses the ServiceManager already in context and keeps --json at exit 0 while --lint exits 1", () => {
    const env = configTestLayer()
    dirs.push(env.dir)
    fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", auth: { token: "in-process-token-123" } } }), { mode: 0o600 })
    const services = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
    return Effect.gen(function*() {
      const lint = yield* runInProcess(["doctor", "--lint", "--only", "core/doctor/gateway-daemon", "--json"])
      expect(lint.code).toBe(1)
      expect(JSON.parse(lint.stdout)).toEqual({
        ok: false,
        checksRun: 1,
        checksSkipped: 9,
        findings: [expect.objectContaining({ checkId: "core/doctor/gateway-daemon", severity: "warning", message: "Gateway service not installed (systemd user openclaw-gateway.service)." })]
      })
      expect(services.calls).toContain("status")
      const json = yield* runInProcess(["doctor", "--json"])
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual({ ok: true, checksRun: 8, checksSkipped: 2, findings: [] })
      const usage = yield* runInProcess(["doctor", "--all"])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toBe("error[DOCTOR_USAGE]: --severity-min, --all, --only and --skip are only accepted together with --lint.\n")
    }).pipe(Effect.provide(cliTestLayer(env, { serviceManager: ServiceManagerTest(services) })))
  })

  it.live("doctor --yes --force rewrites a service whose audit found custom edits; --json --force is a usage error", () => {
    const env = configTestLayer({}, { canonical: true })
    dirs.push(env.dir)
    fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", port: 19556, auth: { token: "in-process-token-123" } } }), { mode: 0o600 })
    const services = fakeServiceState({
      status: fakeStatus({ runtime: { status: "stopped" }, audit: [{ code: "gateway-command-missing", message: "Service command does not include the gateway subcommand.", level: "aggressive" }] })
    })
    return Effect.gen(function*() {
      const usage = yield* runInProcess(["doctor", "--json", "--force"])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toContain("--json is read-only; it cannot be combined with --fix, --repair, --force")
      const refused = yield* runInProcess(["doctor", "--yes", "--no-workspace-suggestions"])
      expect(refused.stdout + refused.stderr).toContain("Custom or unexpected service edits detected. Rerun with --force to overwrite.")
      expect(services.calls.filter((call) => call.startsWith("install"))).toEqual([])
      const forced = yield* runInProcess(["doctor", "--yes", "--force"])
      expect(services.calls).toContain("install:19556")
      expect(forced.stdout).toContain("Gateway service rewrite: Installed openclaw-gateway.service.")
    }).pipe(Effect.provide(cliTestLayer(env, { serviceManager: ServiceManagerTest(services) })))
  })
})
