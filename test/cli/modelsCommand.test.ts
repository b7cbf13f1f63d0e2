import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import type { FakeServer } from "../support/fakeHttp.js"
import { type AnthropicFake, startAnthropicFake } from "../support/fakeAnthropicServer.js"
import { type OpenAiFake, startOpenAiFake } from "../support/fakeOpenAiServer.js"
import { homeWithConfig } from "../support/runCliAsync.js"
import { runAt } from "../support/cliInProcess.js"

const MLX_ID = "mlx-community/Qwen3-30B-A3B-6bit"
const MLX_KEY = "sk-local-secret-0123456789abcdef"
const ANTHROPIC_KEY = "sk-ant-api03-fake-key"

const homes: Array<string> = []
const fakes: Array<FakeServer> = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})
afterAll(() => {
  for (const dir of homes) fs.rmSync(dir, { recursive: true, force: true })
})

/** A port nothing listens on, so `openclaw logs` never reaches a real gateway. */
let closedPort = 0
beforeAll(async () => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  closedPort = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const openai = async (overrides: Parameters<typeof startOpenAiFake>[0] = {}): Promise<OpenAiFake> => {
  const fake = await startOpenAiFake({ models: [MLX_ID], apiKey: MLX_KEY, ...overrides })
  fakes.push(fake)
  return fake
}
const anthropic = async (overrides: Parameters<typeof startAnthropicFake>[0] = {}): Promise<AnthropicFake> => {
  const fake = await startAnthropicFake(overrides)
  fakes.push(fake)
  return fake
}

const mlxProvider = (fake: OpenAiFake, row: Record<string, unknown> = {}) => ({
  baseUrl: fake.v1,
  api: "openai-completions",
  apiKey: MLX_KEY,
  models: [{ id: MLX_ID, ...row }]
})

/** A temp home with `config` plus a file log inside it and a gateway port nobody listens on. */
const install = (config: Record<string, unknown>) => {
  const logFile = path.join(fs.mkdtempSync(path.join(process.env["TMPDIR"] ?? "/tmp", "clawgate-models-log-")), "openclaw.log")
  const home = homeWithConfig({ gateway: { port: closedPort }, logging: { file: logFile }, ...config })
  homes.push(home.home, path.dirname(logFile))
  const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) => runAt(home.home, args, env)
  return { ...home, logFile, run }
}

const parseJson = (stdout: string): any => {
  try {
    return JSON.parse(stdout)
  } catch {
    return expect.fail(`stdout is not one JSON document: ${stdout}`)
  }
}

