import { Option, Schema } from "effect"
import { AgentRunFailed } from "../agent/errors.js"
import { MODEL_OVERRIDE_REFUSED } from "../agent/modelRun.js"
import type { AgentResult } from "../protocol/agentMethods.js"
import type { GatewayRpcError } from "../protocol/clientErrors.js"
import { FailoverReason } from "./failover.js"
import { type InferEnvelope, InferGatewayForbidden, ModelRunFailed, noTextOutputMessage } from "./infer.js"
import { FallbackInfo } from "./response.js"

/** How long `infer model run --gateway` waits for the run's final answer (the original's 120 s). */
export const MODEL_RUN_GATEWAY_TIMEOUT_MS = 120_000

/** The refusal of a model override by a gateway credential without `operator.admin`. */
export const MODEL_OVERRIDE_NEEDS_ADMIN = "model run --gateway --model <provider/model> requires a trusted-operator gateway credential"

/** One image sent with a gateway model run. */
export interface GatewayImage {
  readonly fileName: string
  readonly mimeType: string
  readonly base64: string
}

/** `provider/model` split at the first slash; a bare id (or alias) stays a model alone. */
export const splitModelRef = (ref: string): { readonly provider?: string; readonly model: string } => {
  const trimmed = ref.trim()
  const slash = trimmed.indexOf("/")
  return slash > 0 && slash < trimmed.length - 1 ? { provider: trimmed.slice(0, slash), model: trimmed.slice(slash + 1) } : { model: trimmed }
}

/**
 * The `agent` params of `infer model run --gateway`, as the original CLI sends them: a fresh
 * `model-run-<id>` session, `modelRun: true`, `promptMode: "none"`, images as attachments.
 */
export const modelRunAgentParams = (input: {
  readonly id: string
  readonly agentId: string
  readonly prompt: string
  readonly model: string | undefined
  readonly thinking: string | undefined
  readonly images: ReadonlyArray<GatewayImage>
}) => {
  const sessionId = `model-run-${input.id}`
  const override = input.model === undefined ? undefined : splitModelRef(input.model)
  return {
    agentId: input.agentId,
    sessionId,
    sessionKey: `agent:${input.agentId}:explicit:${sessionId}`,
    message: input.prompt,
    ...(input.images.length === 0
      ? {}
      : { attachments: input.images.map((image) => ({ type: "image", fileName: image.fileName, mimeType: image.mimeType, content: image.base64 })) }),
    ...(override?.provider === undefined ? {} : { provider: override.provider }),
    ...(override === undefined ? {} : { model: override.model }),
    ...(input.thinking === undefined ? {} : { thinking: input.thinking }),
    modelRun: true,
    promptMode: "none",
    cleanupBundleMcpOnRunEnd: true,
    idempotencyKey: input.id
  }
}

/** The scopes to connect with: the CLI's usual ones, with `operator.admin` ensured for a model override. */
export const modelRunScopes = (defaults: ReadonlyArray<string>, override: boolean): ReadonlyArray<string> =>
  override && !defaults.includes("operator.admin") ? [...defaults, "operator.admin"] : defaults

const decodeFallback = Schema.decodeUnknownOption(FallbackInfo)
const isReason = Schema.is(FailoverReason)

/** What the final `agent` answer of a model run says, in the `infer` envelope's terms (`ok` aside). */
export const gatewayRunEnvelope = (result: AgentResult): Omit<InferEnvelope, "ok"> & { readonly text: string } => {
  const meta = result.result?.meta
  const fallback = Option.getOrUndefined(decodeFallback(meta?.fallback))
  const payloads = result.result?.payloads ?? []
  const [provider, ...rest] = (fallback?.selected ?? "").split("/")
  return {
    capability: "model.run",
    transport: "gateway",
    provider: meta?.agentMeta.provider ?? null,
    model: meta?.agentMeta.model ?? null,
    // The gateway reports the fallback, not each failed try: the selected model's failure is the attempt.
    attempts: fallback === undefined || provider === undefined || rest.length === 0 || !isReason(fallback.reason)
      ? []
      : [{ provider, model: rest.join("/"), reason: fallback.reason, summary: fallback.notice }],
    outputs: payloads.filter((p) => p.text.trim() !== "").map((p) => ({ text: p.text, mediaUrl: p.mediaUrl })),
    ...(fallback === undefined ? {} : { fallback }),
    text: payloads.map((p) => p.text).join("\n")
  }
}

const str = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined)

/**
 * The gateway's refusal or failed final answer in the CLI's terms: a refused model override, the
 * no-text failure of a run that reached a model, another failed run, or the error as it came.
 */
export const modelRunError = (error: GatewayRpcError, override: boolean): GatewayRpcError | InferGatewayForbidden | ModelRunFailed | AgentRunFailed => {
  if (override && error.wireCode === "INVALID_REQUEST" && error.message === MODEL_OVERRIDE_REFUSED) {
    return new InferGatewayForbidden({ message: `${MODEL_OVERRIDE_NEEDS_ADMIN}; the gateway answered: ${error.message}` })
  }
  const details = error.details ?? {}
  const runId = str(details["runId"])
  if (runId === undefined) return error
  const hint = str(details["hint"])
  const provider = str(details["provider"])
  const model = str(details["model"])
  if (provider !== undefined && model !== undefined) {
    return new ModelRunFailed({ message: noTextOutputMessage(provider, model, error.message), provider, model, ...(hint === undefined ? {} : { hint }) })
  }
  return new AgentRunFailed({ message: error.message, runId, cause: str(details["code"]) ?? error.wireCode, ...(hint === undefined ? {} : { hint }) })
}
