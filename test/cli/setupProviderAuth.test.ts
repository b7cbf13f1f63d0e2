import { afterEach, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { PROVIDER_KEY_FLAGS } from "../../src/domain/setup/providerKeyFlags.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { startAnthropicFake } from "../support/fakeAnthropicServer.js"
import type { FakeServer } from "../support/fakeHttp.js"
import { startOpenAiFake } from "../support/fakeOpenAiServer.js"

const fakes: Array<FakeServer> = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

const ONBOARD = ["onboard", "--non-interactive", "--accept-risk", "--mode", "local"]
const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, "utf8"))
const storeOf = (stateDir: string) => path.join(stateDir, "agents", "main", "agent", "auth-profiles.json")

// The original's per-provider key flags store the key in the agent's auth-profile store, which the model runtime reads.
describe("openclaw onboard|setup --<provider>-api-key: the auth-profile store (in process, real files, model APIs faked on loopback)", () => {
  it("--anthropic-api-key: stored 0600 in the original's profile shape, named in config, default model set; a run uses it and status shows it redacted", async () => {
    const KEY = "sk-ant-api03-onboarded-0123456789abcdef"
    const claude = await startAnthropicFake({ apiKey: KEY, reply: "pong from stored key" })
    fakes.push(claude)
    const { run, configPath, stateDir } = inProcessHome()
    const result = await run([...ONBOARD, "--anthropic-api-key", KEY, "--json"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).not.toContain(KEY)
    const summary = JSON.parse(result.stdout)
    expect(summary.auth).toEqual({ provider: "anthropic", profileId: "anthropic:default", store: storeOf(stateDir), model: "anthropic/claude-opus-5" })
    expect(readJson(storeOf(stateDir))).toEqual({ version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: KEY } } })
    expect(fs.statSync(storeOf(stateDir)).mode & 0o777).toBe(0o600)
    const config = readJson(configPath)
    expect(config.auth).toEqual({ profiles: { "anthropic:default": { provider: "anthropic", mode: "api_key" } } })
    expect(config.agents.defaults.model).toEqual({ primary: "anthropic/claude-opus-5" })
    expect(JSON.stringify(config)).not.toContain(KEY)

    // Only the endpoint is configured (pointing at the fake): the key comes from the store.
    expect((await run(["config", "set", "models.providers.anthropic.baseUrl", claude.baseUrl])).code).toBe(0)
    const infer = await run(["infer", "model", "run", "--prompt", "ping", "--json"])
    expect(infer.code, infer.stderr).toBe(0)
    expect(JSON.parse(infer.stdout)).toMatchObject({ ok: true, provider: "anthropic", model: "claude-opus-5", outputs: [{ text: "pong from stored key" }] })
    expect(claude.requests.at(-1)?.headers["x-api-key"]).toBe(KEY)

    const status = await run(["models", "status", "--json"])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).not.toContain(KEY)
    expect(JSON.parse(status.stdout).auth.providers).toContainEqual(expect.objectContaining({ provider: "anthropic", kind: "api-key", source: "profile:anthropic:default", usable: true }))
    const human = await run(["models", "status"])
    expect(human.stdout).toContain("api-key via profile:anthropic:default")
    expect(human.stdout).not.toContain(KEY)

    // The stored profile wins over a config key, as the original's store shadows openclaw.json.
    expect((await run(["config", "set", "models.providers.anthropic.apiKey", "sk-ant-config-key-000"])).code).toBe(0)
    expect((await run(["infer", "model", "run", "--prompt", "again", "--json"])).code).toBe(0)
    expect(claude.requests.at(-1)?.headers["x-api-key"]).toBe(KEY)
  }, 60_000) // nine CLI runs, two of them model calls

  it("--secret-input-mode ref stores an env SecretRef, resolved at run time; without the env var it is refused with the original's words", async () => {
    const ENV_KEY = "sk-openai-from-env-0123456789"
    const openai = await startOpenAiFake({ models: ["gpt-6-astra"], apiKey: ENV_KEY, reply: "pong via ref" })
    fakes.push(openai)
    const { run, configPath, stateDir } = inProcessHome()
    const refused = await run([...ONBOARD, "--openai-api-key", ENV_KEY, "--secret-input-mode", "ref"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("--openai-api-key cannot be used with --secret-input-mode ref unless OPENAI_API_KEY is set in env.\nSet OPENAI_API_KEY in env and omit --openai-api-key, or use --secret-input-mode plaintext.")
    expect(fs.existsSync(configPath)).toBe(false)
    expect(fs.existsSync(storeOf(stateDir))).toBe(false)

    const env = { OPENAI_API_KEY: ENV_KEY }
    const ok = await run([...ONBOARD, "--auth-choice", "openai-api-key", "--secret-input-mode", "ref"], env)
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain("Auth profile: openai:api-key (openai, reference to env:OPENAI_API_KEY)")
    const stored = fs.readFileSync(storeOf(stateDir), "utf8")
    expect(stored).not.toContain(ENV_KEY)
    expect(JSON.parse(stored).profiles).toEqual({ "openai:api-key": { type: "api_key", provider: "openai", keyRef: { source: "env", provider: "default", id: "OPENAI_API_KEY" } } })

    // The env var gone: the profile is named as unresolved, never a value.
    const missing = await run(["models", "status", "--json"])
    const row = JSON.parse(missing.stdout).auth.providers.find((p: any) => p.provider === "openai")
    expect(row).toMatchObject({ usable: false, effective: "missing (unresolved profile openai:api-key: unresolved env:OPENAI_API_KEY)" })

    expect((await run(["config", "set", "models.providers.openai.baseUrl", openai.v1])).code).toBe(0)
    const infer = await run(["infer", "model", "run", "--prompt", "ping", "--json"], env)
    expect(infer.code, infer.stderr).toBe(0)
    expect(openai.requests.at(-1)?.headers["authorization"]).toBe(`Bearer ${ENV_KEY}`)
    const status = await run(["models", "status", "--json"], env)
    expect(JSON.parse(status.stdout).auth.providers).toContainEqual(expect.objectContaining({ provider: "openai", source: "profile:openai:api-key (env:OPENAI_API_KEY)", usable: true }))
  }, 60_000)

  it("every provider flag of the table stores its provider's profile (one flag per run, as the original requires)", async () => {
    const { run, stateDir } = inProcessHome()
    for (const row of PROVIDER_KEY_FLAGS) {
      const extra = row.provider === "cloudflare-ai-gateway" ? ["--cloudflare-ai-gateway-account-id", "acc-1", "--cloudflare-ai-gateway-gateway-id", "gw-1"] : []
      const result = await run([...ONBOARD, `--${row.flag}`, `secret-${row.flag}`, ...extra])
      expect(result.code, `${row.flag}: ${result.stderr}`).toBe(0)
    }
    const profiles = readJson(storeOf(stateDir)).profiles
    expect(profiles["groq:default"]).toEqual({ type: "api_key", provider: "groq", key: "secret-groq-api-key" })
    expect(profiles["google:default"]).toEqual({ type: "api_key", provider: "google", key: "secret-gemini-api-key" })
    expect(profiles["github-copilot:default"]).toEqual({ type: "token", provider: "github-copilot", token: "secret-github-copilot-token" })
    expect(profiles["cloudflare-ai-gateway:default"]).toEqual({ type: "api_key", provider: "cloudflare-ai-gateway", key: "secret-cloudflare-ai-gateway-api-key", metadata: { accountId: "acc-1", gatewayId: "gw-1" } })
    // Flags sharing a provider (the Qwen Cloud plans) leave that provider's one profile with the last key.
    expect(profiles["qwen:default"].key).toBe("secret-modelstudio-standard-api-key-cn")
    const status = JSON.parse((await run(["models", "status", "--json"])).stdout)
    // A stored key for a provider this version has no endpoint for says what is missing.
    expect(status.auth.providers).toContainEqual(expect.objectContaining({
      provider: "groq",
      source: "profile:groq:default",
      effective: "api-key via profile:groq:default (no endpoint: set models.providers.groq.baseUrl)"
    }))
    expect(JSON.stringify(status)).not.toContain("secret-")
  }, 120_000) // 60 onboarding runs

  it("refuses what cannot be stored, naming the flags, and writes nothing", async () => {
    const { run, configPath, stateDir } = inProcessHome()
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--anthropic-api-key", "a", "--openai-api-key", "b"], "Multiple API key flags were provided for non-interactive setup.\nUse a single provider flag or pass --auth-choice explicitly.\nFlags: --anthropic-api-key, --openai-api-key"],
      [["--auth-choice", "groq-api-key"], "Missing --groq-api-key (or GROQ_API_KEY in env)."],
      [["--auth-choice", "openai-device-code"], "--auth-choice openai-device-code: not available in this version"],
      [["--cloudflare-ai-gateway-api-key", "k"], "Cloudflare AI Gateway needs --cloudflare-ai-gateway-account-id and --cloudflare-ai-gateway-gateway-id."],
      [["--auth-choice", "token", "--token-provider", "anthropic"], "Auth choice \"token\" requires --token-provider and --token."],
      [["--auth-choice", "token", "--token-provider", "anthropic", "--token", "t", "--token-expires-in", "soon"], "Invalid --token-expires-in \"soon\". Use a duration like 365d or 12h."]
    ]
    for (const [flags, message] of cases) {
      const result = await run([...ONBOARD, ...flags])
      expect(result.code, flags.join(" ")).toBe(1)
      expect(result.stderr).toContain(message)
    }
    expect(fs.existsSync(configPath)).toBe(false)
    expect(fs.existsSync(storeOf(stateDir))).toBe(false)
    // --auth-choice picks one of several flags.
    const chosen = await run([...ONBOARD, "--auth-choice", "groq-api-key", "--anthropic-api-key", "a", "--groq-api-key", "g"])
    expect(chosen.code, chosen.stderr).toBe(0)
    expect(Object.keys(readJson(storeOf(stateDir)).profiles)).toEqual(["groq:default"])
  })

  it("--auth-choice token --token-provider --token --token-profile-id --token-expires-in stores a token profile with its expiry", async () => {
    const { run, configPath, stateDir } = inProcessHome()
    const before = Date.now()
    const result = await run([...ONBOARD, "--auth-choice", "token", "--token-provider", "anthropic", "--token", "sk-ant-oat01-token-xyz", "--token-profile-id", "anthropic:work", "--token-expires-in", "12h", "--json"])
    expect(result.code, result.stderr).toBe(0)
    const profile = readJson(storeOf(stateDir)).profiles["anthropic:work"]
    expect(profile).toMatchObject({ type: "token", provider: "anthropic", token: "sk-ant-oat01-token-xyz" })
    expect(profile.expires).toBeGreaterThanOrEqual(before + 12 * 3_600_000)
    expect(profile.expires).toBeLessThan(Date.now() + 12 * 3_600_000 + 1000)
    expect(readJson(configPath).auth.profiles["anthropic:work"]).toEqual({ provider: "anthropic", mode: "token" })
    const status = JSON.parse((await run(["models", "status", "--json"])).stdout)
    expect(status.auth.providers).toContainEqual(expect.objectContaining({ provider: "anthropic", kind: "token", source: "profile:anthropic:work", usable: true }))
    // The default profile id is <provider>:manual.
    expect((await run([...ONBOARD, "--auth-choice", "token", "--token-provider", "openrouter", "--token", "tok"])).code).toBe(0)
    expect(readJson(storeOf(stateDir)).profiles["openrouter:manual"]).toEqual({ type: "token", provider: "openrouter", token: "tok" })
  })

  it("a store that does not decode is named and left as it is; model status still works from config and env", async () => {
    const { run, stateDir } = inProcessHome()
    fs.mkdirSync(path.dirname(storeOf(stateDir)), { recursive: true })
    fs.writeFileSync(storeOf(stateDir), "{\"version\": 7}")
    const result = await run([...ONBOARD, "--groq-api-key", "g"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`error[AUTH_STORE_INVALID]: auth-profile store ${storeOf(stateDir)} is not valid`)
    expect(fs.readFileSync(storeOf(stateDir), "utf8")).toBe("{\"version\": 7}")
    const status = await run(["models", "status", "--json"], { ANTHROPIC_API_KEY: "sk-ant-env-1" })
    expect(status.code).toBe(0)
    expect(status.stderr).toContain("is not valid")
  })
})