describe("openclaw infer model run (in process, loopback fakes)", () => {
  it("--agent main runs with the default agent's models; another agent id is refused naming it (only main exists here)", async () => {
    const fake = await openai({ reply: "pong" })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } }, agents: { defaults: { model: `mlx/${MLX_ID}` } } })
    const main = await run(["infer", "model", "run", "--agent", "main", "--prompt", "hi", "--json"])
    expect(main.code, main.stderr).toBe(0)
    expect(parseJson(main.stdout)).toMatchObject({ ok: true, provider: "mlx", model: MLX_ID })
    for (const group of ["infer", "capability"]) {
      const other = await run([group, "model", "run", "--agent", "ops", "--prompt", "hi"])
      expect(other.code).not.toBe(0)
      expect(other.stderr).toContain(`Unknown agent id "ops". This version runs one agent (main)`)
    }
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1)
  })

  it("--model p/m --json: the spec envelope, the bare id on the wire, the request shape without the key", async () => {
    const fake = await openai({ reply: "pong" })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi", "--json"])
    expect(result.code).toBe(0)
    const envelope = parseJson(result.stdout)
    expect(envelope).toMatchObject({
      ok: true,
      capability: "model.run",
      transport: "local",
      provider: "mlx",
      model: MLX_ID,
      attempts: [],
      outputs: [{ text: "pong", mediaUrl: null }]
    })
    expect(Object.keys(envelope).slice(0, 7)).toEqual(["ok", "capability", "transport", "provider", "model", "attempts", "outputs"])
    expect(fake.requests[0]?.body.model).toBe(MLX_ID)
    expect(envelope.request).toMatchObject({ method: "POST", url: `${fake.v1}/chat/completions`, headers: { authorization: "Bearer ***" }, body: { model: MLX_ID } })
    expect(result.stdout + result.stderr).not.toContain(MLX_KEY)
  })

  it("without --json prints just the text; `capability` is the same command", async () => {
    const fake = await openai({ reply: "plain pong" })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } }, agents: { defaults: { model: `mlx/${MLX_ID}` } } })
    const plain = await run(["infer", "model", "run", "--prompt", "hi"])
    expect(plain).toMatchObject({ code: 0, stdout: "plain pong\n" })
    const alias = await run(["capability", "model", "run", "--prompt", "hi"])
    expect(alias).toMatchObject({ code: 0, stdout: "plain pong\n" })
  })

  it("an empty turn fails with the spec's No-text-output message and a failure envelope", async () => {
    const fake = await openai({ emptyStop: true })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const human = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(human.code).toBe(1)
    expect(human.stdout).toBe("")
    expect(human.stderr).toContain(`error[MODEL_NO_OUTPUT]: No text output returned for provider "mlx" model "${MLX_ID}".`)
    const json = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi", "--json"])
    expect(json.code).toBe(1)
    expect(parseJson(json.stdout)).toMatchObject({ ok: false, provider: "mlx", model: MLX_ID, outputs: [], error: `No text output returned for provider "mlx" model "${MLX_ID}".` })
  })

  it("a 403 page from a security layer in front of the endpoint is named as such (runbook: upstream 403 blocked)", async () => {
    const page = "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title><style>b{}</style></head><body><h1>Sorry, you have been blocked</h1>" + "x".repeat(5000) + "</body></html>"
    const fake = await openai({ failures: [{ status: 403, body: page }] })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`HTTP 403: HTML response, not a provider API error ("Attention Required! | Cloudflare")`)
    expect(result.stderr).toMatch(/Next: an upstream security layer \(WAF, CDN, reverse proxy\) in front of http:\/\/127\.0\.0\.1:\d+\/v1 may have blocked the request/)
    expect(result.stderr).not.toContain("xxxxxxxx")
  })

  it("agents.defaults.modelPolicy.allow refuses an explicit model outside it before anything is sent", async () => {
    const fake = await openai({ reply: "never" })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } }, agents: { defaults: { modelPolicy: { allow: ["other/*"] } } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`error[MODEL_NOT_ALLOWED]: Model override "mlx/${MLX_ID}" is not allowed for agent "main" by agents.defaults.modelPolicy.allow.`)
    expect(result.stderr).toContain("Next: openclaw config get agents.defaults.modelPolicy.allow")
    expect(fake.requests).toEqual([])
    expect(parseJson((await run(["models", "status", "--json"])).stdout).allowed).toEqual(["other/*"])
    expect((await run(["models", "status"])).stdout).toContain("Allowed (1) : other/*")
  })

  it("a prefix duplicated into the catalogue id: model_not_found, and the CLI names that cause", async () => {
    const fake = await openai()
    const { run } = install({ models: { providers: { mlx: { ...mlxProvider(fake), models: [{ id: `mlx/${MLX_ID}` }] } } } })
    const sent = await run(["infer", "model", "run", "--model", `mlx/mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(sent.code).toBe(1)
    expect(fake.requests[0]?.body.model).toBe(`mlx/${MLX_ID}`)
    expect(sent.stderr).toContain(`No text output returned for provider "mlx" model "mlx/${MLX_ID}": HTTP 404: model_not_found:`)
    expect(sent.stderr).toContain(`Next: models.providers.mlx.models[].id "mlx/${MLX_ID}" repeats the provider prefix`)
    expect(sent.stderr).toContain(`"${MLX_ID}"`)
    const once = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(once.code).toBe(1)
    expect(once.stderr).toContain(`error[MODEL_UNKNOWN]: Unknown model: mlx/${MLX_ID}`)
    expect(once.stderr).toContain("repeats the provider prefix")
  })

  it("the provider prefix omitted at selection is Unknown model, naming the prefixed ref to use", async () => {
    const fake = await openai()
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const result = await run(["infer", "model", "run", "--model", MLX_ID, "--prompt", "hi"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`error[MODEL_UNKNOWN]: Unknown model: ${MLX_ID}`)
    expect(result.stderr).toContain(`the provider prefix is missing; select it as "mlx/${MLX_ID}"`)
    expect(fake.requests).toHaveLength(0)
  })

  it("a baseUrl without /v1 is diagnosed as such", async () => {
    const fake = await openai()
    const { run } = install({ models: { providers: { mlx: { ...mlxProvider(fake), baseUrl: fake.baseUrl } } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`models.providers.mlx.baseUrl "${fake.baseUrl}" must include /v1`)
  })

  it("string-only backend: the backend's own error and the compat fix; requiresStringContent makes the same run pass", async () => {
    const fake = await openai({ stringContentOnly: true })
    const broken = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const failed = await broken.run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi", "--json"])
    expect(failed.code).toBe(1)
    const envelope = parseJson(failed.stdout)
    expect(envelope.attempts).toEqual([{ provider: "mlx", model: MLX_ID, reason: "format", status: 422, summary: expect.stringContaining("HTTP 422: ") }])
    // The failure envelope shows the request that failed: content as a part array.
    expect(envelope.request.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }])
    expect(envelope.request.headers.authorization).toBe("Bearer ***")
    expect(failed.stderr).toContain("messages[0].content: invalid type: sequence, expected a string")
    expect(failed.stderr).toContain("Next: the backend rejects structured content parts: set models.providers.mlx.models[].compat.requiresStringContent: true")
    const fixed = install({ models: { providers: { mlx: mlxProvider(fake, { compat: { requiresStringContent: true } }) } } })
    const ok = await fixed.run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi", "--json"])
    expect(ok.code).toBe(0)
    expect(parseJson(ok.stdout).outputs).toEqual([{ text: "pong", mediaUrl: null }])
    expect(fake.requests[1]?.body.messages).toEqual([{ role: "user", content: "hi" }])
  })

  it("OPENCLAW_LOG_LEVEL=debug puts the exact request shape in the file log (`openclaw logs` shows it), secrets redacted", async () => {
    const fake = await openai()
    const { run, logFile } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"], { OPENCLAW_LOG_LEVEL: "debug" })
    expect(result.code).toBe(0)
    const log = fs.readFileSync(logFile, "utf8")
    const line = log.split("\n").find((l) => l.includes("model request provider=mlx"))
    if (line === undefined) return expect.fail(`no model request line in ${log}`)
    const record = JSON.parse(line)
    expect(record).toMatchObject({ level: "debug", subsystem: "models" })
    expect(record.message).toContain(`POST ${fake.v1}/chat/completions`)
    expect(record.message).toContain(`"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]`)
    expect(record.message).toContain(`"authorization":"Bearer ***"`)
    expect(log).not.toContain(MLX_KEY)
    const logs = await run(["logs", "--plain", "--limit", "20"])
    expect(logs.stdout).toContain("model request provider=mlx")
    // At the default level the request line is not written.
    const quiet = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    expect((await quiet.run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi"])).code).toBe(0)
    expect(fs.existsSync(quiet.logFile) ? fs.readFileSync(quiet.logFile, "utf8") : "").not.toContain("model request")
  })

  it("retry warnings go to stderr; --json stdout stays one JSON document", async () => {
    const fake = await openai({ failures: [{ status: 503, body: { error: { message: "The server is overloaded", type: "overloaded_error" } } }] })
    const { run } = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const result = await run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "hi", "--json"])
    expect(result.code).toBe(0)
    expect(fake.requests).toHaveLength(2)
    expect(parseJson(result.stdout).ok).toBe(true)
    expect(result.stderr).toContain("retry 1/1")
  })

  it("--file attaches an image as a native part and lists it in inputs; a text-only model refuses it", async () => {
    const fake = await openai({ reply: "a red dot" })
    const png = path.join(fs.mkdtempSync(path.join(process.env["TMPDIR"] ?? "/tmp", "clawgate-img-")), "dot.png")
    homes.push(path.dirname(png))
    fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))
    const vision = install({ models: { providers: { mlx: mlxProvider(fake, { input: ["text", "image"] }) } } })
    const result = await vision.run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "what is this?", "--file", png, "--json"])
    expect(result.code).toBe(0)
    expect(parseJson(result.stdout)).toMatchObject({ ok: true, inputs: [{ path: png, mimeType: "image/png" }], outputs: [{ text: "a red dot", mediaUrl: null }] })
    expect(fake.requests[0]?.body.messages[0].content).toEqual([
      { type: "text", text: "what is this?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${fs.readFileSync(png).toString("base64")}` } }
    ])
    const textOnly = install({ models: { providers: { mlx: mlxProvider(fake) } } })
    const refused = await textOnly.run(["infer", "model", "run", "--model", `mlx/${MLX_ID}`, "--prompt", "what is this?", "--file", png])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`error[INFER_INPUT_INVALID]: --file: mlx/${MLX_ID} does not take images`)
    expect(fake.requests).toHaveLength(1)
  })

  it("rejects an empty prompt; --gateway with no gateway listening says how to start one", async () => {
    const { run } = install({})
    const empty = await run(["infer", "model", "run", "--prompt", "   "])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain("error[INFER_INPUT_INVALID]: --prompt must contain non-whitespace text")
    const gateway = await run(["infer", "model", "run", "--prompt", "hi", "--gateway"])
    expect(gateway.code).toBe(1)
    expect(gateway.stderr).toContain("error[GATEWAY_CONNECT_FAILED]: gateway connect failed")
    expect(gateway.stderr).toContain("Next: start it with `openclaw gateway run`")
  })
})

