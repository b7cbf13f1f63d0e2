import { Either } from "effect"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { type Catalogue, findProvider, findTarget, type ModelTarget } from "./catalogue.js"
import { ModelNotAllowed, NoModelConfigured, UnknownModel } from "./errors.js"
import { modelKey, parseModelRef } from "./ModelRef.js"

/** `agents.defaults.model` in its one shape: a primary and its configured fallbacks. */
export interface ConfiguredSelection {
  readonly primary: string | undefined
  readonly fallbacks: ReadonlyArray<string>
  /** `agents.defaults.modelPolicy.allow` (`provider/model` or `provider/*`); empty allows any model. */
  readonly allow?: ReadonlyArray<string> | undefined
}

/** Accepts the string form or `{primary, fallbacks}`. */
export const configuredSelection = (config: OpenClawConfig): ConfiguredSelection => {
  const model = config.agents?.defaults?.model
  const allow = config.agents?.defaults?.modelPolicy?.allow ?? []
  if (model === undefined) return { primary: undefined, fallbacks: [], allow }
  if (typeof model === "string") return { primary: model.trim() === "" ? undefined : model.trim(), fallbacks: [], allow }
  return { primary: model.primary?.trim() === "" ? undefined : model.primary?.trim(), fallbacks: model.fallbacks ?? [], allow }
}

const POLICY_PATH = "agents.defaults.modelPolicy.allow"

/** Whether the allowlist covers `key` (`provider/model`): an exact entry or `provider/*`; an empty list allows all. */
export const modelAllowed = (allow: ReadonlyArray<string> | undefined, key: string): boolean => {
  if (allow === undefined || allow.length === 0) return true
  const lower = key.toLowerCase()
  const provider = lower.slice(0, lower.indexOf("/"))
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase()
    return e === lower || e === "*" || (e.endsWith("/*") && e.slice(0, -2) === provider)
  })
}

/** A resolved model plus anything worth telling the user about how it was resolved. */
export interface Resolved {
  readonly target: ModelTarget
  readonly warnings: ReadonlyArray<string>
}

const unknown = (ref: string, hint?: string) =>
  new UnknownModel({ message: `Unknown model: ${ref}`, ref, ...(hint === undefined ? {} : { hint }) })

// Why a prefixed ref did not match, told in the runbook's words.
const unknownHint = (catalogue: Catalogue, provider: string, model: string): string | undefined => {
  const rows = catalogue.models.filter((row) => row.provider === provider)
  const duplicated = rows.find((row) => row.model === `${provider}/${model}`)
  if (duplicated !== undefined) {
    return `models.providers.${provider}.models[].id "${duplicated.model}" repeats the provider prefix; keep the catalog entry as the bare id "${model}" and select it as "${provider}/${model}"`
  }
  if (model.startsWith(`${provider}/`) && rows.some((row) => row.model === model.slice(provider.length + 1))) {
    return `the provider prefix is given twice; select it with the prefix once: "${provider}/${model.slice(provider.length + 1)}"`
  }
  if (findProvider(catalogue, provider) === undefined) {
    const owner = catalogue.models.find((row) => row.model === `${provider}/${model}`)
    if (owner !== undefined) return `the provider prefix is missing; select it as "${owner.key}" (provider prefix once, then the bare id)`
    return `no provider "${provider}" is configured under models.providers`
  }
  if (rows.length > 0) return `models.providers.${provider}.models[] has: ${rows.map((row) => row.model).join(", ")}`
  return undefined
}

/**
 * Resolves user or config input to a catalogued model: an alias first; `provider/model` split on the
 * first `/`; an unprefixed id by a unique catalogue match, else under the default provider (deprecated).
 */
export const resolveModel = (catalogue: Catalogue, input: string, defaultProvider?: string): Either.Either<Resolved, UnknownModel> => {
  const trimmed = input.trim()
  const aliased = catalogue.aliases.get(trimmed.toLowerCase())
  const text = aliased ?? trimmed
  if (text.includes("/")) {
    const ref = parseModelRef(text)
    if (ref === undefined) return Either.left(unknown(text))
    const target = findTarget(catalogue, ref.provider, ref.model)
    return target === undefined
      ? Either.left(unknown(modelKey(ref), unknownHint(catalogue, ref.provider, ref.model)))
      : Either.right({ target, warnings: [] })
  }
  const matches = catalogue.models.filter((row) => row.model === text)
  if (matches.length === 1 && matches[0] !== undefined) return Either.right({ target: matches[0], warnings: [] })
  if (defaultProvider !== undefined) {
    const target = findTarget(catalogue, defaultProvider, text)
    const warning = `Model "${text}" has no provider prefix; assuming "${defaultProvider}/${text}" (deprecated: use provider/model)`
    if (target !== undefined) return Either.right({ target, warnings: [warning] })
  }
  const hint = matches.length > 1 ? `"${text}" is offered by several providers: ${matches.map((row) => row.key).join(", ")}` : undefined
  return Either.left(unknown(text, hint))
}

/** The configured default: `agents.defaults.model` primary, else the first catalogued model. */
export const defaultModelKey = (catalogue: Catalogue, selection: ConfiguredSelection): string | undefined =>
  selection.primary ?? catalogue.models[0]?.key

/** The provider of the configured default, used for unprefixed input. */
export const defaultProviderOf = (catalogue: Catalogue, selection: ConfiguredSelection): string | undefined => {
  const key = defaultModelKey(catalogue, selection)
  if (key === undefined) return undefined
  const aliased = catalogue.aliases.get(key.toLowerCase()) ?? key
  return parseModelRef(aliased)?.provider
}

