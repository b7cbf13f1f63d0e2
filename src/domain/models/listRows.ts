import { Either, Schema } from "effect"
import type { Catalogue, ModelTarget } from "./catalogue.js"
import { type ConfiguredSelection, defaultModelKey, defaultProviderOf, resolveModel } from "./selection.js"

/** One row of `openclaw models list`. */
export const ModelListRow = Schema.Struct({
  key: Schema.String,
  name: Schema.NullOr(Schema.String),
  input: Schema.Array(Schema.String),
  contextWindow: Schema.NullOr(Schema.Number),
  maxTokens: Schema.NullOr(Schema.Number),
  local: Schema.Boolean,
  available: Schema.Boolean,
  tags: Schema.Array(Schema.String),
  missing: Schema.Boolean
})
export type ModelListRow = typeof ModelListRow.Type

export const ModelListReport = Schema.Struct({ count: Schema.Number, models: Schema.Array(ModelListRow) })
export type ModelListReport = typeof ModelListReport.Type

const rowOf = (target: ModelTarget, tags: ReadonlyArray<string>): ModelListRow => ({
  key: target.key,
  name: target.name ?? null,
  input: target.input,
  contextWindow: target.contextWindow,
  maxTokens: target.maxTokens,
  local: target.providerEntry.local,
  available: target.providerEntry.credential.value !== undefined || target.providerEntry.local,
  tags,
  missing: false
})

/**
 * The catalogue as `models list` shows it: catalogued rows plus models the config refers to (the
 * default, fallbacks, `agents.defaults.models` keys); a reference that does not resolve is `missing`.
 */
export const listRows = (
  catalogue: Catalogue,
  selection: ConfiguredSelection,
  filter: { readonly provider?: string | undefined; readonly local?: boolean | undefined } = {}
): ModelListReport => {
  const tags = new Map<string, Array<string>>()
  const tag = (key: string, label: string) => tags.set(key, [...(tags.get(key) ?? []), label])
  const rows = new Map<string, ModelListRow>()
  const defaultProvider = defaultProviderOf(catalogue, selection)
  const add = (ref: string, label: string | undefined) => {
    const resolved = resolveModel(catalogue, ref, defaultProvider)
    if (Either.isLeft(resolved)) {
      if (!rows.has(ref)) rows.set(ref, { key: ref, name: null, input: [], contextWindow: null, maxTokens: null, local: false, available: false, tags: [], missing: true })
      if (label !== undefined) tag(ref, label)
      return
    }
    const key = resolved.right.target.key
    if (!rows.has(key)) rows.set(key, rowOf(resolved.right.target, []))
    if (label !== undefined) tag(key, label)
  }
  const primary = defaultModelKey(catalogue, selection)
  if (primary !== undefined) add(primary, "default")
  selection.fallbacks.forEach((ref, i) => add(ref, `fallback#${i + 1}`))
  for (const [key, meta] of Object.entries(catalogue.metadata)) add(key, meta.alias === undefined ? "configured" : `alias:${meta.alias}`)
  for (const target of catalogue.models) if (!rows.has(target.key)) rows.set(target.key, rowOf(target, []))
  const models = [...rows.values()]
    .map((row) => ({ ...row, tags: tags.get(row.key) ?? [] }))
    .filter((row) => filter.provider === undefined || row.key.startsWith(`${filter.provider.toLowerCase()}/`))
    .filter((row) => filter.local !== true || row.local)
  return { count: models.length, models }
}

/** `200k`, `1M`: a context window for a table cell. */
export const formatContext = (tokens: number | null): string => {
  if (tokens === null) return "-"
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(1))}M`
  return `${Math.round(tokens / 1000)}k`
}
