import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { stripAnsi, tempHome } from "../support/runCli.js"
import { Command } from "@effect/cli"
import { HashMap } from "effect"
import { rootCommand } from "../../src/cli/app.js"

describe("openclaw config (built CLI, real files)", () => {
  it("--version prints the calendar version and matches package.json", () => {
    const { run } = tempHome()
    const result = run(["--version"])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`OpenClaw ${VERSION} (clawgate)\n`)
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }
    expect(pkg.version).toBe(VERSION)
  })

  it("--help works on every command", () => {
    const { run } = tempHome()
    for (const args of [["config"], ["config", "get"], ["config", "set"], ["config", "unset"], ["config", "patch"], ["config", "file"], ["config", "validate"], ["config", "schema"]]) {
      const result = run([...args, "--help"])
      expect(result.code, args.join(" ")).toBe(0)
      expect(stripAnsi(result.stdout)).toContain("USAGE")
    }
  })

  it("the root help (also `openclaw` alone) lists every top-level command with its summary and the root options", () => {
    const { run } = tempHome()
    const help = run(["--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^OpenClaw \S+ \(clawgate\): the OpenClaw gateway and its operator CLI\n/)
    for (const name of [...HashMap.keys(Command.getSubcommands(rootCommand))]) {
      expect(help.stdout, name).toMatch(new RegExp(`^  ${name} +\\S`, "m"))
    }
    expect(help.stdout).toContain("--profile <name>")
    expect(help.stdout).toContain("--dev")
    expect(run([]).stdout).toBe(help.stdout)
    expect(run(["--dev", "-h"]).stdout).toBe(help.stdout)
    expect(help.stdout.split("\n").filter((line) => line.length > 100)).toEqual([])
  })

  it("set, get (redacted), No change with a byte-identical file, one restart hint", () => {
    const { run, configPath } = tempHome()
    expect(run(["config", "set", "gateway.mode", "local"]).stdout).toBe("Updated gateway.mode. Restart the gateway to apply.\n")
    expect(run(["config", "set", "gateway.port", "19001", "--strict-json"]).code).toBe(0)
    expect(run(["config", "set", "gateway.auth.token", "hunter2-secret"]).code).toBe(0)
    const before = fs.readFileSync(configPath)
    const again = run(["config", "set", "gateway.port", "19001"])
    expect(again.stdout).toBe("No change\n")
    expect(fs.readFileSync(configPath).equals(before)).toBe(true)
    expect(run(["config", "get", "gateway.port"]).stdout).toBe("19001\n")
    expect(run(["config", "get", "gateway.auth.token"]).stdout).toBe("***\n")
    const whole = run(["config", "get", "gateway", "--json"])
    expect(whole.stdout).not.toContain("hunter2")
    expect(JSON.parse(whole.stdout)).toMatchObject({ mode: "local", port: 19001, auth: { token: "***" } })
    expect(run(["config", "set", "logging.level", "debug"]).stdout).toBe("Updated logging.level. No gateway restart needed.\n")
    expect(run(["config", "set", "agents.defaults.heartbeat.every", "2h"]).stdout).toBe(
      "Updated agents.defaults.heartbeat.every. Change will apply without restarting the gateway.\n"
    )
    expect((fs.statSync(configPath).mode & 0o777).toString(8)).toBe("600")
    expect((fs.statSync(path.dirname(configPath)).mode & 0o777).toString(8)).toBe("700")
  })

  it("missing paths exit 1; --json puts the error object on stdout", () => {
    const { run } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    const plain = run(["config", "get", "gateway.remote.url"])
    expect(plain.code).toBe(1)
    expect(plain.stdout).toBe("")
    expect(plain.stderr).toContain("Config path not found: gateway.remote.url")
    const json = run(["config", "get", "gateway.remote.url", "--json"])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual({ error: "Config path not found: gateway.remote.url" })
    const unset = run(["config", "unset", "gateway.remote.url"])
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain("Config path not found: gateway.remote.url")
  })

  it("path syntax errors name the problem", () => {
    const { run } = tempHome()
    const cases: Array<[string, string]> = [
      ["a..b", "Invalid path (empty segment): a..b"],
      ["a[0", "Invalid path (missing \"]\"): a[0"],
      ["a[]", "Invalid path (empty \"[]\"): a[]"],
      ["__proto__.polluted", "Invalid path segment: __proto__"]
    ]
    for (const [input, message] of cases) {
      const result = run(["config", "set", input, "1"])
      expect(result.code, input).toBe(1)
      expect(result.stderr).toContain(message)
    }
  })

  it("bracket paths with quoted keys reach the right entry", () => {
    const { run, configPath } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    expect(run(["config", "set", "channels.telegram.groups[\"*\"].requireMention", "false"]).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { channels: { telegram: { groups: Record<string, unknown> } } }
    expect(config.channels.telegram.groups["*"]).toEqual({ requireMention: false })
  })

  it("an unknown key inside a known section is an error naming its path; validate lists it", () => {
    const { run, configPath } = tempHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{ gateway: { mode: 'local', bogus: 1, bind: 'everywhere' } }\n")
    const result = run(["config", "validate"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`OpenClaw config is invalid: ${configPath}`)
    expect(result.stderr).toContain("gateway: Unrecognized key: \"bogus\"")
    expect(result.stderr).toContain("gateway.bind: Invalid input (allowed: \"auto\", \"lan\", \"loopback\", \"custom\", \"tailnet\"), got: \"everywhere\"")
    const json = JSON.parse(run(["config", "validate", "--json"]).stdout) as { valid: boolean; issues: Array<{ path: string }> }
    expect(json.valid).toBe(false)
    expect(json.issues.map((i) => i.path)).toContain("gateway")
    const set = run(["config", "set", "gateway.port", "1234"])
    expect(set.code).toBe(1)
    expect(set.stderr).toContain(`Config is invalid; run \`openclaw doctor --fix\` before applying source mutations to ${configPath}.`)
  })

  it("JSON5 parse errors carry line and column", () => {
    const { run, configPath } = tempHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{gateway:{mode:\"local\",\n  port: 12,, }}")
    const result = run(["config", "validate"])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/JSON5 parse failed at 2:12/)
  })

  it("an unsupported top-level section survives `config set` of another key", () => {
    const { run, configPath } = tempHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    const tools = { exec: { host: "gateway", security: "allowlist" }, web: { search: { enabled: true } } }
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { mode: "local" }, tools, skills: { load: { extraDirs: ["/x"] } } }))
    const validate = run(["config", "validate"])
    expect(validate.code).toBe(0)
    expect(validate.stdout).toContain("tools: not supported by this version, ignored")
    expect(run(["config", "set", "gateway.port", "19005"]).code).toBe(0)
    const after = JSON.parse(fs.readFileSync(configPath, "utf8")) as Record<string, unknown>
    expect(after["tools"]).toEqual(tools)
    expect(after["skills"]).toEqual({ load: { extraDirs: ["/x"] } })
  })

  it("warns before a write drops JSON5 comments", () => {
    const { run, configPath } = tempHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "// my notes\n{ gateway: { mode: 'local' } }\n")
    const result = run(["config", "set", "gateway.port", "19010"])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`Config write will strip JSON5 comments from ${configPath}.`)
    expect(fs.readFileSync(configPath, "utf8")).not.toContain("my notes")
  })

  it("a write that drops gateway.mode is rejected and saved beside the config", () => {
    const { run, configPath } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    const before = fs.readFileSync(configPath, "utf8")
    const result = run(["config", "unset", "gateway.mode"])
    expect(result.code).toBe(1)
    const match = /Config write rejected: (\S+) \(gateway-mode-removed\)\. Rejected payload saved to (\S+)\.\n/.exec(result.stderr)
    expect(match?.[1]).toBe(configPath)
    expect(fs.existsSync(match?.[2] ?? "")).toBe(true)
    expect(path.basename(match?.[2] ?? "")).toMatch(/^openclaw\.json\.rejected\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/)
    expect(fs.readFileSync(configPath, "utf8")).toBe(before)
  })

  it("protected maps need --merge or --replace", () => {
    const { run, configPath } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.4\":{}}", "--strict-json"])
    const refused = run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.5\":{}}", "--strict-json"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("Refusing to replace agents.defaults.models; it would remove existing entries: openai/gpt-5.4.")
    expect(run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.5\":{}}", "--strict-json", "--merge"]).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { agents: { defaults: { models: object } } }
    expect(Object.keys(config.agents.defaults.models).sort()).toEqual(["openai/gpt-5.4", "openai/gpt-5.5"])
  })

  it("--strict-json refuses JSON5 and says how to fix it; dry run writes nothing", () => {
    const { run, configPath } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    const bad = run(["config", "set", "gateway.port", "{bad", "--strict-json"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("Could not parse \"{bad\" as JSON for --strict-json.")
    const before = fs.readFileSync(configPath, "utf8")
    const dry = run(["config", "set", "gateway.port", "19000", "--dry-run", "--json"])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, operations: 1, configPath, inputModes: ["json"] })
    expect(fs.readFileSync(configPath, "utf8")).toBe(before)
  })

  it("config patch merges, replaces arrays and deletes with null", () => {
    const { run, configPath, home } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    run(["config", "set", "plugins.allow", "[\"a\",\"b\"]", "--strict-json"])
    const patchFile = path.join(home, "p.json5")
    fs.writeFileSync(patchFile, "{ plugins: { allow: ['c'] }, gateway: { port: 19100 }, logging: null }")
    expect(run(["config", "patch", "--file", patchFile]).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { plugins: { allow: Array<string> }; gateway: { port: number } }
    expect(config.plugins.allow).toEqual(["c"])
    expect(config.gateway.port).toBe(19100)
    expect(run(["config", "patch", "--stdin"], {}, "{ gateway: { bind: 'lan' } }").code).toBe(0)
    expect(run(["config", "get", "gateway.bind"]).stdout).toBe("lan\n")
  })

  it("--profile and --dev pick their own state dirs; env overrides the config path", () => {
    const { run, home } = tempHome()
    expect(run(["--profile", "work", "config", "file"]).stdout).toBe(`${path.join(home, ".openclaw-work", "openclaw.json")}\n`)
    expect(run(["--dev", "config", "file"]).stdout).toBe(`${path.join(home, ".openclaw-dev", "openclaw.json")}\n`)
    const custom = path.join(home, "elsewhere.json")
    expect(JSON.parse(run(["config", "file", "--json"], { OPENCLAW_CONFIG_PATH: custom }).stdout)).toEqual({ path: custom })
  })

  it("config schema prints a JSON Schema even when the config is invalid", () => {
    const { run, configPath } = tempHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{ nope")
    const result = run(["config", "schema"])
    expect(result.code).toBe(0)
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["gateway", "models", "agents", "channels"]))
  })
})
