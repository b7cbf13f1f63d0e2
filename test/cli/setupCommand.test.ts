import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { planSetup } from "../../src/domain/setup/setupPlan.js"
import { inProcessHome } from "../support/cliInProcess.js"

const readConfig = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as { gateway: Record<string, any>; [key: string]: unknown }

describe("the setup plan (pure)", () => {
  it("adds only what a local gateway lacks and keeps a configured secret", () => {
    expect(planSetup({}, {}, "t0k").paths).toEqual(["gateway.mode", "gateway.auth.mode", "gateway.auth.token"])
    expect(planSetup({ gateway: { mode: "local", auth: { mode: "token", token: "mine" } } }, {}, "t0k")).toEqual({ ops: [], paths: [], generatedToken: false })
    expect(planSetup({ gateway: { mode: "local", auth: { mode: "password", password: "pw" } } }, {}, "t0k").paths).toEqual([])
    expect(planSetup({ gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "TOK" } } } }, {}, "t0k").generatedToken).toBe(false)
    expect(planSetup({}, { port: 19555, bind: "loopback", auth: "password", password: "s3cret" }, "t0k").paths).toEqual(["gateway.mode", "gateway.port", "gateway.bind", "gateway.auth.mode", "gateway.auth.password"])
  })
})

describe("openclaw setup / onboard (in process, real files)", () => {
  it("onboard --mode local --non-interactive on a fresh home writes a config the gateway starts with, and the folders", async () => {
    const { run, configPath, stateDir } = inProcessHome()
    const result = await run(["onboard", "--mode", "local", "--non-interactive", "--skip-daemon", "--skip-health"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("Updated config: ~/.openclaw/openclaw.json (set gateway.mode, gateway.auth.mode, gateway.auth.token)\n")
    expect(result.stdout).toContain("Workspace OK: ~/.openclaw/workspace\nSessions OK: ~/.openclaw/agents/main/sessions\n")
    expect(result.stdout).toContain("Next: openclaw gateway run")
    const config = readConfig(configPath)
    expect(config.gateway).toMatchObject({ mode: "local", auth: { mode: "token" } })
    expect(config.gateway["auth"].token).toMatch(/^[0-9a-f]{48}$/)
    expect(result.stdout).not.toContain(config.gateway["auth"].token)
    expect(fs.statSync(path.join(stateDir, "workspace")).isDirectory()).toBe(true)
    expect(fs.statSync(path.join(stateDir, "agents", "main", "sessions")).isDirectory()).toBe(true)
    expect(fs.statSync(configPath).mode & 0o777).toBe(0o600)
    const again = await run(["setup", "--baseline"])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("Config OK: ~/.openclaw/openclaw.json")
    expect(readConfig(configPath).gateway["auth"].token).toBe(config.gateway["auth"].token)
  })

  it("setup --baseline keeps everything already in the config (unsupported sections too) and backs it up", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { port: 19222 }, tools: { exec: { host: "gateway" } }, logging: { level: "debug" } }))
    const result = await run(["setup", "--baseline"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("  Backup: ~/.openclaw/openclaw.json.bak\n")
    const config = readConfig(configPath)
    expect(config.gateway).toMatchObject({ mode: "local", port: 19222 })
    expect(config["tools"]).toEqual({ exec: { host: "gateway" } })
    expect(config["logging"]).toEqual({ level: "debug" })
  })

  it("bare setup without a terminal says how to automate it; remote onboarding without --remote-url names it", async () => {
    const { run, configPath } = inProcessHome()
    const bare = await run(["setup"])
    expect(bare.code).toBe(1)
    expect(bare.stderr).toContain("Onboarding needs an interactive TTY. Use `openclaw onboard --non-interactive --accept-risk ...` for automation")
    expect(fs.existsSync(configPath)).toBe(false)
    const remote = await run(["onboard", "--mode", "remote", "--non-interactive"])
    expect(remote.code).toBe(1)
    expect(remote.stderr).toContain("Missing --remote-url (required for --mode remote).")
    expect(fs.existsSync(configPath)).toBe(false)
  })
})
