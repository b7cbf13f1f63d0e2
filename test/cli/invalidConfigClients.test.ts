import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort } from "../support/gatewayProcess.js"
import { inProcessHome } from "../support/cliInProcess.js"

/** A home whose config has a good gateway section and one unknown key elsewhere. */
const invalidHome = (port: number) => {
  const home = inProcessHome()
  fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
  fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port, auth: { token: "configured-token" } }, bogus: 1 }, null, 2))
  return home
}

describe("an invalid config never sends a client command to the defaults", () => {
  it("health, devices, gateway call and dashboard say the config is invalid, where, and what to run; exit 1", async () => {
    const { run, configPath } = invalidHome(await freePort())
    for (const args of [["health"], ["devices", "list"], ["gateway", "call", "health"], ["dashboard", "--no-open"]]) {
      const result = await run(args)
      expect(result.code, args.join(" ")).toBe(1)
      expect(result.stderr, args.join(" ")).toContain(`error[CONFIG_INVALID]: OpenClaw config is invalid: ${configPath}\n  × <root>: Unrecognized key: "bogus"\n`)
      expect(result.stderr, args.join(" ")).toContain("openclaw doctor --fix")
      expect(result.stderr).not.toContain("127.0.0.1:18789")
    }
  })

  it("a config that is not JSON5 is named with its line and column", async () => {
    const { run, configPath } = invalidHome(await freePort())
    fs.writeFileSync(configPath, '{\n  gateway: { mode: "local" },\n  oops\n}\n')
    const result = await run(["health"])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^error\\[CONFIG_PARSE_ERROR\\]: ${configPath.replace(/[.]/g, "\\.")}: JSON5 parse failed at 4:1: `))
    expect(result.stderr).toContain("openclaw doctor --fix")
  })

  it("an explicit --url does not need the config: the command goes where it was told", async () => {
    const { run } = invalidHome(await freePort())
    const closed = await freePort()
    const result = await run(["health", "--url", `ws://127.0.0.1:${closed}`, "--token", "t"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`error[GATEWAY_CONNECT_FAILED]`)
    expect(result.stderr).toContain(`ws://127.0.0.1:${closed}`)
  })

  it("gateway status and status still report, and name the values they fell back to", async () => {
    const { run } = invalidHome(await freePort())
    const closed = String(await freePort())
    const gatewayStatus = await run(["gateway", "status"], { OPENCLAW_GATEWAY_PORT: closed })
    expect(gatewayStatus.code).toBe(0)
    expect(gatewayStatus.stdout).toContain("Config (cli): ~/.openclaw/openclaw.json (invalid)\nConfig issue: <root>: Unrecognized key: \"bogus\"\n")
    expect(gatewayStatus.stderr).toContain(`Config invalid: ~/.openclaw/openclaw.json; this report falls back to port ${closed} (env/config), bind loopback, local mode and no credentials from the config`)
    expect(gatewayStatus.stderr).toContain("Fix: openclaw doctor --fix")
    const status = await run(["status", "--json"], { OPENCLAW_GATEWAY_PORT: closed })
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).gateway).toMatchObject({ misconfigured: true, url: `ws://127.0.0.1:${closed}` })
    expect(status.stderr).toContain(`this report falls back to port ${closed}`)
    const probe = await run(["gateway", "probe"], { OPENCLAW_GATEWAY_PORT: closed })
    expect(probe.code).toBe(1)
    expect(probe.stderr).toContain(`Config invalid: ~/.openclaw/openclaw.json; this report falls back to the loopback target ws://127.0.0.1:${closed}, local mode`)
  })

  it("logs reads the gateway's log file directly (logging.file kept when that section is valid) and says why", async () => {
    const { run, configPath, home } = invalidHome(await freePort())
    const logFile = path.join(home, "logs", "gateway.log")
    fs.mkdirSync(path.dirname(logFile), { recursive: true })
    fs.writeFileSync(logFile, `${JSON.stringify({ time: "2026-12-06T18:00:00.000Z", level: "warn", subsystem: "gateway/reload", message: "config reload skipped (invalid config): <root>: Unrecognized key: \"bogus\"" })}\n`)
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { mode: "local", auth: { token: "t" } }, logging: { file: logFile }, bogus: 1 }))
    const result = await run(["logs", "--limit", "5", "--utc"])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^Config unusable \(Invalid config at .*openclaw\.json; `openclaw config validate` lists the problems\): not asking a gateway; reading the log file directly\.\n/)
    expect(result.stdout).toContain(`Log file: ${logFile}\n`)
    expect(result.stdout).toContain("config reload skipped (invalid config): <root>: Unrecognized key: \"bogus\"")
  })
})