describe("openclaw onboard: remote mode, workspace, reset and the flags of parts this version lacks", () => {
  it("--mode remote --remote-url --remote-token writes the remote gateway settings, as the original does", async () => {
    const { run, configPath } = inProcessHome()
    const missing = await run(["onboard", "--non-interactive", "--accept-risk", "--mode", "remote"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("Missing --remote-url (required for --mode remote).")
    const stray = await run([...ONBOARD, "--remote-url", "wss://gw.example.com:18789"])
    expect(stray.code).toBe(1)
    expect(stray.stderr).toContain("--remote-url go with --mode remote")
    const keyed = await run(["onboard", "--non-interactive", "--mode", "remote", "--remote-url", "wss://gw.example.com", "--anthropic-api-key", "k"])
    expect(keyed.stderr).toContain("Provider credential flags go with local onboarding")
    const bad = await run(["onboard", "--non-interactive", "--mode", "remote", "--remote-url", "https://gw.example.com"])
    expect(bad.stderr).toContain("Invalid --remote-url \"https://gw.example.com\". Use ws:// or wss://.")
    expect(fs.existsSync(configPath)).toBe(false)
    const ok = await run(["onboard", "--non-interactive", "--accept-risk", "--mode", "remote", "--remote-url", "wss://gw.example.com:18789", "--remote-token", "rtok123", "--json"])
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({ mode: "remote", remoteUrl: "wss://gw.example.com:18789", auth: "token" })
    expect(readJson(configPath).gateway).toEqual({ mode: "remote", remote: { url: "wss://gw.example.com:18789", token: "rtok123" } })
    const password = await run(["setup", "--non-interactive", "--mode", "remote", "--remote-url", "ws://10.0.0.2:18789", "--remote-password", "pw"])
    expect(password.code, password.stderr).toBe(0)
    expect(readJson(configPath).gateway.remote).toEqual({ url: "ws://10.0.0.2:18789", token: "rtok123", password: "pw" })
  })

  it("--workspace is created and persisted; --reset removes config, credentials and sessions (workspace only with full) first", async () => {
    const { run, configPath, stateDir, home } = inProcessHome()
    const first = await run([...ONBOARD, "--workspace", "~/projects/agent-ws", "--anthropic-api-key", "sk-ant-1"])
    expect(first.code, first.stderr).toBe(0)
    const workspace = path.join(home, "projects", "agent-ws")
    expect(readJson(configPath).agents.defaults.workspace).toBe(workspace)
    expect(fs.statSync(workspace).isDirectory()).toBe(true)
    const sessions = path.join(stateDir, "agents", "main", "sessions")
    fs.writeFileSync(path.join(sessions, "sessions.json"), "{}")
    fs.writeFileSync(path.join(workspace, "notes.md"), "keep?")

    const scopeOnly = await run([...ONBOARD, "--reset-scope", "full"])
    expect(scopeOnly.code).toBe(1)
    expect(scopeOnly.stderr).toContain("--reset-scope full goes with --reset (nothing was reset)")

    // A bad flag beside --reset is refused before anything is removed.
    const refused = await run([...ONBOARD, "--reset", "--auth-choice", "groq-api-key"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("Missing --groq-api-key")
    expect(readJson(configPath).auth.profiles["anthropic:default"]).toBeDefined()
    expect(fs.existsSync(path.join(sessions, "sessions.json"))).toBe(true)

    const configOnly = await run([...ONBOARD, "--reset", "--reset-scope", "config"])
    expect(configOnly.code, configOnly.stderr).toBe(0)
    expect(readJson(configPath).auth).toBeUndefined()
    expect(readJson(`${configPath}.bak`).auth.profiles["anthropic:default"]).toBeDefined()
    expect(fs.existsSync(storeOf(stateDir))).toBe(true)
    expect(fs.existsSync(path.join(sessions, "sessions.json"))).toBe(true)

    const reset = await run([...ONBOARD, "--reset", "--json"])
    expect(reset.code, reset.stderr).toBe(0)
    expect(JSON.parse(reset.stdout).reset).toEqual({ scope: "config+creds+sessions", removed: [configPath, storeOf(stateDir), sessions] })
    expect(fs.existsSync(storeOf(stateDir))).toBe(false)
    expect(fs.readdirSync(sessions)).toEqual([])
    expect(readJson(configPath).gateway.mode).toBe("local")

    // The configured workspace (from the previous run's config, now reset) is the default one again; full removes it.
    const defaultWorkspace = path.join(stateDir, "workspace")
    fs.writeFileSync(path.join(defaultWorkspace, "a.md"), "x")
    const full = await run([...ONBOARD, "--reset", "--reset-scope", "full"])
    expect(full.code, full.stderr).toBe(0)
    expect(full.stdout).toContain(`Reset: removed ~/.openclaw/workspace`)
    expect(fs.readdirSync(defaultWorkspace)).toEqual([])
  })

  it("flags of the full wizard, teams, imports and named agents are refused naming the flag and the way that works; compatible ones pass", async () => {
    const { run, configPath } = inProcessHome()
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["onboard", "--classic"], "--classic: the original's full setup wizard is not in this version. Use the short one at a terminal (openclaw setup --wizard) or the non-interactive path: openclaw onboard --non-interactive"],
      [["onboard", "--tui"], "--tui: the original's full setup wizard is not in this version."],
      [["onboard", "--team"], "--team: multi-agent teams"],
      [["onboard", "--import-from", "hermes", "--import-source", "/tmp/x", "--import-secrets"], "--import-from: onboarding migrations (--import-from/--import-source/--import-secrets) are not in this version."],
      [["onboard", "--flow", "import"], "--flow import: onboarding migrations"],
      [["setup", "-m", "status"], "--message: setup does not run agent requests in this version. Run it with: openclaw agent --local --message"],
      [["onboard", "--agent-name", "Nova"], "--agent-name Nova: named agents are not in this version"],
      [["onboard", "--tailscale", "funnel"], "--tailscale funnel: Tailscale exposure is not in this version."]
    ]
    for (const [args, message] of cases) {
      const result = await run([...args, "--non-interactive", "--accept-risk"])
      expect(result.code, args.join(" ")).toBe(1)
      expect(result.stderr).toContain(message)
    }
    expect(fs.existsSync(configPath)).toBe(false)
    const ok = await run([...ONBOARD, "--flow", "quickstart", "--modern", "--agent-name", "main", "--tailscale", "off", "--node-manager", "pnpm", "--suppress-gateway-token-output"])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain("Node manager pnpm: skills are not in this version")
    expect(ok.stdout).not.toContain("Generated a gateway token")
    const setupYes = await run(["setup", "--baseline", "--yes"])
    expect(setupYes.code, setupYes.stderr).toBe(0)
  })
})
