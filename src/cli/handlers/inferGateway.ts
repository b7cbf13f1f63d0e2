import { Console, Effect, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { ModelRunFailed, noTextOutputMessage } from "../../domain/models/infer.js"
import { gatewayRunEnvelope, MODEL_RUN_GATEWAY_TIMEOUT_MS, modelRunAgentParams, modelRunError, modelRunScopes } from "../../domain/models/inferGateway.js"
import { AgentResult } from "../../domain/protocol/agentMethods.js"
import { GatewayConnectFailed } from "../../domain/protocol/clientErrors.js"
import { CLI_SCOPES } from "../../domain/protocol/scopes.js"
import { GatewayClient } from "../../services/GatewayClient.js"
import type { InferRunOptions } from "./infer.js"
import { printEnvelope } from "./inferEnvelope.js"
import { readImage } from "./inferImages.js"

const decodeResult = Schema.decodeUnknown(AgentResult)

/**
 * `openclaw infer model run --gateway`: the raw prompt through the gateway's `agent` method
 * (`modelRun: true`, `promptMode: "none"`), waiting for the final answer; prints the text or the
 * `transport: "gateway"` envelope. A `--model` override connects asking for `operator.admin`.
 */
export const inferModelRunViaGateway = (options: InferRunOptions) =>
  Effect.gen(function*() {
    const images = yield* Effect.forEach(options.files, readImage)
    const override = options.model !== undefined && options.model.trim() !== ""
    const id = randomUUID()
    const params = modelRunAgentParams({
      id,
      agentId: DEFAULT_AGENT_ID,
      prompt: options.prompt,
      model: override ? options.model : undefined,
      thinking: options.thinking,
      images: images.map((image) => ({ fileName: image.fileName, mimeType: image.mimeType, base64: image.block.data }))
    })
    const base = {
      capability: "model.run" as const,
      transport: "gateway" as const,
      ...(images.length === 0 ? {} : { inputs: images.map(({ path, mimeType }) => ({ path, mimeType })) })
    }
    const client = yield* GatewayClient
    const payload = yield* Effect.scoped(Effect.gen(function*() {
      const open = yield* client.connect({ ...options.connection, scopes: modelRunScopes(options.connection.scopes ?? CLI_SCOPES, override) })
      return yield* open.request("agent", params, options.connection.timeoutMs ?? MODEL_RUN_GATEWAY_TIMEOUT_MS, { expectFinal: true }).pipe(
        Effect.catchTag("GatewayRpcError", (error) => Effect.fail(modelRunError(error, override)))
      )
    })).pipe(
      Effect.tapError((error) =>
        options.json && (error._tag === "ModelRunFailed" || error._tag === "AgentRunFailed")
          ? printEnvelope({
            ...base,
            ok: false,
            provider: error._tag === "ModelRunFailed" ? error.provider : null,
            model: error._tag === "ModelRunFailed" ? error.model : null,
            attempts: [],
            outputs: [],
            error: error.message
          })
          : Effect.void)
    )
    const result = yield* decodeResult(payload).pipe(
      Effect.mapError(() => new GatewayConnectFailed({ message: "gateway returned an unexpected agent result", url: options.connection.url ?? "" }))
    )
    const { text, ...run } = gatewayRunEnvelope(result)
    if (text.trim() === "" || run.outputs.length === 0) {
      const provider = run.provider ?? "unknown"
      const model = run.model ?? "unknown"
      const message = noTextOutputMessage(provider, model)
      if (options.json) yield* printEnvelope({ ...base, ...run, ok: false, outputs: [], error: message })
      return yield* new ModelRunFailed({
        message,
        provider,
        model,
        hint: "the backend completed without user-visible text; check the model's chat template or try another model (openclaw logs --follow on the gateway host)"
      })
    }
    if (options.json) return yield* printEnvelope({ ...base, ...run, ok: true })
    if (run.fallback !== undefined) yield* Console.error(run.fallback.notice)
    yield* Console.log(text)
  })
