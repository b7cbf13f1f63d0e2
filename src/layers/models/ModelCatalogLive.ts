import { Clock, Effect, Layer } from "effect"
import { emptyAuthProfiles } from "../../domain/auth/authProfiles.js"
import { authOrderOf, buildCatalogue } from "../../domain/models/catalogue.js"
import { configuredSelection, planModels } from "../../domain/models/selection.js"
import { AuthProfileStore } from "../../services/AuthProfileStore.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"

/**
 * The catalogue of the config on disk, the auth-profile store and the process environment (read on each
 * use, so edits and a new onboarding apply). An unreadable store is a warning: config and env keys still work.
 */
export const ModelCatalogLive = Layer.effect(
  ModelCatalog,
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const profiles = yield* AuthProfileStore
    const storedProfiles = profiles.read.pipe(
      Effect.catchTags({
        AuthStoreInvalid: (error) => Effect.as(Effect.logWarning(error.message), emptyAuthProfiles),
        StateIoError: (error) => Effect.as(Effect.logWarning(error.message), emptyAuthProfiles)
      })
    )
    const view = Effect.gen(function*() {
      const { config } = yield* store.load
      const auth = { store: yield* storedProfiles, order: authOrderOf(config), now: yield* Clock.currentTimeMillis }
      return { configPath: store.path, catalogue: buildCatalogue(config, host.env, auth), selection: configuredSelection(config) }
    })
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
