import { Effect, Layer } from "effect"
import { buildCatalogue } from "../../domain/models/catalogue.js"
import { configuredSelection, planModels } from "../../domain/models/selection.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"

/** The catalogue of the config on disk (read on each use, so edits apply) and the process environment. */
export const ModelCatalogLive = Layer.effect(
  ModelCatalog,
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const view = Effect.map(store.load, ({ config }) => ({
      configPath: store.path,
      catalogue: buildCatalogue(config, host.env),
      selection: configuredSelection(config)
    }))
    return {
      view: Effect.withSpan(view, "ModelCatalog.view"),
      plan: Effect.fn("ModelCatalog.plan")(function*(request) {
        const { catalogue, selection } = yield* view
        const plan = yield* planModels(catalogue, selection, request)
        for (const warning of plan.warnings) yield* Effect.logWarning(warning)
        return plan
      })
    }
  })
)
