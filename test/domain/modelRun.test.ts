import { Either } from "effect"
import { describe, expect, it } from "@effect/vitest"
import { attachmentImages, explicitModelOf, hasModelOverride, modelRunParamsProblem, modelRunSessionKey } from "../../src/domain/agent/modelRun.js"
import { gatewayRunEnvelope, modelRunAgentParams, modelRunError, modelRunScopes, splitModelRef } from "../../src/domain/models/inferGateway.js"
import { GatewayRpcError } from "../../src/domain/protocol/clientErrors.js"
import { renderError } from "../../src/cli/render.js"

describe("agent model-run rules (gateway side)", () => {
  it("promptMode none needs modelRun; provider needs model", () => {
    expect(modelRunParamsProblem({ message: "x", idempotencyKey: "k", promptMode: "none" })).toBe(
      "promptMode=\"none\" requires modelRun=true so the run cannot mutate a durable session."
    )
    expect(modelRunParamsProblem({ message: "x", idempotencyKey: "k", promptMode: "none", modelRun: true })).toBeUndefined()
    expect(modelRunParamsProblem({ message: "x", idempotencyKey: "k", promptMode: "minimal" })).toBeUndefined()
    expect(modelRunParamsProblem({ message: "x", idempotencyKey: "k", provider: "openai" })).toContain("provider override requires model")
  })

  it("the explicit model: as given, or qualified by provider unless already qualified", () => {
    expect(explicitModelOf({ message: "x", idempotencyKey: "k" })).toBeUndefined()
    expect(explicitModelOf({ message: "x", idempotencyKey: "k", model: "fake/m1" })).toBe("fake/m1")
    expect(explicitModelOf({ message: "x", idempotencyKey: "k", provider: "fake", model: "m1" })).toBe("fake/m1")
    expect(explicitModelOf({ message: "x", idempotencyKey: "k", provider: "fake", model: "fake/m1" })).toBe("fake/m1")
    expect(explicitModelOf({ message: "x", idempotencyKey: "k", provider: "openrouter", model: "anthropic/claude" })).toBe("openrouter/anthropic/claude")
    expect(hasModelOverride({ message: "x", idempotencyKey: "k" })).toBe(false)
    expect(hasModelOverride({ message: "x", idempotencyKey: "k", model: "m1" })).toBe(true)
  })

  it("the session key of a model run and its image attachments", () => {
    expect(modelRunSessionKey({ message: "x", idempotencyKey: "k", agentId: "Ops" })).toBe("agent:ops:explicit:model-run-k")
    expect(modelRunSessionKey({ message: "x", idempotencyKey: "k", sessionId: "model-run-1" })).toBe("agent:main:explicit:model-run-1")
    expect(attachmentImages([{ type: "image", fileName: "a.png", mimeType: "image/png", content: "AAAA" }])).toEqual(
      Either.right([{ type: "image", mimeType: "image/png", data: "AAAA" }])
    )
    expect(Either.isLeft(attachmentImages([{ type: "image", mimeType: "text/plain", content: "AAAA" }]))).toBe(true)
  })
})

describe("infer model run --gateway (CLI side)", () => {
  it("builds the original CLI's agent params", () => {
    expect(modelRunAgentParams({ id: "u1", agentId: "main", prompt: "hi", model: undefined, thinking: undefined, images: [] })).toEqual({
      agentId: "main",
      sessionId: "model-run-u1",
      sessionKey: "agent:main:explicit:model-run-u1",
      message: "hi",
      modelRun: true,
      promptMode: "none",
      cleanupBundleMcpOnRunEnd: true,
      idempotencyKey: "u1"
    })
    expect(modelRunAgentParams({
      id: "u2",
      agentId: "main",
      prompt: "what?",
      model: "openrouter/anthropic/claude",
      thinking: "high",
      images: [{ fileName: "a.png", mimeType: "image/png", base64: "AAAA" }]
    })).toMatchObject({
      provider: "openrouter",
      model: "anthropic/claude",
      thinking: "high",
      attachments: [{ type: "image", fileName: "a.png", mimeType: "image/png", content: "AAAA" }]
    })
    expect(splitModelRef("m1")).toEqual({ model: "m1" })
    expect(modelRunScopes(["operator.write"], true)).toEqual(["operator.write", "operator.admin"])
    expect(modelRunScopes(["operator.write"], false)).toEqual(["operator.write"])
  })

  it("maps the final agent result to the envelope, the fallback to an attempt", () => {
    const envelope = gatewayRunEnvelope({
      runId: "r",
      status: "ok",
      result: {
        payloads: [{ text: "pong", mediaUrl: null }],
        meta: {
          durationMs: 5,
          aborted: false,
          agentMeta: { sessionId: "s", sessionKey: "k", provider: "fake", model: "m1" },
          fallback: { selected: "dead/d1", active: "fake/m1", reason: "timeout", notice: "↪️ Model Fallback: fake/m1 (selected dead/d1; timeout)" }
        }
      }
    })
    expect(envelope).toEqual({
      capability: "model.run",
      transport: "gateway",
      provider: "fake",
      model: "m1",
      attempts: [{ provider: "dead", model: "d1", reason: "timeout", summary: "↪️ Model Fallback: fake/m1 (selected dead/d1; timeout)" }],
      outputs: [{ text: "pong", mediaUrl: null }],
      fallback: { selected: "dead/d1", active: "fake/m1", reason: "timeout", notice: "↪️ Model Fallback: fake/m1 (selected dead/d1; timeout)" },
      text: "pong"
    })
  })
})

describe("infer model run --gateway errors", () => {
  const missingAdmin = new GatewayRpcError({
    code: "INVALID_REQUEST",
    message: "provider/model overrides are not authorized for this caller.",
    wireCode: "INVALID_REQUEST"
  })

  it("a refused model override names the trusted-operator rule and a next step", () => {
    const error = modelRunError(missingAdmin, true)
    expect(error).toMatchObject({
      _tag: "InferGatewayForbidden",
      code: "INFER_GATEWAY_FORBIDDEN",
      message: "model run --gateway --model <provider/model> requires a trusted-operator gateway credential; the gateway answered: provider/model overrides are not authorized for this caller."
    })
    const rendered = renderError(error)
    expect(rendered.exitCode).toBe(1)
    expect(rendered.lines[1]).toMatch(/^Next: .*--token.*operator\.admin.*--local/)
    expect(modelRunError(missingAdmin, false)).toBe(missingAdmin)
  })

  it("a failed run that reached a model is the no-text failure naming it; others stay run failures", () => {
    const failed = (details: Record<string, unknown>) =>
      modelRunError(new GatewayRpcError({ code: "AGENT_RUN_FAILED", message: "HTTP 500: boom.", wireCode: "UNAVAILABLE", details }), false)
    expect(failed({ runId: "r", code: "AGENT_RUN_FAILED", provider: "fake", model: "m1", hint: "check it" })).toMatchObject({
      _tag: "ModelRunFailed",
      message: "No text output returned for provider \"fake\" model \"m1\": HTTP 500: boom.",
      hint: "check it"
    })
    expect(failed({ runId: "r", code: "AGENT_RUN_FAILED" })).toMatchObject({ _tag: "AgentRunFailed", runId: "r", message: "HTTP 500: boom." })
  })
})
