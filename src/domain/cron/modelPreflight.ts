import { isLocalBaseUrl } from "../models/locality.js"

/** How long one endpoint's preflight verdict is reused (the original's 5 minutes). */
export const PREFLIGHT_CACHE_TTL_MS = 300_000
/** How long the preflight waits for a local endpoint to answer. */
export const PREFLIGHT_TIMEOUT_MS = 2500

/** A model candidate of an isolated cron turn, with what its provider's config says. */
export interface PreflightCandidate {
  readonly provider: string
  readonly model: string
  /** The provider's `baseUrl` as configured (before trailing slashes are dropped). */
  readonly baseUrl: string | undefined
  /** The provider's `api` as configured (the original probes only an explicit `openai-completions` or `ollama`). */
  readonly api: string | undefined
}

/** What to GET to see whether a local provider is up, and the key its verdict is cached under. */
export interface PreflightProbe {
  readonly url: string
  readonly cacheKey: string
  readonly baseUrl: string
}

/**
 * The probe of a candidate, or `undefined` when it is not checked (remote, no base URL, another api):
 * local Chat Completions servers answer `<baseUrl>/models`, Ollama `<baseUrl>/api/tags`.
 */
export const preflightProbe = (candidate: PreflightCandidate): PreflightProbe | undefined => {
  const baseUrl = candidate.baseUrl?.trim().replace(/\/+$/, "")
  const api = candidate.api?.trim().toLowerCase()
  if (baseUrl === undefined || baseUrl === "" || (api !== "openai-completions" && api !== "ollama") || !isLocalBaseUrl(baseUrl)) return undefined
  return { url: api === "ollama" ? `${baseUrl}/api/tags` : `${baseUrl}/models`, cacheKey: `${api}\0${baseUrl}`, baseUrl }
}

/** The skip reason of an unreachable candidate, in the original's words. */
export const preflightUnavailableReason = (input: { readonly provider: string; readonly model: string; readonly baseUrl: string; readonly error: string }): string => {
  const error = input.error.length <= 1000 ? input.error : `${input.error.slice(0, 999)}…`
  return [
    `This automation uses ${input.provider}/${input.model} but the local provider preflight failed at ${input.baseUrl}.`,
    "The candidate is unavailable for this run; OpenClaw will retry its provider preflight on a later scheduled run.",
    `Last error: ${error}`
  ].join(" ")
}

/** The preflight's verdict over a chain: run on `selected` with the rest as fallbacks, or skip with a reason. */
export type PreflightVerdict =
  | { readonly ok: true; readonly selectedIndex: number; readonly warning?: string | undefined }
  | { readonly ok: false; readonly reason: string }

/**
 * Picks the first reachable candidate (spec 3.3): all down → skip with the first one's reason; a later
 * one up → continue on it, with a warning naming the first failure.
 */
export const preflightVerdict = (results: ReadonlyArray<{ readonly candidate: PreflightCandidate; readonly unavailable?: string | undefined }>, jobId: string): PreflightVerdict => {
  const firstDown = results.find((r) => r.unavailable !== undefined)?.unavailable
  const index = results.findIndex((r) => r.unavailable === undefined)
  if (index < 0) return firstDown === undefined ? { ok: true, selectedIndex: 0 } : { ok: false, reason: firstDown }
  const selected = results[index]?.candidate
  const warning = index > 0 && firstDown !== undefined && selected !== undefined
    ? `[cron:${jobId}] ${firstDown}; continuing with fallback ${selected.provider}/${selected.model}.`
    : undefined
  return { ok: true, selectedIndex: index, warning }
}
