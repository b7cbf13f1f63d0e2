import { describe, expect, it } from "vitest"
import { preflightProbe, preflightVerdict } from "../../src/domain/cron/modelPreflight.js"

const candidate = (provider: string, baseUrl: string | undefined, api: string | undefined = "openai-completions") => ({ provider, model: "m", baseUrl, api })

describe("cron model preflight", () => {
  it("probes only local Chat Completions and Ollama endpoints with an explicit api", () => {
    expect(preflightProbe(candidate("mlx", "http://127.0.0.1:1234/v1/"))).toEqual({ url: "http://127.0.0.1:1234/v1/models", cacheKey: "openai-completions\0http://127.0.0.1:1234/v1", baseUrl: "http://127.0.0.1:1234/v1" })
    expect(preflightProbe(candidate("ollama", "http://192.168.1.5:11434", "ollama"))?.url).toBe("http://192.168.1.5:11434/api/tags")
    expect(preflightProbe(candidate("lan", "http://box.local:8000/v1"))?.url).toBe("http://box.local:8000/v1/models")
    expect(preflightProbe(candidate("openai", "https://api.openai.com/v1"))).toBeUndefined()
    expect(preflightProbe({ provider: "noapi", model: "m", baseUrl: "http://127.0.0.1:1234/v1", api: undefined })).toBeUndefined()
    expect(preflightProbe(candidate("anthropic", "http://127.0.0.1:1234", "anthropic-messages"))).toBeUndefined()
    expect(preflightProbe(candidate("nobase", undefined))).toBeUndefined()
  })

  it("skips with the first failure when all are down; continues on the first one up with a warning", () => {
    const a = candidate("a", "http://127.0.0.1:1/v1")
    const b = candidate("b", "http://127.0.0.1:2/v1")
    expect(preflightVerdict([{ candidate: a, unavailable: "A down" }, { candidate: b, unavailable: "B down" }], "job1")).toEqual({ ok: false, reason: "A down" })
    expect(preflightVerdict([{ candidate: a, unavailable: "A down" }, { candidate: b }], "job1")).toEqual({ ok: true, selectedIndex: 1, warning: "[cron:job1] A down; continuing with fallback b/m." })
    expect(preflightVerdict([{ candidate: a }], "job1")).toEqual({ ok: true, selectedIndex: 0, warning: undefined })
  })
})
