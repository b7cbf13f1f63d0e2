import { Schema } from "effect"
import type { Catalogue } from "./catalogue.js"
import { listRows } from "./listRows.js"
import type { ConfiguredSelection } from "./selection.js"

/** One model of `models.list {view: "configured"}`, in the original's shape. */
export const CatalogModel = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  provider: Schema.String,
  alias: Schema.optionalWith(Schema.String, { exact: true }),
  tags: Schema.Array(Schema.String),
  /** Any configured model may be picked for a session here. */
  manualSelectionAllowed: Schema.Boolean,
  available: Schema.Boolean,
  unavailableReason: Schema.optionalWith(Schema.String, { exact: true })
})
export type CatalogModel = typeof CatalogModel.Type

export const ModelsListResult = Schema.Struct({
  models: Schema.Array(CatalogModel),
  /** Which account a run uses; this gateway always picks it itself. */
  accountSelection: Schema.Struct({ kind: Schema.String, label: Schema.String })
})
export type ModelsListResult = typeof ModelsListResult.Type

const AUTOMATIC = { kind: "automatic", label: "Automatic account selection" }

/**
 * The configured models (the default, its fallbacks, `agents.defaults.models` entries) as the original's
 * Control UI model picker reads them: `default`/`configured` tags, the alias, and why one cannot run
 * (`missing-auth` without a credential, `unknown-model` for a reference the catalogue does not know).
 */
export const configuredCatalog = (catalogue: Catalogue, selection: ConfiguredSelection): ModelsListResult => {
  const rows = listRows(catalogue, selection).models.filter((row) => row.tags.length > 0)
  const models = rows.map((row): CatalogModel => {
    const slash = row.key.indexOf("/")
    const provider = slash === -1 ? "" : row.key.slice(0, slash)
    const id = slash === -1 ? row.key : row.key.slice(slash + 1)
    const alias = row.tags.find((tag) => tag.startsWith("alias:"))?.slice("alias:".length)
    return {
      id,
      name: row.name ?? id,
      provider,
      ...(alias === undefined ? {} : { alias }),
      tags: [...(row.tags.includes("default") ? ["default"] : []), "configured"],
      manualSelectionAllowed: true,
      available: row.available && !row.missing,
      ...(row.missing ? { unavailableReason: "unknown-model" } : row.available ? {} : { unavailableReason: "missing-auth" })
    }
  })
  return { models, accountSelection: AUTOMATIC }
}
