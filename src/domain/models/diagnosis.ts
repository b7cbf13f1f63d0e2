import type { ModelTarget } from "./catalogue.js"
import { looksLikeUpstreamBlock } from "./errorBody.js"
import { isLongContextRefusal, LONG_CONTEXT_FIXES } from "./longContext.js"

const statusOf = (summary: string) => {
  const match = /^HTTP (\d{3})\b/.exec(summary)
  return match === null ? undefined : Number(match[1])
}

/** Which of the runbook's `model_not_found` causes applies to a target. */
export type NotFoundCause = "base-url-missing-v1" | "wrong-api" | "prefix-in-id" | "server-lacks-id"

const endsWithV1 = (baseUrl: string) => {
  try {
    return /\/v1$/.test(new URL(baseUrl).pathname.replace(/\/+$/, ""))
  } catch {
    return false
  }
}

/**
 * The runbook's `model_not_found` checklist, applied: a missing `/v1`, the wrong `api`, the provider
 * prefix duplicated into the catalogue id, or an id the server does not serve.
 */
export const diagnoseModelNotFound = (target: Pick<ModelTarget, "provider" | "model" | "api" | "baseUrl">): { readonly cause: NotFoundCause; readonly hint: string } => {
  const p = target.provider
  if (target.model.toLowerCase().startsWith(`${p}/`)) {
    const bare = target.model.slice(p.length + 1)
    return {
      cause: "prefix-in-id",
      hint: `models.providers.${p}.models[].id "${target.model}" repeats the provider prefix, so the server was sent "${target.model}"; keep the catalog entry as the bare provider-local id "${bare}" and select it with the provider prefix once: "${p}/${bare}"`
    }
  }
  if (target.api === "openai-completions" && !endsWithV1(target.baseUrl)) {
    return { cause: "base-url-missing-v1", hint: `models.providers.${p}.baseUrl "${target.baseUrl}" must include /v1 (for example "${target.baseUrl.replace(/\/+$/, "")}/v1")` }
  }
  if (target.api !== "openai-completions" && target.api !== "anthropic-messages") {
    return { cause: "wrong-api", hint: `models.providers.${p}.api is "${target.api}"; use "openai-completions" for /v1/chat/completions backends` }
  }
  return {
    cause: "server-lacks-id",
    hint: `the server does not serve "${target.model}": compare with \`curl ${target.baseUrl}/models\` and make models.providers.${p}.models[].id the bare provider-local id; api must be "openai-completions" for /v1/chat/completions backends`
  }
}

/** The runbook fix that matches a provider error, if one does. */
export const diagnoseProviderError = (
  target: Pick<ModelTarget, "provider" | "model" | "api" | "baseUrl">,
  failure: { readonly code: string; readonly summary: string; readonly status?: number | undefined }
): string | undefined => {
  const p = target.provider
  if (looksLikeUpstreamBlock(failure.status ?? statusOf(failure.summary), failure.summary)) {
    return `an upstream security layer (WAF, CDN, reverse proxy) in front of ${target.baseUrl} may have blocked the request, not OpenClaw's config: check the provider side for a block event at this time and allow the API path narrowly; a tiny curl passing does not prove real requests pass`
  }
  if (failure.code === "MODEL_NOT_FOUND") return diagnoseModelNotFound(target).hint
  if (/messages\[[^\]]*\]\.content: invalid type: sequence, expected a string/.test(failure.summary)) {
    return `the backend rejects structured content parts: set models.providers.${p}.models[].compat.requiresStringContent: true`
  }
  if (/validation\.keys|\["role",\s*"content"\]/.test(failure.summary)) {
    return `the backend rejects replay metadata on messages: set models.providers.${p}.models[].compat.strictMessageKeys: true`
  }
  if (/\btools?\b.*(not supported|unsupported|not allowed)|tool_choice/i.test(failure.summary)) {
    return `the backend rejects tool schemas: set models.providers.${p}.models[].compat.supportsTools: false`
  }
  if (isLongContextRefusal(failure.summary)) return LONG_CONTEXT_FIXES.join(" ")
  if (failure.code === "MODEL_AUTH_MISSING") return `set models.providers.${p}.apiKey or export ${p.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY on this host, then \`openclaw models status\``
  return undefined
}
