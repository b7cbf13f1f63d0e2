import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"

const TOKEN = "remote-mode-token-0123456789"

describe("remote mode: a CLI whose config points at another gateway (gateway.mode remote)", () => {
  let port: number
  let gateway: ChildProcess
  const client = tempHome()
  beforeAll(async () => {
    port = await freePort()
    const server = tempHome()
    writeConfig(server.configPath, { gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token: TOKEN }, controlUi: { root: "/nonexistent/control-ui" } } })
    gateway = (await startInBackground(server.home)).child
    // The client's own local port is somewhere else entirely: only the remote URL can answer.
    writeConfig(client.configPath, { gateway: { mode: "remote", port: await freePort(), remote: { url: `ws://127.0.0.1:${port}`, token: TOKEN } } })
  })
  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
  })

  it("gateway status probes gateway.remote.url and says so; the Dashboard URL is the remote gateway's page", () => {
    const result = client.run(["gateway", "status"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`Probe target: ws://127.0.0.1:${port} (gateway.remote.url, remote mode)\n`)
    expect(result.stdout).toContain("Connectivity probe: ok\n")
    expect(result.stdout).toContain(`Dashboard: http://127.0.0.1:${port}/\n`)
  })

  it("status shows the remote URL as reachable, and health goes there too", () => {
    const status = client.run(["status"])
    expect(status.stdout).toMatch(new RegExp(`Gateway +│ remote · ws://127\\.0\\.0\\.1:${port} \\(gateway\\.remote\\.url\\) · reachable`))
    const health = client.run(["health"])
    expect(health.code, health.stderr).toBe(0)
    expect(health.stdout).toMatch(/^Gateway: ok/)
  })

  it("dashboard checks the remote gateway's page and, as it serves none, points at openclaw gateway probe", () => {
    const result = client.run(["dashboard", "--no-open"])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`Control UI assets not found at /nonexistent/control-ui. Build them with \`pnpm ui:build\` (auto-installs UI deps), or update gateway.controlUi.root.\nNext: \`openclaw gateway probe\` (the gateway at ws://127.0.0.1:${port} answers HTTP but serves no dashboard page there)\n`)
  })
})
