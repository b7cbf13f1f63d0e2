import { afterEach, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { inProcessHome } from "../support/cliInProcess.js"
import type { FakeServer } from "../support/fakeHttp.js"
import { startOpenAiFake } from "../support/fakeOpenAiServer.js"

const KEY = "sk-custom-endpoint-0123456789abcdef"
const MODEL = "qwen3-coder-30b"
const fakes: Array<FakeServer> = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

const readConfig = (file: string): any => JSON.parse(fs.readFileSync(file, "utf8"))

// The original's `--custom-*` onboarding flags: the endpoint becomes models.providers.<id> and the default model.
describe("openclaw onboard|setup --custom-base-url --custom-model-id --custom-api-key (in process, real files)", () => {
  it("adds the provider the original would (id from the URL, key stored in the 0600 config, primary model), and a run then reaches it", async () => {
    const fake = await startOpenAiFake({ models: [MODEL], apiKey: KEY, reply: "pong from custom" })
    fakes.push(fake)
    const { run, configPath } = inProcessHome()
    const result = await run(["onboard", "--mode", "local", "--non-interactive", "--accept-risk", "--custom-base-url", fake.v1, "--custom-model-id", MODEL, "--custom-api-key", KEY, "--json"])
    expect(result.code, result.stderr).toBe(0)
    const id = `custom-127-0-0-1-${fake.port}`
    expect(JSON.parse(result.stdout).customProvider).toEqual({ providerId: id, model: `${id}/${MODEL}` })
    expect(result.stdout).not.toContain(KEY)
    const config = readConfig(configPath)
    expect(config.models).toEqual({
      mode: "merge",
      providers: {
        [id]: {
          baseUrl: fake.v1,
          api: "openai-completions",
          apiKey: KEY,
          models: [{ id: MODEL, name: `${MODEL} (Custom Provider)`, contextWindow: 128_000, maxTokens: 4096, input: ["text"], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, reasoning: false }]
        }
      }
    })
    expect(config.agents.defaults).toEqual({ model: { primary: `${id}/${MODEL}` }, models: { [`${id}/${MODEL}`]: {} } })
    expect(fs.statSync(configPath).mode & 0o777).toBe(0o600)

    const infer = await run(["infer", "model", "run", "--prompt", "ping", "--json"])
    expect(infer.code, infer.stderr).toBe(0)
    expect(JSON.parse(infer.stdout)).toMatchObject({ ok: true, provider: id, model: MODEL })
    expect(fake.requests.at(-1)?.headers["authorization"]).toBe(`Bearer ${KEY}`)
    const status = await run(["models", "status"])
    expect(status.stdout).not.toContain(KEY)
  }, 30_000) // a cold first run plus a model call: seconds on a loaded machine

  it("--custom-provider-id, anthropic compatibility, CUSTOM_API_KEY from the environment; a taken id gets -2", async () => {
    const { run, configPath } = inProcessHome()
    const first = await run(["setup", "--baseline", "--custom-base-url", "https://llm.example.com/v1", "--custom-model-id", "claude-sonnet-4-6", "--custom-provider-id", "Team LLM", "--custom-compatibility", "anthropic"], { CUSTOM_API_KEY: "sk-env-key-0123456789" })
    expect(first.code, first.stderr).toBe(0)
    const provider = readConfig(configPath).models.providers["team-llm"]
    expect(provider).toMatchObject({ baseUrl: "https://llm.example.com/v1", api: "anthropic-messages", apiKey: "sk-env-key-0123456789" })
    // A Claude model is image-capable by the original's inference.
    expect(provider.models[0].input).toEqual(["text", "image"])
    const second = await run(["setup", "--baseline", "--custom-base-url", "https://other.example.com/v1", "--custom-model-id", "m2", "--custom-provider-id", "team-llm", "--custom-text-input"])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain(`Custom provider ID "team-llm" already exists for a different base URL. Using "team-llm-2".`)
    const config = readConfig(configPath)
    expect(Object.keys(config.models.providers)).toEqual(["team-llm", "team-llm-2"])
    expect(config.agents.defaults.model).toEqual({ primary: "team-llm-2/m2" })
  })

  it("refuses what the original refuses, with its words, and writes nothing", async () => {
    const { run, configPath } = inProcessHome()
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--custom-base-url", "https://x.example/v1"], "Auth choice \"custom-api-key\" requires a base URL and model ID.\nUse --custom-base-url and --custom-model-id."],
      [["--custom-base-url", "https://x.example/v1", "--custom-model-id", "m", "--custom-compatibility", "gemini"], "Invalid --custom-compatibility (use \"openai\", \"openai-responses\", or \"anthropic\")."],
      [["--custom-base-url", "not a url", "--custom-model-id", "m"], "Custom provider base URL must be a valid URL."],
      [["--custom-base-url", "https://x.example/v1", "--custom-model-id", "m", "--custom-provider-id", "!!!"], "Custom provider ID must include letters, numbers, or hyphens."],
      [["--custom-base-url", "https://x.example/v1", "--custom-model-id", "m", "--custom-image-input", "--custom-text-input"], "Use either --custom-image-input or --custom-text-input, not both."]
    ]
    for (const [flags, message] of cases) {
      const result = await run(["onboard", "--mode", "local", "--non-interactive", ...flags])
      expect(result.code, flags.join(" ")).toBe(1)
      expect(result.stderr).toContain(message)
      expect(fs.existsSync(configPath)).toBe(false)
    }
  })

  it("--secret-input-mode ref stores the custom provider's key as an env SecretRef to CUSTOM_API_KEY, and refuses without it", async () => {
    const { run, configPath } = inProcessHome()
    const refused = await run(["onboard", "--mode", "local", "--non-interactive", "--custom-base-url", "https://x.example/v1", "--custom-model-id", "m", "--custom-api-key", "sk-inline", "--secret-input-mode", "ref"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("--custom-api-key cannot be used with --secret-input-mode ref unless CUSTOM_API_KEY is set in env.")
    expect(fs.existsSync(configPath)).toBe(false)
    const ok = await run(["onboard", "--mode", "local", "--non-interactive", "--custom-base-url", "https://x.example/v1", "--custom-model-id", "m", "--secret-input-mode", "ref"], { CUSTOM_API_KEY: "sk-env-secret-1" })
    expect(ok.code, ok.stderr).toBe(0)
    expect(readConfig(configPath).models.providers["custom-x-example"].apiKey).toEqual({ source: "env", provider: "default", id: "CUSTOM_API_KEY" })
    expect(fs.readFileSync(configPath, "utf8")).not.toContain("sk-env-secret-1")
  })

  it("--auth-choice: skip and custom-api-key work, a provider choice without its key is refused naming it; setup takes onboard's --mode and --skip-* flags", async () => {
    const { run, configPath } = inProcessHome()
    const store = await run(["onboard", "--mode", "local", "--non-interactive", "--auth-choice", "openai-api-key"])
    expect(store.code).toBe(1)
    expect(store.stderr).toContain("Missing --openai-api-key (or OPENAI_API_KEY in env).")
    const bare = await run(["setup", "--baseline", "--auth-choice", "custom-api-key"])
    expect(bare.stderr).toContain("requires a base URL and model ID")
    const remote = await run(["setup", "--mode", "remote", "--baseline"])
    expect(remote.code).toBe(1)
    expect(remote.stderr).toContain("Missing --remote-url (required for --mode remote).")
    expect(fs.existsSync(configPath)).toBe(false)
    const ok = await run(["setup", "--baseline", "--mode", "local", "--auth-choice", "skip", "--skip-channels", "--skip-skills", "--skip-health", "--skip-daemon", "--skip-ui", "--skip-search", "--skip-hooks", "--skip-bootstrap"])
    expect(ok.code, ok.stderr).toBe(0)
    expect(readConfig(configPath).gateway.mode).toBe("local")
    const custom = await run(["setup", "--baseline", "--auth-choice", "custom-api-key", "--custom-base-url", "https://x.example/v1", "--custom-model-id", "m"])
    expect(custom.code, custom.stderr).toBe(0)
    expect(readConfig(configPath).agents.defaults.model.primary).toBe("custom-x-example/m")
  })
})