describe("remote mode (gateway.mode remote, gateway.remote.url)", () => {
  const remoteHome = async () => {
    const home = inProcessHome()
    const port = await freePort()
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "remote", remote: { url: `ws://127.0.0.1:${port}`, token: "remote-token" } } }, null, 2))
    return { ...home, remoteUrl: `ws://127.0.0.1:${port}`, port }
  }

  it("gateway status and status show and probe the remote URL, and advertise the remote gateway's dashboard page", async () => {
    const { run, remoteUrl, port } = await remoteHome()
    const human = await run(["gateway", "status"])
    expect(human.stdout).toContain(`Probe target: ${remoteUrl} (gateway.remote.url, remote mode)\n`)
    expect(human.stdout).toContain(`Dashboard: http://127.0.0.1:${port}/\n`)
    expect(human.stderr).toContain(`gateway connect failed: connect ECONNREFUSED ${remoteUrl.slice("ws://".length)}`)
    const json = JSON.parse((await run(["gateway", "status", "--json"])).stdout)
    expect(json.gateway).toMatchObject({ probeUrl: remoteUrl, probeUrlSource: "remote-config", dashboardUrl: `http://127.0.0.1:${port}/` })
    expect(json.rpc).toMatchObject({ url: remoteUrl, ok: false })
    const status = await run(["status"])
    expect(status.stdout).toMatch(new RegExp(`Gateway +│ remote · ${remoteUrl} \\(gateway\\.remote\\.url\\) · unreachable`))
    expect(status.stdout).toMatch(new RegExp(`Dashboard +│ http://127\\.0\\.0\\.1:${port}/`))
    expect(JSON.parse((await run(["status", "--json"])).stdout).gateway).toMatchObject({ mode: "remote", url: remoteUrl, urlSource: "gateway.remote.url" })
  })

  it("dashboard checks the remote gateway's page and points at gateway probe when it does not answer", async () => {
    const { run, port } = await remoteHome()
    const result = await run(["dashboard", "--no-open"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Gateway is not reachable at http://127.0.0.1:${port}/ (gateway.remote.url, remote mode)`)
    expect(result.stderr).toContain("Next: `openclaw gateway probe` shows which gateway routes answer\n")
  })
})

describe("sections kept in the config but not run by this version", () => {
  it("config validate and status list them (human and --json) from the same list", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { mode: "local", port: await freePort() }, channels: { telegram: { botToken: "x" } }, cron: { enabled: true }, talk: {} }))
    const validate = await run(["config", "validate"])
    expect(validate.code).toBe(0)
    // Telegram (issue 12) and cron (issue 13) run now, and tools.exec is validated (issue 14): none is listed.
    expect(validate.stdout).toContain("  ! talk: not supported by this version, ignored\n")
    expect(validate.stdout).not.toContain("channels.telegram")
    expect(validate.stdout).not.toContain("! cron")
    expect(JSON.parse((await run(["config", "validate", "--json"])).stdout).unsupported).toEqual(["talk"])
    const status = await run(["status"])
    expect(status.stdout).toMatch(/Not run +│ talk \(kept in the config; not run by this version\)/)
    expect(JSON.parse((await run(["status", "--json"])).stdout).notRun).toEqual(["talk"])
  })
})
