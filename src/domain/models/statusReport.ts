import { Either, Schema } from "effect"
import { type Catalogue, findProvider, type ProviderEntry } from "./catalogue.js"
import { describeCredential, providerEnvVar } from "./credential.js"
import { FailoverReason } from "./failover.js"
import { type HealthFile, unusableProfiles, type UnusableProfile } from "./health.js"
import { isLongContextRefusal, LONG_CONTEXT_FIXES, longContextCauses } from "./longContext.js"
import { parseModelRef } from "./ModelRef.js"
import { type ConfiguredSelection, defaultModelKey, defaultProviderOf, resolveModel } from "./selection.js"
import { opt } from "../opt.js"

/** Probe result buckets of `models status --probe`. */
export const ProbeBucket = Schema.Literal("ok", "auth", "rate_limit", "billing", "timeout", "format", "unknown", "no_model")
export type ProbeBucket = typeof ProbeBucket.Type

export const ProbeResult = Schema.Struct({
  provider: Schema.String,
  profileId: Schema.String,
  model: opt(Schema.String),
  status: ProbeBucket,
  reason: opt(Schema.String),
  latencyMs: opt(Schema.Number),
  detail: opt(Schema.String)
})
export type ProbeResult = typeof ProbeResult.Type

export const ProviderAuth = Schema.Struct({
  provider: Schema.String,
  api: Schema.String,
  baseUrl: Schema.String,
  local: Schema.Boolean,
  inUse: Schema.Boolean,
  /** `api-key`, `token`, `marker`, `none`. */
  kind: Schema.String,
  source: Schema.String,
  effective: Schema.String,
  usable: Schema.Boolean
})
export type ProviderAuth = typeof ProviderAuth.Type

export const UnusableProfileRow = Schema.Struct({
  profileId: Schema.String,
  provider: Schema.String,
  kind: Schema.Literal("cooldown", "disabled"),
  reason: FailoverReason,
  until: Schema.String,
  remainingMs: Schema.Number,
  model: opt(Schema.String),
  lastError: opt(Schema.String),
  recovery: Schema.String
})
export type UnusableProfileRow = typeof UnusableProfileRow.Type

export const LastFallbackRow = Schema.Struct({
  at: Schema.String,
  selected: Schema.String,
  active: opt(Schema.String),
  reason: FailoverReason,
  outcome: Schema.Literal("fallback", "exhausted"),
  summary: Schema.String,
  /** The runbook's "Look for" lines that apply (long-context 429). */
  causes: Schema.Array(Schema.String),
  fixes: Schema.Array(Schema.String)
})

/** `openclaw models status --json`. */
export const ModelsStatusReport = Schema.Struct({
  configPath: Schema.String,
  defaultModel: Schema.NullOr(Schema.String),
  resolvedDefault: Schema.NullOr(Schema.String),
  fallbacks: Schema.Array(Schema.String),
  aliases: Schema.Record({ key: Schema.String, value: Schema.String }),
  configuredModels: Schema.Array(Schema.String),
  /** `agents.defaults.modelPolicy.allow` as configured (the original's `allowed`); empty allows any model. */
  allowed: Schema.Array(Schema.String),
  auth: Schema.Struct({
    providers: Schema.Array(ProviderAuth),
    oauth: Schema.Struct({ profiles: Schema.Array(Schema.Unknown) }),
    unusableProfiles: Schema.Array(UnusableProfileRow),
    missingProvidersInUse: Schema.Array(Schema.String)
  }),
  lastFallback: opt(LastFallbackRow),
  warnings: Schema.Array(Schema.String),
  probe: opt(Schema.Struct({ results: Schema.Array(ProbeResult) }))
})
export type ModelsStatusReport = typeof ModelsStatusReport.Type

/** The next command or change for a profile that cannot be used now. */
export const recoveryFor = (row: Pick<UnusableProfile, "provider" | "reason" | "lastError">, catalogue: Catalogue): string => {
  const p = row.provider
  const entry = findProvider(catalogue, p)
  if (row.lastError !== undefined && isLongContextRefusal(row.lastError.summary)) {
    return "use a standard-window model (or drop legacy context1m), an eligible credential or an Anthropic API key, or configure fallbacks: openclaw config set agents.defaults.model.fallbacks '[\"<provider/model>\"]'"
  }
  switch (row.reason) {
    case "auth":
    case "auth_permanent":
    case "session_expired":
      return `set models.providers.${p}.apiKey or ${providerEnvVar(p)}, then openclaw models status --probe --probe-provider ${p}`
    case "billing":
      return `check the ${p} account's credits/billing, then openclaw models status --probe --probe-provider ${p}`
    case "timeout":
      return `check the endpoint (curl ${entry?.baseUrl ?? "<baseUrl>"}/models) or raise models.providers.${p}.timeoutSeconds`
    default:
      return `wait for the cooldown, or configure fallbacks: openclaw config set agents.defaults.model.fallbacks '["<provider/model>"]'`
  }
}

const usable = (entry: ProviderEntry) => entry.credential.value !== undefined || entry.local

/** Providers whose models the default selection uses. */
export const providersInUse = (catalogue: Catalogue, selection: ConfiguredSelection): ReadonlyArray<string> => {
  const refs = [defaultModelKey(catalogue, selection), ...selection.fallbacks].filter((ref): ref is string => ref !== undefined)
  const defaultProvider = defaultProviderOf(catalogue, selection)
  const providers = refs.map((ref) => {
    const resolved = resolveModel(catalogue, ref, defaultProvider)
    return Either.isRight(resolved) ? resolved.right.target.provider : parseModelRef(catalogue.aliases.get(ref.toLowerCase()) ?? ref)?.provider
  })
  return [...new Set(providers.filter((p): p is string => p !== undefined))]
}

