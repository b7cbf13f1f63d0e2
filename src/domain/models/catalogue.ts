import { Redacted } from "effect"
import { type AuthProfileFile, emptyAuthProfiles, storedCredential, storedProviders } from "../auth/authProfiles.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import { valueAt } from "../valueAt.js"
import type { ModelApi, ModelCompat, OpenClawConfig } from "../config/ConfigSchema.js"
import { type Credential, resolveCredential } from "./credential.js"
import { isLocalBaseUrl } from "./locality.js"
import { defaultContextWindow } from "./longContext.js"
import { modelKey } from "./ModelRef.js"

export type Api = typeof ModelApi.Type
export type Compat = typeof ModelCompat.Type

/** A provider as the clients see it: built-in defaults overlaid with `models.providers.<id>`. */
export interface ProviderEntry {
  readonly id: string
  readonly api: Api
  readonly baseUrl: string
  readonly credential: Credential
  /** Custom headers (values may be secrets: shown redacted). */
  readonly headers: Readonly<Record<string, Redacted.Redacted<string>>>
  /** Send the credential as `Authorization: Bearer` on Chat Completions (default true). */
  readonly authHeader: boolean
  readonly timeoutMs: number | undefined
  readonly maxTokens: number | undefined
  readonly params: Readonly<Record<string, unknown>>
  readonly local: boolean
  /** Configured under `models.providers` (false: a built-in default only). */
  readonly configured: boolean
  readonly builtIn: boolean
  /** Has a profile in the auth-profile store (usable or not). */
  readonly stored: boolean
}

/** One selectable model with everything a client needs to call it. */
export interface ModelTarget {
  readonly provider: string
  /** The bare, server-local id sent as `model`. */
  readonly model: string
  /** `provider/model`. */
  readonly key: string
  readonly name: string | undefined
  readonly providerEntry: ProviderEntry
  readonly api: Api
  readonly baseUrl: string
  readonly reasoning: boolean
  readonly input: ReadonlyArray<string>
  readonly contextWindow: number
  readonly maxTokens: number
  readonly compat: Compat
  /** Provider params, then the row's, then `agents.defaults.models["p/m"].params`. */
  readonly params: Readonly<Record<string, unknown>>
  readonly headers: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly alias: string | undefined
  /** Listed in `models.providers.<id>.models[]` (false: a built-in provider's uncatalogued id). */
  readonly catalogued: boolean
}

/** The resolved model catalogue of one config and environment. */
export interface Catalogue {
  readonly providers: ReadonlyArray<ProviderEntry>
  readonly models: ReadonlyArray<ModelTarget>
  /** Lowercased alias -> `provider/model`. */
  readonly aliases: ReadonlyMap<string, string>
  /** `agents.defaults.models` keys and their metadata. */
  readonly metadata: Readonly<Record<string, { readonly alias?: string | undefined; readonly params?: Readonly<Record<string, unknown>> | undefined }>>
}

export const DEFAULT_MAX_TOKENS = 8192

interface BuiltIn {
  readonly api: Api
  readonly baseUrl: string
}

// Providers that need no `models.providers` block: any model id under them resolves (their hosted
// catalogues are not bundled here), with defaults the config can override.
const BUILT_IN: Readonly<Record<string, BuiltIn>> = {
  anthropic: { api: "anthropic-messages", baseUrl: "https://api.anthropic.com" },
  openai: { api: "openai-completions", baseUrl: "https://api.openai.com/v1" }
}

type ProviderConfig = NonNullable<NonNullable<NonNullable<OpenClawConfig["models"]>["providers"]>[string]>
type ModelDefinition = NonNullable<ProviderConfig["models"]>[number]

const headerMap = (
  headers: Readonly<Record<string, string | { readonly source: "env" | "file" | "exec" | "store"; readonly provider: string; readonly id: string }>> | undefined,
  env: Readonly<Record<string, string | undefined>>
) => {
  const out: Record<string, Redacted.Redacted<string>> = {}
  for (const [name, input] of Object.entries(headers ?? {})) {
    const value = resolveSecret(input, env).value
    if (value !== undefined) out[name.toLowerCase()] = Redacted.make(value)
  }
  return out
}

/** The auth-profile store as read for one catalogue, and the time its token expiries are judged at. */
export interface StoredAuth {
  readonly store: AuthProfileFile
  /** `auth.order` of the config: provider -> profile ids. */
  readonly order: Readonly<Record<string, ReadonlyArray<string>>>
  readonly now: number
}

const noStoredAuth: StoredAuth = { store: emptyAuthProfiles, order: {}, now: 0 }

