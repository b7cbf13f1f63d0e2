/** Spec 1.5: Anthropic's 1M context window, the retired beta header and the long-context 429. */

/** The beta header older configs sent for `params.context1m: true`; never sent any more. */
export const RETIRED_CONTEXT_1M_BETA = "context-1m-2025-08-07"

/** Token (subscription/OAuth) auth needs this beta flag on the Messages API. */
export const OAUTH_BETA = "oauth-2025-04-20"

/** The exact refusal text of an ineligible credential on the 1M path. */
export const LONG_CONTEXT_REFUSAL = "Extra usage is required for long context requests"

export const LONG_CONTEXT_WINDOW = 1_000_000
export const STANDARD_CONTEXT_WINDOW = 200_000

// GA 1M: Opus 4.6/4.7/4.8, Sonnet 4.6 and the 5-series (auto-sized, no flag needed).
const GA_LONG_CONTEXT = [/^claude-opus-4-[678](\b|-|$)/, /^claude-sonnet-4-6(\b|-|$)/, /^claude-(opus|sonnet|mythos|fable)-5(\b|-|$)/]

/** True for Claude models whose 1M window is GA and sized automatically. */
export const hasNativeLongContext = (modelId: string): boolean => {
  const id = modelId.toLowerCase().replace(/^anthropic\//, "")
  return GA_LONG_CONTEXT.some((pattern) => pattern.test(id))
}

/** The context window to assume when the catalogue row sets none. */
export const defaultContextWindow = (api: string, modelId: string): number =>
  api === "anthropic-messages" && hasNativeLongContext(modelId) ? LONG_CONTEXT_WINDOW : STANDARD_CONTEXT_WINDOW

/** True when a token looks like Anthropic subscription/OAuth token auth rather than an API key. */
export const isAnthropicTokenAuth = (secret: string): boolean => secret.startsWith("sk-ant-oat")

/**
 * The `anthropic-beta` value to send: the configured flags minus the retired 1M flag, plus the OAuth
 * flag for token auth; `undefined` when nothing is left.
 */
export const anthropicBetaHeader = (configured: string | undefined, tokenAuth: boolean): string | undefined => {
  const flags = (configured ?? "")
    .split(",")
    .map((flag) => flag.trim())
    .filter((flag) => flag !== "" && flag !== RETIRED_CONTEXT_1M_BETA)
  if (tokenAuth && !flags.includes(OAUTH_BETA)) flags.push(OAUTH_BETA)
  return flags.length === 0 ? undefined : flags.join(",")
}

/** True when an error is Anthropic's long-context refusal. */
export const isLongContextRefusal = (message: string): boolean => message.includes(LONG_CONTEXT_REFUSAL)

/** Whether a model's metadata still carries the legacy flag. */
export const hasLegacyContext1m = (params: Readonly<Record<string, unknown>> | undefined): boolean => params?.["context1m"] === true

/** The runbook's "Look for" lines that apply to a model that hit the long-context 429. */
export const longContextCauses = (input: { readonly key: string; readonly modelId: string; readonly params: Readonly<Record<string, unknown>> | undefined }): ReadonlyArray<string> => {
  const causes: Array<string> = []
  if (hasNativeLongContext(input.modelId)) causes.push(`${input.key} is a GA-capable 1M Claude 4.x model (Opus 4.6/4.7/4.8, Sonnet 4.6)`)
  if (hasLegacyContext1m(input.params)) causes.push(`agents.defaults.models["${input.key}"] still carries legacy params.context1m: true`)
  causes.push("the current Anthropic credential is not eligible for long-context usage")
  causes.push("requests fail only on long sessions/model runs that need the 1M context path")
  return causes
}

/** The runbook's three fixes, in order. */
export const LONG_CONTEXT_FIXES: ReadonlyArray<string> = [
  "Use a standard context window: switch to a standard-window model, or remove legacy context1m from older model config that is not GA-capable for 1M context.",
  "Use an eligible credential: use an Anthropic credential that is eligible for long-context requests, or switch to an Anthropic API key.",
  "Configure fallback models so runs continue when Anthropic long-context requests are rejected."
]
