import { Either } from "effect"
import type { EditOp } from "../config/edits.js"
import { isRecord } from "../isRecord.js"
import { valueAt } from "../valueAt.js"

/** The original's `--custom-*` onboarding flags (an OpenAI- or Anthropic-compatible endpoint). */
export interface CustomProviderFlags {
  readonly baseUrl?: string | undefined
  readonly modelId?: string | undefined
  readonly compatibility?: string | undefined
  readonly apiKey?: string | undefined
  readonly providerId?: string | undefined
  /** `--custom-image-input` (true) / `--custom-text-input` (false); else inferred from the model id. */
  readonly imageInput?: boolean | undefined
  /** `--secret-input-mode ref`: the key is stored as an env SecretRef to `CUSTOM_API_KEY`. */
  readonly secretInputMode?: "plaintext" | "ref" | undefined
}

/** What the custom provider adds: config edits, the paths they set, and the names a user needs. */
export interface CustomProviderPlan {
  readonly ops: ReadonlyArray<EditOp>
  readonly paths: ReadonlyArray<string>
  readonly providerId: string
  readonly modelRef: string
  /** The requested id, when another base URL already owns it and a suffixed one was used. */
  readonly renamedFrom: string | undefined
}

/** The env var the original reads the key from when `--custom-api-key` is absent. */
export const CUSTOM_API_KEY_ENV = "CUSTOM_API_KEY"

const DEFAULT_CONTEXT_WINDOW = 128_000
const DEFAULT_MAX_TOKENS = 4096

const clean = (value: string | undefined) => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

/** Whether any `--custom-*` flag was given (the original then infers `--auth-choice custom-api-key`). */
export const wantsCustomProvider = (flags: CustomProviderFlags) =>
  [flags.baseUrl, flags.modelId, flags.apiKey, flags.providerId, flags.compatibility].some((v) => clean(v) !== undefined) || flags.imageInput !== undefined

const endpointId = (raw: string) => raw.trim().toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")

/** `custom-<host>[-<port>]`, the original's id for an endpoint without `--custom-provider-id`. */
const idFromUrl = (baseUrl: string) => {
  try {
    const url = new URL(baseUrl)
    return endpointId(`custom-${url.hostname.toLowerCase().replace(/[^a-z0-9]+/gi, "-")}${url.port ? `-${url.port}` : ""}`) || "custom"
  } catch {
    return "custom"
  }
}

/** The original's image-input guess from a model's name (vision families yes, known text-only ones no). */
const inferImageInput = (modelId: string): boolean => {
  const id = modelId.toLowerCase()
  return /\b(?:gpt-4o|gpt-4\.1|gpt-[5-9]|o[134])\b/.test(id) || /\bclaude-(?:3|4|sonnet|opus|haiku)\b/.test(id) || /\bgemini\b/.test(id) ||
    /\b(?:qwen[\w.-]*-?vl|qwen-vl)\b/.test(id) || /\b(?:vision|llava|pixtral|internvl|mllama|minicpm-v|glm-4v)\b/.test(id) || /(?:^|[-_/])vl(?:[-_/]|$)/.test(id)
}

const isAzure = (baseUrl: string) => {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase()
    return host.endsWith(".openai.azure.com") || host.endsWith(".services.ai.azure.com")
  } catch {
    return false
  }
}

const API_OF: Readonly<Record<string, string>> = { openai: "openai-completions", "openai-responses": "openai-responses", anthropic: "anthropic-messages" }

/**
 * The original's non-interactive custom provider: `models.providers.<id>` with the base URL, the API of
 * `--custom-compatibility`, the key (flag, else `CUSTOM_API_KEY`, stored as given) and the model (added
 * to the provider's list, or its existing row kept), then the model made the primary one. Its error
 * messages are the original's.
 */
