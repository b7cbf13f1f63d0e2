import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { buildCatalogue, findProvider } from "../../../src/domain/models/catalogue.js"
import { discoveryRequest, parseDiscovered } from "../../../src/domain/models/discovery.js"

describe("provider model discovery (models list --refresh)", () => {
  it("asks Anthropic's /v1/models with x-api-key and its version header; OpenAI-style /models with a Bearer key", () => {
    const catalogue = buildCatalogue({}, { ANTHROPIC_API_KEY: "sk-ant-api03-k", OPENAI_API_KEY: "sk-openai-k" })
    const anthropic = findProvider(catalogue, "anthropic")
    const openai = findProvider(catalogue, "openai")
    if (anthropic === undefined || openai === undefined) return expect.fail("built-in providers missing")
    expect(discoveryRequest(anthropic)).toEqual({ url: "https://api.anthropic.com/v1/models", headers: { "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-api03-k" } })
    expect(discoveryRequest(openai)).toEqual({ url: "https://api.openai.com/v1/models", headers: { authorization: "Bearer sk-openai-k" } })
  })

  it("reads ids and display names; a body without data[] is refused naming the field", () => {
    expect(parseDiscovered({ data: [{ id: "claude-x", display_name: "Claude X" }, { id: "gpt-y", object: "model" }] })).toEqual(
      Either.right([{ id: "claude-x", name: "Claude X" }, { id: "gpt-y", name: undefined }])
    )
    const bad = parseDiscovered({ models: [] })
    expect(Either.isLeft(bad) && bad.left).toContain("data")
  })
})