describe("Anthropic 429 long context (runbook section, in process)", () => {
  const longPrompt = `summarise this: ${"lorem ipsum dolor ".repeat(80)}`

  const setup = async () => {
    const claude = await anthropic({ longContextAboveTokens: 100 })
    const local = await openai({ reply: "answered by the fallback" })
    const home = install({
      models: {
        providers: {
          anthropic: { baseUrl: claude.baseUrl, apiKey: ANTHROPIC_KEY, models: [{ id: "claude-opus-4-6" }] },
          mlx: mlxProvider(local)
        }
      },
      agents: {
        defaults: {
          model: { primary: "anthropic/claude-opus-4-6", fallbacks: [`mlx/${MLX_ID}`] },
          models: { "anthropic/claude-opus-4-6": { params: { context1m: true } } }
        }
      }
    })
    return { claude, local, ...home }
  }

  it("falls back to the configured fallback with the notice; models status says why; --check exits 1", async () => {
    const { claude, local, run } = await setup()
    const result = await run(["infer", "model", "run", "--prompt", longPrompt, "--json"])
    expect(result.code).toBe(0)
    const envelope = parseJson(result.stdout)
    expect(envelope).toMatchObject({
      ok: true,
      provider: "mlx",
      model: MLX_ID,
      outputs: [{ text: "answered by the fallback", mediaUrl: null }],
      attempts: [{ provider: "anthropic", model: "claude-opus-4-6", reason: "rate_limit", status: 429, summary: "HTTP 429: rate_limit_error: Extra usage is required for long context requests" }],
      fallback: { selected: "anthropic/claude-opus-4-6", active: `mlx/${MLX_ID}`, reason: "rate_limit" }
    })
    expect(claude.requests).toHaveLength(1)
    expect(claude.requests[0]?.headers["anthropic-beta"]).toBeUndefined()
    expect(local.requests).toHaveLength(1)

    const human = await run(["infer", "model", "run", "--prompt", longPrompt])
    expect(human.code).toBe(0)
    expect(human.stdout).toBe("answered by the fallback\n")
    expect(human.stderr).toContain(`↪️ Model Fallback: mlx/${MLX_ID} (selected anthropic/claude-opus-4-6; rate_limit)`)

    const status = await run(["models", "status"])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain("Unavailable auth profiles")
    expect(status.stdout).toMatch(/- anthropic:default \(anthropic\) cooldown:rate_limit/)
    expect(status.stdout).toContain("Last error: HTTP 429: rate_limit_error: Extra usage is required for long context requests")
    expect(status.stdout).toContain(`Last fallback (`)
    expect(status.stdout).toContain(`anthropic/claude-opus-4-6 -> mlx/${MLX_ID} (rate_limit)`)
    expect(status.stdout).toContain(`Look for: agents.defaults.models["anthropic/claude-opus-4-6"] still carries legacy params.context1m: true`)
    expect(status.stdout).toContain("Fix: Configure fallback models")

    const json = await run(["models", "status", "--json"])
    const report = parseJson(json.stdout)
    expect(report.lastFallback).toMatchObject({ selected: "anthropic/claude-opus-4-6", active: `mlx/${MLX_ID}`, reason: "rate_limit", outcome: "fallback" })
    expect(report.auth.unusableProfiles).toEqual([expect.objectContaining({ profileId: "anthropic:default", kind: "cooldown", reason: "rate_limit" })])
    expect((await run(["models", "status", "--check"])).code).toBe(1)
  })

  it("an explicit --model never falls back: the 429 and the runbook's fixes are shown", async () => {
    const { local, run } = await setup()
    const result = await run(["infer", "model", "run", "--model", "anthropic/claude-opus-4-6", "--prompt", longPrompt])
    expect(result.code).toBe(1)
    expect(local.requests).toHaveLength(0)
    expect(result.stderr).toContain(`No text output returned for provider "anthropic" model "claude-opus-4-6": HTTP 429: rate_limit_error: Extra usage is required for long context requests.`)
    expect(result.stderr).toContain("Use a standard context window")
    expect(result.stderr).toContain("Configure fallback models")
  })
})