/** How a run's model was chosen: an explicit user choice is strict and never falls back (spec 1.4). */
export interface SelectionRequest {
  /** `--model`, `/model`, a picker: explicit and strict. */
  readonly explicit?: string | undefined
  /** A caller's first choice that is not strict (cron `payload.model`): the configured fallbacks still apply. */
  readonly requested?: string | undefined
  /** A caller's exact fallback list (cron `payload.fallbacks`); `[]` means strict. */
  readonly fallbacksOverride?: ReadonlyArray<string> | undefined
}

/**
 * The selection of one run: a `model` alone is the user's strict pick; with `fallbacks` (the run's exact
 * chain) or `modelStrict: false` (a job's preference) it is the first candidate of a chain.
 */
export const runSelection = (run: {
  readonly model?: string | undefined
  readonly fallbacks?: ReadonlyArray<string> | undefined
  readonly modelStrict?: boolean | undefined
}): SelectionRequest => {
  const model = run.model?.trim() === "" ? undefined : run.model?.trim()
  if (run.fallbacks === undefined && run.modelStrict !== false) return { explicit: model }
  return { requested: model, ...(run.fallbacks === undefined ? {} : { fallbacksOverride: run.fallbacks }) }
}

const dedupe = (refs: ReadonlyArray<string>) => [...new Set(refs)]

/**
 * The candidate chain (spec 1.4): the requested model first; an explicit selection alone; an override
 * exactly; otherwise the configured fallbacks and then the configured primary, de-duplicated.
 */
export const fallbackChain = (input: {
  readonly requested: string
  readonly explicit: boolean
  readonly fallbacksOverride?: ReadonlyArray<string> | undefined
  readonly configured: ConfiguredSelection
}): ReadonlyArray<string> => {
  // An exact override wins even over an explicit model: the caller named the whole chain.
  if (input.fallbacksOverride !== undefined) return dedupe([input.requested, ...input.fallbacksOverride])
  if (input.explicit) return [input.requested]
  const primary = input.configured.primary === undefined ? [] : [input.configured.primary]
  return dedupe([input.requested, ...input.configured.fallbacks, ...primary])
}

/** The resolved plan for one run: the first candidate and the ones to fall back to. */
export interface ModelPlan {
  readonly selected: ModelTarget
  readonly fallbacks: ReadonlyArray<ModelTarget>
  readonly explicit: boolean
  readonly warnings: ReadonlyArray<string>
}

/**
 * Resolves the chain for a run. The first candidate must resolve; later ones that do not are
 * skipped with a warning (they are operator intent, but an unknown one cannot be tried).
 */
export const planModels = (
  catalogue: Catalogue,
  selection: ConfiguredSelection,
  request: SelectionRequest
): Either.Either<ModelPlan, UnknownModel | NoModelConfigured | ModelNotAllowed> => {
  const override = request.explicit ?? request.requested
  const requested = override ?? defaultModelKey(catalogue, selection)
  if (requested === undefined) {
    return Either.left(new NoModelConfigured({ message: "No model configured: set agents.defaults.model or pass --model provider/model" }))
  }
  const defaultProvider = defaultProviderOf(catalogue, selection)
  const first = resolveModel(catalogue, requested, defaultProvider)
  if (Either.isLeft(first)) return Either.left(first.left)
  const chain = fallbackChain({
    requested: first.right.target.key,
    explicit: request.explicit !== undefined,
    fallbacksOverride: request.fallbacksOverride,
    configured: selection
  })
  const warnings = [...first.right.warnings]
  const allow = selection.allow
  const key = first.right.target.key
  if (!modelAllowed(allow, key)) {
    if (override !== undefined) {
      return Either.left(new ModelNotAllowed({
        ref: key,
        message: `Model override "${key}" is not allowed for agent "main" by ${POLICY_PATH}. Add "${key}" or "${first.right.target.provider}/*" to ${POLICY_PATH}, or remove/empty the list to allow any model.`
      }))
    }
  }
  const fallbacks: Array<ModelTarget> = []
  const seen = new Set([first.right.target.key])
  for (const ref of chain.slice(1)) {
    const resolved = resolveModel(catalogue, ref, defaultProvider)
    if (Either.isLeft(resolved)) {
      warnings.push(`Skipping fallback ${ref}: ${resolved.left.message}`)
      continue
    }
    if (seen.has(resolved.right.target.key)) continue
    seen.add(resolved.right.target.key)
    fallbacks.push(resolved.right.target)
  }
  if (!modelAllowed(allow, key)) {
    // The configured default is outside the allowlist: run on the first allowed candidate instead.
    const allowed = fallbacks.find((target) => modelAllowed(allow, target.key))
    if (allowed === undefined) {
      return Either.left(new ModelNotAllowed({ ref: key, message: `Configured default model "${key}" is not allowed by ${POLICY_PATH}, and no allowed model is available.` }))
    }
    warnings.push(`Configured default model "${key}" is not allowed by ${POLICY_PATH}; using ${allowed.key}.`)
    return Either.right({ selected: allowed, fallbacks: fallbacks.filter((target) => target !== allowed), explicit: false, warnings })
  }
  return Either.right({ selected: first.right.target, fallbacks, explicit: request.explicit !== undefined, warnings })
}

/** The DM notice when a turn moved onto a fallback (spec 1.4). */
export const fallbackNotice = (fallback: string, primary: string, reason: string) =>
  `↪️ Model Fallback: ${fallback} (selected ${primary}; ${reason})`

/** The DM notice when a later turn is back on the selected primary. */
export const fallbackClearedNotice = (primary: string, fallback: string) => `↪️ Model Fallback cleared: ${primary} (was ${fallback})`

/** Said once while an all-overloaded chain keeps being retried (spec 1.4). */
export const OVERLOAD_NOTICE = "The AI service is temporarily overloaded. I’m still retrying; this may take a few minutes."

