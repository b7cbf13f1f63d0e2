import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { inProcessHome } from "../support/cliInProcess.js"
import { stripAnsi } from "../support/runCli.js"

// The config commands in process over real files in a temp home (the built CLI is exercised in test/e2e/configCli.test.ts).
describe("openclaw config (in process, real files)", () => {
  it("--help works on every command", async () => {
    const { run } = inProcessHome()
    for (const args of [["config"], ["config", "get"], ["config", "set"], ["config", "unset"], ["config", "patch"], ["config", "file"], ["config", "validate"], ["config", "schema"]]) {
      const result = await run([...args, "--help"])
      expect(result.code, args.join(" ")).toBe(0)
      expect(stripAnsi(result.stdout)).toContain("USAGE")
    }
  })
  it("set, get (redacted), No change with a byte-identical file, one restart hint", async () => {
    const { run, configPath } = inProcessHome()
    expect((await run(["config", "set", "gateway.mode", "local"])).stdout).toBe("Updated gateway.mode. Restart the gateway to apply.\n")
    expect((await run(["config", "set", "gateway.port", "19001", "--strict-json"])).code).toBe(0)
    expect((await run(["config", "set", "gateway.auth.token", "hunter2-secret"])).code).toBe(0)
    const before = fs.readFileSync(configPath)
    const again = await run(["config", "set", "gateway.port", "19001"])
    expect(again.stdout).toBe("No change\n")
    expect(fs.readFileSync(configPath).equals(before)).toBe(true)
    expect((await run(["config", "get", "gateway.port"])).stdout).toBe("19001\n")
    expect((await run(["config", "get", "gateway.auth.token"])).stdout).toBe("***\n")
    const whole = await run(["config", "get", "gateway", "--json"])
    expect(whole.stdout).not.toContain("hunter2")
    expect(JSON.parse(whole.stdout)).toMatchObject({ mode: "local", port: 19001, auth: { token: "***" } })
    expect((await run(["config", "set", "logging.level", "debug"])).stdout).toBe("Updated logging.level. No gateway restart needed.\n")
    expect((await run(["config", "set", "agents.defaults.heartbeat.every", "2h"])).stdout).toBe(
      "Updated agents.defaults.heartbeat.every. Change will apply without restarting the gateway.\n"
    )
    expect((fs.statSync(configPath).mode & 0o777).toString(8)).toBe("600")
    expect((fs.statSync(path.dirname(configPath)).mode & 0o777).toString(8)).toBe("700")
  })

  it("the provider builder writes secrets.providers.<alias> from --provider-* flags, and names the flag that does not fit", async () => {
    const { run, configPath } = inProcessHome()
    const exec = await run([
      "config", "set", "secrets.providers.vault", "--provider-source", "exec", "--provider-command", "/usr/local/bin/openclaw-vault",
      "--provider-arg", "read", "--provider-arg", "openai/api-key", "--provider-json-only", "--provider-pass-env", "VAULT_TOKEN",
      "--provider-trusted-dir", "/usr/local/bin", "--provider-timeout-ms", "5000", "--provider-env", "MODE=prod"
    ])
    expect(exec.code, exec.stderr).toBe(0)
    expect((await run(["config", "set", "secrets.providers.vaultfile", "--provider-source", "file", "--provider-path", "/etc/openclaw/secrets.json", "--provider-mode", "json", "--provider-max-bytes", "4096"])).code).toBe(0)
    expect((await run(["config", "set", "secrets.providers.default", "--provider-source", "env", "--provider-allowlist", "OPENAI_API_KEY"])).code).toBe(0)
    expect(JSON.parse(fs.readFileSync(configPath, "utf8")).secrets.providers).toEqual({
      vault: {
        source: "exec", command: "/usr/local/bin/openclaw-vault", args: ["read", "openai/api-key"], timeoutMs: 5000, jsonOnly: true,
        env: { MODE: "prod" }, passEnv: ["VAULT_TOKEN"], trustedDirs: ["/usr/local/bin"]
      },
      vaultfile: { source: "file", path: "/etc/openclaw/secrets.json", mode: "json", maxBytes: 4096 },
      default: { source: "env", allowlist: ["OPENAI_API_KEY"] }
    })
    const before = fs.readFileSync(configPath, "utf8")
    for (const [args, says] of [
      [["secrets.providers.x", "--provider-source", "env", "--provider-path", "/p"], "--provider-path applies to --provider-source file, not env."],
      [["channels.discord.token", "--provider-source", "env"], "target secrets.providers.<alias> only"],
      [["secrets.providers.x", "--provider-source", "exec", "--provider-command", "vault"], "--provider-command must be an absolute path"],
      [["secrets.providers.x", "--provider-source", "file"], "A file provider needs --provider-path <path>."],
      [["secrets.providers.x", "--provider-path", "/p"], "needs --provider-source"]
    ] as const) {
      const refused = await run(["config", "set", ...args])
      expect(refused.code, args.join(" ")).toBe(1)
      expect(refused.stderr).toContain(says)
    }
    expect(fs.readFileSync(configPath, "utf8")).toBe(before)
  })

  it("missing paths exit 1; --json puts the error object on stdout", async () => {
    const { run } = inProcessHome()
    await run(["config", "set", "gateway.mode", "local"])
    const plain = await run(["config", "get", "gateway.remote.url"])
    expect(plain.code).toBe(1)
    expect(plain.stdout).toBe("")
    expect(plain.stderr).toContain("Config path not found: gateway.remote.url")
    const json = await run(["config", "get", "gateway.remote.url", "--json"])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual({ error: "Config path not found: gateway.remote.url" })
    const unset = await run(["config", "unset", "gateway.remote.url"])
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain("Config path not found: gateway.remote.url")
  })

  it("path syntax errors name the problem", async () => {
    const { run } = inProcessHome()
    const cases: Array<[string, string]> = [
      ["a..b", "Invalid path (empty segment): a..b"],
      ["a[0", "Invalid path (missing \"]\"): a[0"],
      ["a[]", "Invalid path (empty \"[]\"): a[]"],
      ["__proto__.polluted", "Invalid path segment: __proto__"]
    ]
    for (const [input, message] of cases) {
      const result = await run(["config", "set", input, "1"])
      expect(result.code, input).toBe(1)
      expect(result.stderr).toContain(message)
    }
  })

  it("bracket paths with quoted keys reach the right entry", async () => {
    const { run, configPath } = inProcessHome()
    await run(["config", "set", "gateway.mode", "local"])
    expect((await run(["config", "set", "channels.telegram.groups[\"*\"].requireMention", "false"])).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { channels: { telegram: { groups: Record<string, unknown> } } }
    expect(config.channels.telegram.groups["*"]).toEqual({ requireMention: false })
  })

  it("an unknown key inside a known section is an error naming its path; validate lists it", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{ gateway: { mode: 'local', bogus: 1, bind: 'everywhere' } }\n")
    const result = await run(["config", "validate"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`OpenClaw config is invalid: ${configPath}`)
    expect(result.stderr).toContain("gateway: Unrecognized key: \"bogus\"")
    expect(result.stderr).toContain("gateway.bind: Invalid input (allowed: \"auto\", \"lan\", \"loopback\", \"custom\", \"tailnet\"), got: \"everywhere\"")
    const json = JSON.parse((await run(["config", "validate", "--json"])).stdout) as { valid: boolean; issues: Array<{ path: string }> }
    expect(json.valid).toBe(false)
    expect(json.issues.map((i) => i.path)).toContain("gateway")
    const set = await run(["config", "set", "gateway.port", "1234"])
    expect(set.code).toBe(1)
    expect(set.stderr).toContain(`Config is invalid; run \`openclaw doctor --fix\` before applying source mutations to ${configPath}.`)
  })

  it("JSON5 parse errors carry line and column", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{gateway:{mode:\"local\",\n  port: 12,, }}")
    const result = await run(["config", "validate"])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/JSON5 parse failed at 2:12/)
  })

  it("an unsupported top-level section survives `config set` of another key", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    const tools = { exec: { host: "gateway", security: "allowlist" }, web: { search: { enabled: true } } }
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { mode: "local" }, tools, skills: { load: { extraDirs: ["/x"] } } }))
    const validate = await run(["config", "validate"])
    expect(validate.code).toBe(0)
    // tools.exec is read (exec tool); the rest of `tools` is kept and reported.
    expect(validate.stdout).toContain("tools.web: not supported by this version, ignored")
    expect(validate.stdout).toContain("skills: not supported by this version, ignored")
    expect(validate.stdout).not.toContain("tools.exec")
    expect((await run(["config", "set", "gateway.port", "19005"])).code).toBe(0)
    const after = JSON.parse(fs.readFileSync(configPath, "utf8")) as Record<string, unknown>
    expect(after["tools"]).toEqual(tools)
    expect(after["skills"]).toEqual({ load: { extraDirs: ["/x"] } })
  })

  it("warns before a write drops JSON5 comments", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "// my notes\n{ gateway: { mode: 'local' } }\n")
    const result = await run(["config", "set", "gateway.port", "19010"])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`Config write will strip JSON5 comments from ${configPath}.`)
    expect(fs.readFileSync(configPath, "utf8")).not.toContain("my notes")
  })

  it("a write that drops gateway.mode is rejected and saved beside the config", async () => {
    const { run, configPath } = inProcessHome()
    await run(["config", "set", "gateway.mode", "local"])
    const before = fs.readFileSync(configPath, "utf8")
    const result = await run(["config", "unset", "gateway.mode"])
    expect(result.code).toBe(1)
    const match = /Config write rejected: (\S+) \(gateway-mode-removed\)\. Rejected payload saved to (\S+)\.\n/.exec(result.stderr)
    expect(match?.[1]).toBe(configPath)
    expect(fs.existsSync(match?.[2] ?? "")).toBe(true)
    expect(path.basename(match?.[2] ?? "")).toMatch(/^openclaw\.json\.rejected\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/)
    expect(fs.readFileSync(configPath, "utf8")).toBe(before)
  })

  it("protected maps need --merge or --replace", async () => {
    const { run, configPath } = inProcessHome()
    await run(["config", "set", "gateway.mode", "local"])
    await run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.4\":{}}", "--strict-json"])
    const refused = await run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.5\":{}}", "--strict-json"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("Refusing to replace agents.defaults.models; it would remove existing entries: openai/gpt-5.4.")
    expect((await run(["config", "set", "agents.defaults.models", "{\"openai/gpt-5.5\":{}}", "--strict-json", "--merge"])).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { agents: { defaults: { models: object } } }
    expect(Object.keys(config.agents.defaults.models).sort()).toEqual(["openai/gpt-5.4", "openai/gpt-5.5"])
  })

  it("--strict-json refuses JSON5 and says how to fix it; dry run writes nothing", async () => {
    const { run, configPath } = inProcessHome()
    await run(["config", "set", "gateway.mode", "local"])
    const bad = await run(["config", "set", "gateway.port", "{bad", "--strict-json"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("Could not parse \"{bad\" as JSON for --strict-json.")
    const before = fs.readFileSync(configPath, "utf8")
    const dry = await run(["config", "set", "gateway.port", "19000", "--dry-run", "--json"])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, operations: 1, configPath, inputModes: ["json"] })
    expect(fs.readFileSync(configPath, "utf8")).toBe(before)
  })

  it("config schema prints a JSON Schema even when the config is invalid", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, "{ nope")
    const result = await run(["config", "schema"])
    expect(result.code).toBe(0)
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["gateway", "models", "agents", "channels"]))
  })

  it("a write by an older binary keeps a newer meta.lastTouchedVersion (and says so), so the newer-config guard stays on", async () => {
    const { run, configPath } = inProcessHome()
    fs.mkdirSync(path.dirname(configPath), { recursive: true })
    fs.writeFileSync(configPath, JSON.stringify({ meta: { lastTouchedVersion: "2099.1.1" }, gateway: { mode: "local" } }))
    const result = await run(["config", "set", "gateway.port", "19123"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain("Config was last written by OpenClaw 2099.1.1; this")
    const written = JSON.parse(fs.readFileSync(configPath, "utf8")) as { meta: { lastTouchedVersion: string }; gateway: { port: number } }
    expect(written.meta.lastTouchedVersion).toBe("2099.1.1")
    expect(written.gateway.port).toBe(19123)
  })

  it("config --section gateway --section daemon: the sections' values (secrets as ***) and the commands that change them; bare config shows every section", async () => {
    const { run, configPath } = inProcessHome()
    expect((await run(["config", "set", "gateway.mode", "local"])).code).toBe(0)
    expect((await run(["config", "set", "gateway.auth.token", "hunter2-secret"])).code).toBe(0)
    const shown = await run(["config", "--section", "gateway", "--section", "daemon"])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).not.toContain("hunter2")
    expect(shown.stdout).toContain(`Config: ${configPath}\n`)
    expect(shown.stdout).toContain("Gateway (--section gateway)\n  gateway.mode: local\n  gateway.port: (not set)\n")
    expect(shown.stdout).toContain("  gateway.auth.token: ***\n")
    expect(shown.stdout).toContain("Gateway service (--section daemon)\n  Run: openclaw gateway status\n")
    expect(shown.stdout).not.toContain("--section model")

    const all = await run(["config"])
    expect(all.code).toBe(0)
    for (const section of ["workspace", "model", "web", "gateway", "daemon", "channels", "plugins", "skills", "health"]) expect(all.stdout).toContain(`(--section ${section})`)
    expect(all.stdout).toContain("Subcommands: file, get, set, unset, patch, validate, schema")

    const bad = await run(["config", "--section", "wizardry"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('error[CONFIG_INVALID_OPTION]: Unknown --section "wizardry"; use workspace, model, web, gateway, daemon, channels, plugins, skills, health.')
  })
})