describe("openclaw models status and list (in process)", () => {
  it("--json: resolved default, fallbacks, aliases and auth per provider; diagnostics on stderr", async () => {
    const fake = await openai()
    const { run } = install({
      models: { providers: { mlx: mlxProvider(fake), remote: { baseUrl: "https://llm.example.com/v1", models: [{ id: "big" }] } } },
      agents: { defaults: { model: { primary: "qwen", fallbacks: ["remote/big", "nope/missing"] }, models: { [`mlx/${MLX_ID}`]: { alias: "qwen" } } } }
    })
    const result = await run(["models", "status", "--json"])
    expect(result.code).toBe(0)
    const report = parseJson(result.stdout)
    expect(report).toMatchObject({
      defaultModel: "qwen",
      resolvedDefault: `mlx/${MLX_ID}`,
      fallbacks: ["remote/big", "nope/missing"],
      aliases: { qwen: `mlx/${MLX_ID}` },
      auth: { missingProvidersInUse: ["remote", "nope"], oauth: { profiles: [] }, unusableProfiles: [] }
    })
    expect(report.auth.providers).toEqual(expect.arrayContaining([
      expect.objectContaining({ provider: "mlx", usable: true, inUse: true, local: true }),
      expect.objectContaining({ provider: "remote", usable: false, inUse: true, local: false })
    ]))
    expect(result.stderr).toContain("Fallback Unknown model: nope/missing")
    expect(result.stdout).not.toContain(MLX_KEY)
  })

  it("--plain lines and --check exit codes (0 healthy, 1 missing auth for a provider in use)", async () => {
    const fake = await openai()
    const healthy = install({ models: { providers: { mlx: mlxProvider(fake) } }, agents: { defaults: { model: `mlx/${MLX_ID}` } } })
    const plain = await healthy.run(["models", "status", "--plain"])
    expect(plain.code).toBe(0)
    expect(plain.stdout.split("\n")).toEqual(expect.arrayContaining([`default\tmlx/${MLX_ID}`, "auth\tmlx\tusable\tconfig"]))
    expect((await healthy.run(["models", "status", "--check"])).code).toBe(0)
    expect((await healthy.run(["models", "--check"])).code).toBe(0)
    const missing = install({ models: { providers: { remote: { baseUrl: "https://llm.example.com/v1", models: [{ id: "big" }] } } }, agents: { defaults: { model: "remote/big" } } })
    const check = await missing.run(["models", "status", "--check"])
    expect(check.code).toBe(1)
    expect(check.stdout).toContain("Missing auth for providers in use: remote")
    const withKey = await missing.run(["models", "status", "--check"], { REMOTE_API_KEY: "sk-remote-123" })
    expect(withKey.code).toBe(0)
    const nothing = install({})
    const none = await nothing.run(["models", "status", "--check"])
    expect(none.code).toBe(1)
    expect(none.stdout).toContain("Warning: No model configured: set agents.defaults.model")
  })

  it("--probe buckets: ok, auth, rate_limit, format, timeout, no_model (and --check fails on any non-ok)", async () => {
    const ok = await openai()
    const badKey = await openai({ apiKey: "another-key" })
    const limited = await openai({ failures: [{ status: 429, body: { error: { message: "Rate limit reached" } }, headers: { "retry-after": "1" } }] })
    const format = await openai({ failures: [{ status: 400, body: { error: { message: "messages: Field required", type: "invalid_request_error" } } }] })
    const hung = await openai({ hang: true })
    const { run } = install({
      models: {
        providers: {
          okp: mlxProvider(ok),
          authp: mlxProvider(badKey),
          ratep: mlxProvider(limited),
          formatp: mlxProvider(format),
          slowp: mlxProvider(hung),
          emptyp: { baseUrl: ok.v1, apiKey: MLX_KEY }
        }
      },
      agents: { defaults: { model: `okp/${MLX_ID}` } }
    })
    const result = await run(["models", "status", "--probe", "--probe-timeout", "400", "--probe-concurrency", "6", "--json"])
    expect(result.code).toBe(0)
    const buckets = Object.fromEntries(parseJson(result.stdout).probe.results.map((r: any) => [r.provider, r.status]))
    expect(buckets).toEqual({ okp: "ok", authp: "auth", ratep: "rate_limit", formatp: "format", slowp: "timeout", emptyp: "no_model" })
    // A probe is one bounded try: no retry of the 429.
    expect(limited.requests).toHaveLength(1)
    const one = await run(["models", "status", "--probe", "--probe-provider", "okp", "--check"])
    expect(one.code).toBe(0)
    expect(one.stdout).toMatch(/okp:default\s+mlx-community\/Qwen3-30B-A3B-6bit\s+ok/)
    const failing = await run(["models", "status", "--probe", "--probe-provider", "authp", "--check"])
    expect(failing.code).toBe(1)
  })

  it("models list: configured and referenced models with tags; --plain keys; missing references flagged", async () => {
    const fake = await openai()
    const { run } = install({
      models: { providers: { mlx: { ...mlxProvider(fake), models: [{ id: MLX_ID, contextWindow: 32_768 }, { id: "small" }] } } },
      agents: { defaults: { model: { primary: `mlx/${MLX_ID}`, fallbacks: ["mlx/small", "gone/model"] }, models: { "mlx/small": { alias: "tiny" } } } }
    })
    const json = parseJson((await run(["models", "list", "--json"])).stdout)
    expect(json.count).toBe(3)
    expect(json.models).toEqual([
      expect.objectContaining({ key: `mlx/${MLX_ID}`, tags: ["default"], contextWindow: 32_768, local: true, available: true, missing: false }),
      expect.objectContaining({ key: "mlx/small", tags: ["fallback#1", "alias:tiny"], missing: false }),
      expect.objectContaining({ key: "gone/model", tags: ["fallback#2"], missing: true })
    ])
    const plain = await run(["models", "list", "--plain"])
    expect(plain.stdout).toBe(`mlx/${MLX_ID}\nmlx/small\ngone/model\n`)
    const table = await run(["models", "list"])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(new RegExp(`mlx/${MLX_ID.replace(/[/.-]/g, "\\$&")}\\s+text\\s+33k\\s+yes\\s+yes\\s+default`))
    expect(table.stdout).toMatch(/gone\/model.*fallback#2,missing/)
  })

  it("models list --refresh asks each provider's model list (key sent); --all then lists what they serve, failures are named on stderr", async () => {
    const fake = await openai({ models: [MLX_ID, "qwen3-coder-30b"] })
    const { run } = install({
      models: {
        providers: {
          mlx: mlxProvider(fake),
          // Nothing listens there: its refresh fails, the list still prints.
          deadp: { baseUrl: `http://127.0.0.1:${closedPort}/v1`, api: "openai-completions", apiKey: "sk-dead-0123456789", models: [{ id: "d1" }] },
          // Remote and keyless: not asked at all.
          keyless: { baseUrl: "https://api.example.invalid/v1", api: "openai-completions", models: [{ id: "k1" }] }
        }
      },
      agents: { defaults: { model: `mlx/${MLX_ID}` } }
    })
    const before = await run(["models", "list", "--all", "--json"])
    expect(parseJson(before.stdout).models.map((m: any) => m.key)).not.toContain("mlx/qwen3-coder-30b")
    expect(fake.requests).toHaveLength(0)

    const refreshed = await run(["models", "list", "--refresh", "--all", "--json"])
    expect(refreshed.code).toBe(0)
    const listed = parseJson(refreshed.stdout)
    expect(listed.models).toContainEqual(expect.objectContaining({ key: "mlx/qwen3-coder-30b", local: true, available: true, tags: [], missing: false }))
    expect(listed.models.filter((m: any) => m.key === `mlx/${MLX_ID}`)).toHaveLength(1)
    expect(listed.count).toBe(listed.models.length)
    const get = fake.requests.find((r) => r.method === "GET")
    expect(get?.url).toBe("/v1/models")
    expect(get?.headers["authorization"]).toBe(`Bearer ${MLX_KEY}`)
    expect(refreshed.stderr).toContain("Model discovery could not refresh all providers. Showing the available published model list.")
    expect(refreshed.stderr).toMatch(/- deadp: GET http:\/\/127\.0\.0\.1:\d+\/v1\/models: /)
    expect(refreshed.stderr).toContain(`- keyless: No API key found for provider "keyless"`)
    expect(refreshed.stderr).not.toContain("sk-dead-0123456789")

    // The default view stays the configured models; --provider narrows the refresh and the rows.
    const configured = await run(["models", "list", "--refresh", "--plain"])
    expect(configured.stdout.split("\n")).not.toContain("mlx/qwen3-coder-30b")
    const one = await run(["models", "list", "--refresh", "--provider", "mlx", "--plain"])
    expect(one.code).toBe(0)
    expect(one.stdout).toBe(`mlx/${MLX_ID}\nmlx/qwen3-coder-30b\n`)
    expect(one.stderr).not.toContain("could not refresh")
  })
})
