import { Console, Effect, Either } from "effect"
import type { ModelTarget } from "../../domain/models/catalogue.js"
import { diagnoseProviderError } from "../../domain/models/diagnosis.js"
import { attemptOf, type FailoverAttempt, type ModelError } from "../../domain/models/errors.js"
import { InferInputInvalid, ModelRunFailed, noTextOutputMessage } from "../../domain/models/infer.js"
import type { ModelInput, ThinkingLevel } from "../../domain/models/messages.js"
import { responseText } from "../../domain/models/response.js"
import { withModelLog } from "../../layers/models/modelLog.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import type { ConnectOptions } from "../../services/GatewayClient.js"
import { ModelClient } from "../../services/ModelClient.js"
import { printEnvelope } from "./inferEnvelope.js"
import { readImage } from "./inferImages.js"

export interface InferRunOptions {
  readonly prompt: string
  readonly model: string | undefined
  readonly local: boolean
  readonly gateway: boolean
  readonly files: ReadonlyArray<string>
  readonly thinking: ThinkingLevel | undefined
  readonly json: boolean
  /** `--agent <id>`: only the default agent (main) exists in this version. */
  readonly agent?: string | undefined
  /** Where `--gateway` connects (flags; the rest comes from env and config). */
  readonly connection: ConnectOptions
}


const attemptsOf = (error: ModelError): ReadonlyArray<FailoverAttempt> => (error._tag === "ModelFailover" ? error.attempts : [attemptOf(error)])

const publicAttempt = ({ code: _code, request: _request, ...attempt }: FailoverAttempt) => attempt

// The runbook fix for the most telling attempt: the last one that has one.
const hintOf = (attempts: ReadonlyArray<FailoverAttempt>, candidates: ReadonlyArray<ModelTarget>) => {
  for (const attempt of [...attempts].reverse()) {
    const target = candidates.find((t) => t.provider === attempt.provider && t.model === attempt.model)
    const hint = target === undefined ? undefined : diagnoseProviderError(target, attempt)
    if (hint !== undefined) return hint
  }
  return undefined
}

/** The local path: this process, this host's model config. */
const runLocal = (options: InferRunOptions) =>
  Effect.gen(function*() {
    const images = yield* Effect.forEach(options.files, readImage)
    const catalog = yield* ModelCatalog
    const plan = yield* catalog.plan({ explicit: options.model })
    const candidates = [plan.selected, ...plan.fallbacks]
    // Native image parts need `input: ["text","image"]` on the catalogue row (spec 1.1).
    if (images.length > 0 && plan.selected.catalogued && !plan.selected.input.includes("image")) {
      return yield* new InferInputInvalid({
        message: `--file: ${plan.selected.key} does not take images (input: ${plan.selected.input.join(", ")}); if it does, set models.providers.${plan.selected.provider}.models[].input: ["text","image"]`
      })
    }
    const input: ModelInput = {
      // Blocks, as agent turns send them, so string-only backends show the same failure here.
      messages: [{ role: "user", content: [{ type: "text", text: options.prompt }, ...images.map((image) => image.block)] }],
      ...(options.thinking === undefined ? {} : { thinking: options.thinking })
    }
    const base = {
      ok: false,
      capability: "model.run" as const,
      transport: "local" as const,
      ...(images.length === 0 ? {} : { inputs: images.map(({ path, mimeType }) => ({ path, mimeType })) })
    }
    const client = yield* ModelClient
    const outcome = yield* Effect.either(client.complete({ target: plan.selected, fallbacks: plan.fallbacks, input }))
    if (Either.isLeft(outcome)) {
      const attempts = attemptsOf(outcome.left)
      const message = noTextOutputMessage(plan.selected.provider, plan.selected.model, outcome.left.message)
      // Info: the file log keeps it for `openclaw logs`; stderr gets the error line below.
      yield* Effect.logInfo(`infer model.run failed: ${attempts.map((a) => `${a.provider}/${a.model} ${a.reason}${a.status === undefined ? "" : ` ${a.status}`}`).join(", ")}: ${message}`)
      if (options.json) {
        // The last request that went out: what the runbook asks to compare with a direct curl.
        const request = [...attempts].reverse().find((attempt) => attempt.request !== undefined)?.request
        yield* printEnvelope({
          ...base,
          provider: plan.selected.provider,
          model: plan.selected.model,
          attempts: attempts.map(publicAttempt),
          outputs: [],
          ...(request === undefined ? {} : { request }),
          error: message
        })
      }
      const hint = hintOf(attempts, candidates)
      return yield* new ModelRunFailed({ message, provider: plan.selected.provider, model: plan.selected.model, ...(hint === undefined ? {} : { hint }) })
    }
    const response = outcome.right
    const text = responseText(response)
    const common = {
      ...base,
      provider: response.provider,
      model: response.model,
      attempts: response.attempts.map(publicAttempt),
      request: response.request,
      ...(response.fallback === undefined ? {} : { fallback: response.fallback })
    }
    if (text.trim() === "") {
      const message = noTextOutputMessage(response.provider, response.model)
      yield* Effect.logInfo(`infer model.run: ${response.provider}/${response.model} completed with stopReason=${response.output.rawStopReason ?? response.output.stopReason} and no visible text`)
      if (options.json) yield* printEnvelope({ ...common, outputs: [], error: message })
      return yield* new ModelRunFailed({
        message,
        provider: response.provider,
        model: response.model,
        hint: `the backend completed (stop reason ${response.output.rawStopReason ?? response.output.stopReason}) without user-visible text; check the model's chat template or try another model`
      })
    }
    if (options.json) return yield* printEnvelope({ ...common, ok: true, outputs: [{ text, mediaUrl: null }] })
    if (response.fallback !== undefined) yield* Console.error(response.fallback.notice)
    yield* Console.log(text)
  }).pipe(withModelLog)

/**
 * `openclaw infer model run`: one bare completion (no tools, no transcript) through the configured
 * model chain; `--model` is an explicit choice and never falls back. `--gateway` runs the same raw
 * prompt through the gateway's `agent` method (`modelRun: true`).
 */
export const inferModelRun = (options: InferRunOptions) =>
  Effect.gen(function*() {
    if (options.local && options.gateway) return yield* new InferInputInvalid({ message: "--local and --gateway cannot be combined" })
    if (options.prompt.trim() === "") return yield* new InferInputInvalid({ message: "--prompt must contain non-whitespace text" })
    const agent = options.agent?.trim().toLowerCase()
    if (agent !== undefined && agent !== "main") {
      // The original's refusal of an agent id its config does not list; here only main is configured.
      return yield* new InferInputInvalid({ message: `Unknown agent id "${options.agent?.trim()}". This version runs one agent (main): pass --agent main or leave it out.` })
    }
    if (!options.gateway) return yield* runLocal(options)
    const { inferModelRunViaGateway } = yield* Effect.promise(() => import("./inferGateway.js"))
    return yield* inferModelRunViaGateway(options)
  })
