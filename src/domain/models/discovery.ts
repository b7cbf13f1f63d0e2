import { Either, ParseResult, Redacted, Schema } from "effect"
import type { ProviderEntry } from "./catalogue.js"
import type { ModelListReport, ModelListRow } from "./listRows.js"

/** One model a provider's list endpoint named. */
export interface DiscoveredModel {
  readonly id: string
  readonly name: string | undefined
}

/** What refreshing one provider gave: its models, or why it could not (the original's outcome words). */
export type DiscoveryOutcome =
  | { readonly provider: string; readonly status: "ready"; readonly models: ReadonlyArray<DiscoveredModel> }
  | { readonly provider: string; readonly status: "missing-auth" | "failed"; readonly error: string }

/** The GET that lists a provider's models: OpenAI-style `<baseUrl>/models`, Anthropic's `<baseUrl>/v1/models`. */
export const discoveryRequest = (provider: ProviderEntry): { readonly url: string; readonly headers: Record<string, string> } => {
  const base = provider.baseUrl.replace(/\/+$/, "")
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(provider.headers)) headers[name] = Redacted.value(value)
  const key = provider.credential.value === undefined ? undefined : Redacted.value(provider.credential.value)
  if (provider.api === "anthropic-messages") {
    headers["anthropic-version"] = "2023-06-01"
    if (key !== undefined) headers["x-api-key"] = key
    return { url: `${/\/v1$/.test(base) ? base : `${base}/v1`}/models`, headers }
  }
  if (key !== undefined && provider.authHeader) headers["authorization"] = `Bearer ${key}`
  return { url: `${base}/models`, headers }
}

// Both APIs answer `{ data: [{ id, ... }] }`; Anthropic adds `display_name`, some OpenAI-compatible servers `name`.
const ListBody = Schema.Struct({
  data: Schema.Array(Schema.Struct({
    id: Schema.String.pipe(Schema.minLength(1)),
    display_name: Schema.optionalWith(Schema.String, { exact: true }),
    name: Schema.optionalWith(Schema.String, { exact: true })
  }))
})

/** The models of a list response, or what was wrong with it (`data[0].id: ...`). */
export const parseDiscovered = (body: unknown): Either.Either<ReadonlyArray<DiscoveredModel>, string> =>
  Schema.decodeUnknownEither(ListBody, { errors: "all" })(body).pipe(
    Either.map((decoded) => decoded.data.map((row) => ({ id: row.id, name: row.display_name ?? row.name }))),
    Either.mapLeft((error) =>
      ParseResult.ArrayFormatter.formatErrorSync(error).slice(0, 3).map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ")
    )
  )

/**
 * The list with the refreshed providers' models added after the configured rows (a model already listed
 * keeps its row; a discovered one gains its name when the config gave none), filtered as the list is.
 */
export const withDiscovered = (
  report: ModelListReport,
  outcomes: ReadonlyArray<DiscoveryOutcome>,
  providers: ReadonlyArray<ProviderEntry>,
  filter: { readonly provider?: string | undefined; readonly local?: boolean | undefined }
): ModelListReport => {
  const rows = new Map(report.models.map((row) => [row.key, row]))
  for (const outcome of outcomes) {
    if (outcome.status !== "ready") continue
    const entry = providers.find((p) => p.id === outcome.provider)
    if (entry === undefined) continue
    if (filter.provider !== undefined && entry.id !== filter.provider.toLowerCase()) continue
    if (filter.local === true && !entry.local) continue
    for (const model of outcome.models) {
      const key = `${entry.id}/${model.id}`
      const known = rows.get(key)
      if (known !== undefined) {
        if (known.name === null && model.name !== undefined) rows.set(key, { ...known, name: model.name })
        continue
      }
      const row: ModelListRow = {
        key,
        name: model.name ?? null,
        input: [],
        contextWindow: null,
        maxTokens: null,
        local: entry.local,
        available: entry.credential.value !== undefined || entry.local,
        tags: [],
        missing: false
      }
      rows.set(key, row)
    }
  }
  const models = [...rows.values()]
  return { count: models.length, models }
}