/** `auth.order` of a config (a section this version keeps without validating): only string lists count. */
export const authOrderOf = (config: unknown): Readonly<Record<string, ReadonlyArray<string>>> => {
  const order = valueAt(config, "auth", "order")
  if (typeof order !== "object" || order === null) return {}
  return Object.fromEntries(Object.entries(order).filter((entry): entry is [string, Array<string>] =>
    Array.isArray(entry[1]) && entry[1].every((id) => typeof id === "string")).map(([provider, ids]) => [provider.toLowerCase(), ids]))
}

const providerEntry = (id: string, config: ProviderConfig | undefined, env: Readonly<Record<string, string | undefined>>, auth: StoredAuth): ProviderEntry => {
  const builtIn = BUILT_IN[id]
  // A custom provider with a baseUrl and no api is Chat Completions (MLX, vLLM, SGLang, llama.cpp, LiteLLM).
  const api: Api = config?.api ?? builtIn?.api ?? "openai-completions"
  const baseUrl = (config?.baseUrl ?? builtIn?.baseUrl ?? "").replace(/\/+$/, "")
  return {
    id,
    api,
    baseUrl,
    credential: resolveCredential(id, config?.apiKey, env, storedCredential(auth.store, id, auth.order[id], env, auth.now)),
    headers: headerMap(config?.headers, env),
    authHeader: config?.authHeader ?? true,
    timeoutMs: config?.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000,
    maxTokens: config?.maxTokens,
    params: config?.params ?? {},
    local: isLocalBaseUrl(baseUrl),
    configured: config !== undefined,
    builtIn: builtIn !== undefined,
    stored: storedProviders(auth.store).includes(id)
  }
}

const targetOf = (
  entry: ProviderEntry,
  row: ModelDefinition | undefined,
  modelId: string,
  catalogue: Pick<Catalogue, "metadata">
): ModelTarget => {
  const key = modelKey({ provider: entry.id, model: modelId })
  const meta = catalogue.metadata[key]
  const api = row?.api ?? entry.api
  const baseUrl = (row?.baseUrl ?? entry.baseUrl).replace(/\/+$/, "")
  const rowHeaders: Record<string, Redacted.Redacted<string>> = {}
  for (const [name, value] of Object.entries(row?.headers ?? {})) rowHeaders[name.toLowerCase()] = Redacted.make(value)
  return {
    provider: entry.id,
    model: modelId,
    key,
    name: row?.name,
    providerEntry: entry,
    api,
    baseUrl,
    reasoning: row?.reasoning ?? false,
    input: row?.input ?? ["text"],
    contextWindow: row?.contextWindow ?? defaultContextWindow(api, modelId),
    maxTokens: row?.maxTokens ?? entry.maxTokens ?? DEFAULT_MAX_TOKENS,
    compat: row?.compat ?? {},
    params: { ...entry.params, ...(row?.params ?? {}), ...(meta?.params ?? {}) },
    headers: { ...entry.headers, ...rowHeaders },
    alias: meta?.alias,
    catalogued: row !== undefined
  }
}

/** Builds the catalogue from the config, the environment and the auth-profile store (pure). */
export const buildCatalogue = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>, auth: StoredAuth = noStoredAuth): Catalogue => {
  const configured = config.models?.providers ?? {}
  const metadata = config.agents?.defaults?.models ?? {}
  const aliases = new Map<string, string>()
  for (const [key, entry] of Object.entries(metadata)) {
    if (entry.alias !== undefined && entry.alias.trim() !== "") aliases.set(entry.alias.trim().toLowerCase(), key)
  }
  const ids = [...new Set([...Object.keys(configured).map((id) => id.toLowerCase()), ...Object.keys(BUILT_IN), ...storedProviders(auth.store)])]
  const byLower = new Map(Object.entries(configured).map(([id, value]) => [id.toLowerCase(), value]))
  const providers = ids.map((id) => providerEntry(id, byLower.get(id), env, auth))
  const partial = { metadata }
  const models = providers.flatMap((entry) => (byLower.get(entry.id)?.models ?? []).map((row) => targetOf(entry, row, row.id, partial)))
  return { providers, models, aliases, metadata }
}

/** The provider entry of an id, if configured or built in. */
export const findProvider = (catalogue: Catalogue, id: string): ProviderEntry | undefined =>
  catalogue.providers.find((entry) => entry.id === id.toLowerCase())

/** A catalogued row, or for a built-in provider a synthetic row for any id. */
export const findTarget = (catalogue: Catalogue, provider: string, model: string): ModelTarget | undefined => {
  const row = catalogue.models.find((target) => target.provider === provider && target.model === model)
  if (row !== undefined) return row
  const entry = findProvider(catalogue, provider)
  if (entry === undefined || !entry.builtIn) return undefined
  const rows = catalogue.models.filter((target) => target.provider === provider)
  // A built-in provider with its own catalogue rows is as strict as any configured one.
  return rows.length > 0 ? undefined : targetOf(entry, undefined, model, catalogue)
}
