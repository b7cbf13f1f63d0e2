import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { until } from "../support/until.js"

const count = (text: string, needle: string) => text.split(needle).length - 1

describe("openclaw gateway restart --safe|--wait against a running gateway (built CLI, real gateway child)", () => {
  let model: ScriptedModelServer
  let home: ReturnType<typeof tempHome>
  let gateway: ChildProcess
  let output: () => string

  beforeAll(async () => {
    model = await startScriptedModelServer()
    const port = await freePort()
    home = tempHome()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: "restart-token" } },
      logging: { file: path.join(home.home, "logs", "gateway.log") },
      ...scriptedModelConfig(model)
    })
    const started = await startInBackground(home.home)
    gateway = started.child
    output = started.output
  })

  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
    await model.close()
  })

  it("--safe with an agent run in progress defers, coalesces a second request, and restarts in process once the run has finished", async () => {
    // One slow turn: eight chunks 1.5 s apart keep the run active for about twelve seconds, long enough
    // for two CLI starts on a loaded machine.
    model.script.push({ text: "slow answer for the restart test", chunks: 8, delayMs: 1500 })
    const agent = runCliAsync(home.home, ["agent", "--agent", "main", "--message", "take your time"], {}, 45_000)
    await model.waitForRequests(1)

    const first = await runCliAsync(home.home, ["gateway", "restart", "--safe", "--json"])
    expect(first.code, first.stderr).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report).toMatchObject({
      ok: true,
      action: "restart",
      result: "deferred",
      restart: {
        ok: true,
        status: "deferred",
        preflight: { safe: false, counts: { embeddedRuns: 1, totalActive: 1 }, blockers: [{ kind: "embedded-run", count: 1 }] },
        restart: { coalesced: false, drainBudgetMs: 300_000, mode: "in-process" }
      }
    })
    expect(report.message).toContain("Gateway restart deferred: restart deferred: 1 active agent run(s)")

    const second = await runCliAsync(home.home, ["gateway", "restart", "--safe"])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain("joined the restart already pending")
    // Still the first life of the gateway: the run holds the restart off.
    expect(count(output(), "Gateway listening on")).toBe(1)

    // The run is not cut short: the agent gets its whole answer.
    const answered = await agent
    expect(answered.code, answered.stderr).toBe(0)
    expect(answered.stdout).toContain("slow answer for the restart test")

    await until("the in-process restart", () => (count(output(), "Gateway listening on") === 2 ? true : undefined), 20_000)
    expect(output()).toContain("Gateway restarting (gateway.restart.safe)")
    expect(gateway.exitCode).toBeNull()
    const health = await runCliAsync(home.home, ["gateway", "health", "--json"])
    expect(health.code, health.stderr).toBe(0)
    expect(JSON.parse(health.stdout)).toMatchObject({ ok: true })
    const audit = fs.readFileSync(path.join(home.stateDir, "logs", "gateway-restart.log"), "utf8")
    expect(audit).toMatch(/action=restart source=safe-rpc mode=deferred pid=\d+/)
  }, 90_000)

  it("--wait with no active work restarts at once; --wait 0 asks for an unlimited drain budget", async () => {
    const before = count(output(), "Gateway listening on")
    const result = await runCliAsync(home.home, ["daemon", "restart", "--wait", "0", "--json"])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      result: "scheduled",
      restart: { status: "scheduled", preflight: { safe: true, blockers: [] }, restart: { drainBudgetMs: null } }
    })
    await until("the second in-process restart", () => (count(output(), "Gateway listening on") === before + 1 ? true : undefined), 20_000)
    expect(output()).toContain("Gateway restarting (gateway.restart)")
    expect(fs.readFileSync(path.join(home.stateDir, "logs", "gateway-restart.log"), "utf8")).toMatch(/source=rpc mode=scheduled pid=\d+ waitMs=0/)
  }, 60_000)
})

describe("openclaw gateway|daemon stop and restart refusals (built CLI)", () => {
  it("conflicting restart flags exit 2 naming the conflict; nothing is contacted", async () => {
    const { home } = tempHome()
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["gateway", "restart", "--skip-deferral"], "--skip-deferral requires --safe."],
      [["daemon", "restart", "--safe", "--force"], "--safe cannot be combined with --force"],
      [["gateway", "restart", "--safe", "--wait", "30s"], "--safe cannot be combined with --wait"],
      [["gateway", "restart", "--wait", "30s", "--force"], "--wait cannot be combined with --force"],
      [["gateway", "restart", "--wait", "soon"], "Invalid --wait \"soon\": use milliseconds or a duration such as 30s, 5m or 1h30m (0 waits indefinitely)."]
    ]
    for (const [args, message] of cases) {
      const result = await runCliAsync(home, args)
      expect(result.code, args.join(" ")).toBe(2)
      expect(result.stderr, args.join(" ")).toContain(`error[SERVICE_INVALID_OPTIONS]: ${message}`)
    }
    const json = await runCliAsync(home, ["gateway", "restart", "--skip-deferral", "--json"])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, action: "restart", error: { code: "SERVICE_INVALID_OPTIONS", message: "--skip-deferral requires --safe." } })
  }, 60_000) // six CLI starts

  it("--safe with no gateway running fails with the next step", async () => {
    const { home } = tempHome()
    const result = await runCliAsync(home, ["gateway", "restart", "--safe"], { OPENCLAW_GATEWAY_PORT: String(await freePort()) })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("error[GATEWAY_NOT_RUNNING]: A safe restart asks the running gateway, and none answered")
    expect(result.stderr).toContain("openclaw gateway start")
  }, 30_000)

  it("stop without a terminal needs --force, before any service manager is asked", async () => {
    const { home } = tempHome()
    for (const group of ["gateway", "daemon"]) {
      const result = await runCliAsync(home, [group, "stop"])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("error[SERVICE_FORCE_REQUIRED]: Refusing to stop the gateway service from a non-interactive shell without --force.")
      expect(result.stderr).toContain("openclaw gateway run --dev")
    }
    const json = await runCliAsync(home, ["daemon", "stop", "--disable", "--json"])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, action: "stop", error: { code: "SERVICE_FORCE_REQUIRED" } })
  }, 30_000)
})
