import { describe, expect, it } from "@effect/vitest"
import JSON5 from "json5"
import * as fs from "node:fs"
import * as path from "node:path"
import { inProcessHome } from "../support/cliInProcess.js"
import { keys, scriptedTerminal } from "../support/TerminalTest.js"

const { type, enter, down, backspace, ctrlC } = keys
const readConfig = (file: string) => JSON5.parse(fs.readFileSync(file, "utf8")) as { gateway: Record<string, any> }
const storeOf = (stateDir: string) => path.join(stateDir, "agents", "main", "agent", "auth-profiles.json")

describe("openclaw setup --wizard: the interactive onboarding (in process, scripted terminal, real files)", () => {
  it("asks mode, port, bind, auth and a provider key, then writes them through the same plan as the flags", async () => {
    const { run, configPath, stateDir } = inProcessHome()
    const KEY = "sk-ant-wizard-0123456789"
    const terminal = scriptedTerminal([
      enter, // mode: local (the default)
      type("19555"), enter, // port
      down, enter, // bind: lan
      enter, // auth: token (generate one)
      down, enter, // provider: Anthropic
      type(KEY), enter,
      enter // confirm (default yes)
    ])
    const result = await run(["setup", "--wizard"], {}, terminal.layer)
    expect(result.code, result.stderr).toBe(0)
    const screen = terminal.screen()
    for (const question of ["Gateway mode", "Gateway port", "Gateway bind", "Gateway auth", "Model provider API key", "Anthropic API key", "Write this configuration?"]) expect(screen).toContain(question)
    expect(screen).toContain("Gateway: local, port 19555, bind lan\n  Auth: token (a new one is generated)\n  Model provider key: Anthropic (hidden; saved to the auth-profile store)")
    expect(result.stdout).toContain("Setup complete")
    const config = readConfig(configPath)
    expect(config.gateway).toMatchObject({ mode: "local", port: 19555, bind: "lan", auth: { mode: "token" } })
    expect(config.gateway["auth"].token).toMatch(/^[0-9a-f]{48}$/)
    expect(fs.statSync(configPath).mode & 0o777).toBe(0o600)
    const store = fs.readFileSync(storeOf(stateDir), "utf8")
    expect(JSON.parse(store).profiles["anthropic:default"]).toMatchObject({ type: "api_key", provider: "anthropic", key: KEY })
    expect(fs.statSync(storeOf(stateDir)).mode & 0o777).toBe(0o600)
    // The key is in the store only: never echoed, printed or put in the config.
    for (const seen of [screen, result.stdout, result.stderr, fs.readFileSync(configPath, "utf8")]) expect(seen).not.toContain(KEY)
  })

  it("plain `onboard --json` at a terminal onboards too: password auth, the configured port as the default, no provider", async () => {
    const { run, configPath, stateDir } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{ gateway: { port: 19222 }, logging: { level: 'debug' } }")
    const terminal = scriptedTerminal([enter, enter, enter, down, enter, type("hunter2-pass"), enter, enter, type("y")])
    const result = await run(["onboard", "--json"], {}, terminal.layer)
    expect(result.code, result.stderr).toBe(0)
    expect(terminal.screen()).toContain("19222")
    // Questions and summary are on the terminal; standard output is the JSON summary alone.
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, configPath })
    const config = readConfig(configPath)
    expect(config.gateway).toMatchObject({ mode: "local", port: 19222, bind: "loopback", auth: { mode: "password", password: "hunter2-pass" } })
    expect(config["logging" as "gateway"]).toEqual({ level: "debug" })
    expect(terminal.screen()).not.toContain("hunter2-pass")
    expect(result.stdout).not.toContain("hunter2-pass")
    expect(fs.existsSync(storeOf(stateDir))).toBe(false)
  })

  it("remote: the URL (re-asked until it is a WebSocket URL) and the token", async () => {
    const { run, configPath } = inProcessHome()
    const terminal = scriptedTerminal([down, enter, type("https://gw.example.com"), enter, ...Array.from("https://gw.example.com", () => backspace), type("wss://gw.example.com:18789"), enter, type("rtok-secret-1"), enter, enter])
    const result = await run(["setup", "--wizard"], {}, terminal.layer)
    expect(result.code, result.stderr).toBe(0)
    expect(terminal.screen()).toContain("Use ws:// or wss://")
    expect(readConfig(configPath).gateway).toEqual({ mode: "remote", remote: { url: "wss://gw.example.com:18789", token: "rtok-secret-1" } })
    expect(terminal.screen() + result.stdout).not.toContain("rtok-secret-1")
  })

  it("answering no, or Ctrl-C, writes nothing and exits 1 saying so", async () => {
    const declined = inProcessHome()
    const no = scriptedTerminal([enter, enter, enter, enter, down, enter, type("sk-ant-declined"), enter, type("n")])
    const result = await declined.run(["setup", "--wizard"], {}, no.layer)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Onboarding cancelled: nothing was written.")
    expect(fs.existsSync(declined.stateDir)).toBe(false)
    const quit = inProcessHome()
    const result2 = await quit.run(["setup"], {}, scriptedTerminal([enter, type("1900"), ctrlC, enter, enter]).layer)
    expect(result2.code).toBe(1)
    expect(result2.stderr).toContain("nothing was written")
    expect(fs.existsSync(quit.stateDir)).toBe(false)
  })

  it("without a terminal, setup --wizard refuses with what to run instead and writes nothing", async () => {
    const { run, stateDir } = inProcessHome()
    const result = await run(["setup", "--wizard"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Onboarding needs an interactive TTY. Use `openclaw onboard --non-interactive --accept-risk ...` for automation, or `openclaw setup --baseline`.")
    expect(fs.existsSync(stateDir)).toBe(false)
  })
})