/** Builds `models status` from the catalogue, the default selection and model health at `now`. */
export const buildStatusReport = (input: {
  readonly configPath: string
  readonly catalogue: Catalogue
  readonly selection: ConfiguredSelection
  readonly health: HealthFile
  readonly now: number
}): ModelsStatusReport => {
  const { catalogue, selection } = input
  const warnings: Array<string> = []
  const configuredDefault = defaultModelKey(catalogue, selection)
  const defaultProvider = defaultProviderOf(catalogue, selection)
  let resolvedDefault: string | null = null
  if (configuredDefault !== undefined) {
    const resolved = resolveModel(catalogue, configuredDefault, defaultProvider)
    if (Either.isRight(resolved)) resolvedDefault = resolved.right.target.key
    else warnings.push(`${resolved.left.message}${resolved.left.hint === undefined ? "" : ` (${resolved.left.hint})`}`)
  } else warnings.push("No model configured: set agents.defaults.model")
  for (const ref of selection.fallbacks) {
    const resolved = resolveModel(catalogue, ref, defaultProvider)
    if (Either.isLeft(resolved)) warnings.push(`Fallback ${resolved.left.message}`)
  }
  for (const [key, entry] of Object.entries(catalogue.metadata)) {
    if (entry.params?.["context1m"] === true) {
      warnings.push(`agents.defaults.models["${key}"].params.context1m is legacy and ignored: 1M context is automatic where GA (Opus 4.6/4.7/4.8, Sonnet 4.6) and the context-1m beta header is no longer sent; remove it`)
    }
  }
  const inUse = providersInUse(catalogue, selection)
  const shown = catalogue.providers.filter((entry) => entry.configured || entry.stored || inUse.includes(entry.id))
  const providers = shown.map((entry): ProviderAuth => ({
    provider: entry.id,
    api: entry.api,
    baseUrl: entry.baseUrl,
    local: entry.local,
    inUse: inUse.includes(entry.id),
    kind: entry.credential.kind,
    source: entry.credential.source,
    effective: entry.credential.value === undefined && entry.local
      ? "none needed (local endpoint)"
      : `${describeCredential(entry.credential)}${entry.baseUrl === "" ? ` (no endpoint: set models.providers.${entry.id}.baseUrl)` : ""}`,
    usable: usable(entry)
  }))
  const missing = inUse.filter((id) => {
    const entry = findProvider(catalogue, id)
    return entry === undefined || !usable(entry)
  })
  const unusable = unusableProfiles(input.health, input.now).map((row): UnusableProfileRow => ({
    profileId: row.profileId,
    provider: row.provider,
    kind: row.kind,
    reason: row.reason,
    until: new Date(row.until).toISOString(),
    remainingMs: row.remainingMs,
    ...(row.model === undefined ? {} : { model: row.model }),
    ...(row.lastError === undefined ? {} : { lastError: row.lastError.summary }),
    recovery: recoveryFor(row, catalogue)
  }))
  const last = input.health.lastFallback
  const lastFallback = last === undefined ? undefined : (() => {
    const longContext = isLongContextRefusal(last.summary)
    const ref = parseModelRef(last.selected)
    return {
      at: new Date(last.at).toISOString(),
      selected: last.selected,
      ...(last.active === undefined ? {} : { active: last.active }),
      reason: last.reason,
      outcome: last.outcome,
      summary: last.summary,
      causes: longContext && ref !== undefined ? longContextCauses({ key: last.selected, modelId: ref.model, params: catalogue.metadata[last.selected]?.params }) : [],
      fixes: longContext ? LONG_CONTEXT_FIXES : []
    }
  })()
  const aliases: Record<string, string> = {}
  for (const [key, entry] of Object.entries(catalogue.metadata)) if (entry.alias !== undefined) aliases[entry.alias] = key
  return {
    configPath: input.configPath,
    defaultModel: configuredDefault ?? null,
    resolvedDefault,
    fallbacks: selection.fallbacks,
    aliases,
    configuredModels: Object.keys(catalogue.metadata),
    allowed: [...(selection.allow ?? [])],
    auth: { providers, oauth: { profiles: [] }, unusableProfiles: unusable, missingProvidersInUse: missing },
    ...(lastFallback === undefined ? {} : { lastFallback }),
    warnings
  }
}

/**
 * `--check`: 1 when no default model resolves, a provider in use has no usable credential or is cooling
 * down, or a probe failed; else 0 (2 = expiring needs OAuth profiles).
 */
export const checkExitCode = (report: ModelsStatusReport): number => {
  const inUse = new Set(report.auth.providers.filter((p) => p.inUse).map((p) => p.provider))
  if (report.resolvedDefault === null) return 1
  if (report.auth.missingProvidersInUse.length > 0) return 1
  if (report.auth.unusableProfiles.some((row) => inUse.has(row.provider))) return 1
  if (report.probe?.results.some((row) => row.status !== "ok") === true) return 1
  return 0
}

/** The probe bucket of a failure reason. */
export const probeBucket = (reason: typeof FailoverReason.Type): ProbeBucket => {
  switch (reason) {
    case "auth":
    case "auth_permanent":
    case "session_expired":
      return "auth"
    case "rate_limit":
    case "overloaded":
      return "rate_limit"
    case "billing":
      return "billing"
    case "timeout":
      return "timeout"
    case "format":
    case "context_overflow":
      return "format"
    default:
      return "unknown"
  }
}