export const planCustomProvider = (
  authored: unknown,
  flags: CustomProviderFlags,
  env: Readonly<Record<string, string | undefined>>
): Either.Either<CustomProviderPlan, string> => {
  const baseUrl = clean(flags.baseUrl)
  const modelId = clean(flags.modelId)
  if (baseUrl === undefined || modelId === undefined) {
    return Either.left("Auth choice \"custom-api-key\" requires a base URL and model ID.\nUse --custom-base-url and --custom-model-id.")
  }
  const compatibility = clean(flags.compatibility)?.toLowerCase() ?? "openai"
  const api = API_OF[compatibility]
  if (api === undefined) return Either.left("Invalid --custom-compatibility (use \"openai\", \"openai-responses\", or \"anthropic\").")
  const requestedId = clean(flags.providerId)
  if (requestedId !== undefined && endpointId(requestedId) === "") return Either.left("Invalid custom provider config: Custom provider ID must include letters, numbers, or hyphens.")
  if (!URL.canParse(baseUrl)) return Either.left("Invalid custom provider config: Custom provider base URL must be a valid URL.")
  if (isAzure(baseUrl)) return Either.left("Invalid custom provider config: Azure OpenAI endpoints are not supported by this version; use an OpenAI-compatible base URL.")

  const providersNode = valueAt(authored, "models", "providers")
  const providers: Record<string, unknown> = isRecord(providersNode) ? providersNode : {}
  // Another base URL already owns the id: the original moves on to <id>-2, -3, ...
  const wanted = endpointId(requestedId ?? idFromUrl(baseUrl)) || "custom"
  const ownerUrl = (id: string) => valueAt(providers[id], "baseUrl")
  let providerId = wanted
  if (ownerUrl(wanted) !== undefined && ownerUrl(wanted) !== baseUrl) {
    let suffix = 2
    while (Object.hasOwn(providers, `${wanted}-${suffix}`)) suffix += 1
    providerId = `${wanted}-${suffix}`
  }
  const owned = providers[providerId]
  const existing: Record<string, unknown> = isRecord(owned) ? owned : {}
  const { apiKey: existingKey, ...existingRest } = existing
  if (flags.secretInputMode === "ref" && clean(env[CUSTOM_API_KEY_ENV]) === undefined) {
    return Either.left(clean(flags.apiKey) !== undefined
      ? `--custom-api-key cannot be used with --secret-input-mode ref unless ${CUSTOM_API_KEY_ENV} is set in env.\nSet ${CUSTOM_API_KEY_ENV} in env and omit --custom-api-key, or use --secret-input-mode plaintext.`
      : `--secret-input-mode ref needs ${CUSTOM_API_KEY_ENV} set in env for the custom provider.`)
  }
  const apiKey = flags.secretInputMode === "ref"
    ? { source: "env", provider: "default", id: CUSTOM_API_KEY_ENV }
    : clean(flags.apiKey) ?? clean(env[CUSTOM_API_KEY_ENV]) ?? existingKey
  const input = (flags.imageInput ?? inferImageInput(modelId)) ? ["text", "image"] : ["text"]
  const nextModel = {
    id: modelId,
    name: `${modelId} (Custom Provider)`,
    contextWindow: DEFAULT_CONTEXT_WINDOW,
    maxTokens: DEFAULT_MAX_TOKENS,
    input,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    reasoning: false
  }
  const listed = existing["models"]
  const existingModels: ReadonlyArray<unknown> = Array.isArray(listed) ? listed : []
  const has = existingModels.some((m) => isRecord(m) && m["id"] === modelId)
  const models = has
    ? existingModels.map((m) => {
      if (!isRecord(m) || m["id"] !== modelId) return m
      const window = typeof m["contextWindow"] === "number" && m["contextWindow"] >= 4000 && m["contextWindow"] !== 4000 ? Math.floor(m["contextWindow"]) : DEFAULT_CONTEXT_WINDOW
      return {
        ...m,
        ...(flags.imageInput === undefined ? {} : { input }),
        name: m["name"] ?? nextModel.name,
        cost: m["cost"] ?? nextModel.cost,
        contextWindow: window,
        maxTokens: m["maxTokens"] ?? nextModel.maxTokens
      }
    })
    : [...existingModels, nextModel]
  const provider = { ...existingRest, baseUrl, api, ...(apiKey === undefined ? {} : { apiKey }), models }

  const modelRef = `${providerId}/${modelId}`
  const currentModel = valueAt(authored, "agents", "defaults", "model")
  const fallbacks = isRecord(currentModel) && Array.isArray(currentModel["fallbacks"]) ? currentModel["fallbacks"] : undefined
  const currentEntry = valueAt(authored, "agents", "defaults", "models", modelRef)
  const edits: Array<[ReadonlyArray<string>, unknown]> = [
    ...(valueAt(authored, "models", "mode") === undefined ? [[["models", "mode"], "merge"] as [ReadonlyArray<string>, unknown]] : []),
    [["models", "providers", providerId], provider],
    [["agents", "defaults", "model"], { ...(fallbacks === undefined ? {} : { fallbacks }), primary: modelRef }],
    [["agents", "defaults", "models", modelRef], currentEntry ?? {}]
  ]
  return Either.right({
    ops: edits.map(([path, value]) => ({ _tag: "Set", path, value, mode: "plain" })),
    paths: edits.map(([path]) => path.join(".")),
    providerId,
    modelRef,
    renamedFrom: providerId === wanted ? undefined : wanted
  })
}
