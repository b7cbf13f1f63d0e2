import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import { cli } from "../../src/cli/app.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { DoctorPolicyTest } from "../support/doctorTestLayer.js"
import { fakeServiceState, fakeStatus, ServiceManagerTest } from "../support/serviceManagerTest.js"

const dirs: Array<string> = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** Runs `openclaw <args>` in process; returns stdout, stderr and the exit code a CliExit asked for. */
const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const base = yield* Effect.console
    const errors: Array<string> = []
    const console = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(parts.map(String).join(" "))),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void errors.push(parts.map(String).join(" ")))
    }
    const exit = yield* cli(["node", "openclaw", ...args]).pipe(Effect.withConsole(console), Effect.either)
    const code = exit._tag === "Right" ? 0 : "code" in exit.left && typeof exit.left.code === "number" ? exit.left.code : -1
    return { stdout: lines.join("\n"), stderr: errors.join("\n"), code }
  })

describe("openclaw doctor (in process, services from context)", () => {
  it.live("uses the ServiceManager already in context and keeps --json at exit 0 while --lint exits 1", () => {
    const env = configTestLayer()
    dirs.push(env.dir)
    fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", auth: { token: "in-process-token-123" } } }), { mode: 0o600 })
    const services = fakeServiceState({ status: fakeStatus({ installed: false, runtime: { status: "unknown" } }) })
    return Effect.gen(function*() {
      const lint = yield* run(["doctor", "--lint", "--only", "core/doctor/gateway-daemon", "--json"])
      expect(lint.code).toBe(1)
      expect(JSON.parse(lint.stdout)).toEqual({
        ok: false,
        checksRun: 1,
        checksSkipped: 9,
        findings: [expect.objectContaining({ checkId: "core/doctor/gateway-daemon", severity: "warning", message: "Gateway service not installed (systemd user openclaw-gateway.service)." })]
      })
      expect(services.calls).toContain("status")
      const json = yield* run(["doctor", "--json"])
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual({ ok: true, checksRun: 7, checksSkipped: 3, findings: [] })
      const usage = yield* run(["doctor", "--all"])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toBe("error[DOCTOR_USAGE]: --severity-min, --all, --only and --skip are only accepted together with --lint.")
    }).pipe(Effect.provide(Layer.mergeAll(env.layer, ServiceManagerTest(services), DoctorPolicyTest, NodeContext.layer)))
  })
})
