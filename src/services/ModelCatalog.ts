import { Context, type Effect } from "effect"
import type { ConfigError } from "../domain/errors.js"
import type { Catalogue } from "../domain/models/catalogue.js"
import type { ModelNotAllowed, NoModelConfigured, UnknownModel } from "../domain/models/errors.js"
import type { ConfiguredSelection, ModelPlan, SelectionRequest } from "../domain/models/selection.js"

/** The catalogue and default selection of the current config and environment. */
export interface CatalogueView {
  readonly configPath: string
  readonly catalogue: Catalogue
  readonly selection: ConfiguredSelection
}

/** Configured providers and models, and run planning (selected model plus its fallback chain). */
export class ModelCatalog extends Context.Tag("openclaw/ModelCatalog")<ModelCatalog, {
  readonly view: Effect.Effect<CatalogueView, ConfigError>
  readonly plan: (request: SelectionRequest) => Effect.Effect<ModelPlan, ConfigError | UnknownModel | NoModelConfigured | ModelNotAllowed>
}>() {}
