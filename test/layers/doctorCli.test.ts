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
})
