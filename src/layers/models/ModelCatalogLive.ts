import { Clock, Effect, Layer } from "effect"
import { emptyAuthProfiles, nextTokenExpiry } from "../../domain/auth/authProfiles.js"
import { authOrderOf, buildCatalogue } from "../../domain/models/catalogue.js"
import { configuredSelection, planModels } from "../../domain/models/selection.js"
import { AuthProfileStore } from "../../services/AuthProfileStore.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { type CatalogueView, ModelCatalog } from "../../services/ModelCatalog.js"

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
    // Built once per change of its inputs: the config and the store are read once per change of their files
    // (the same objects until then), and the clock matters only when a stored token expires.
    let kept: { readonly config: unknown; readonly stored: unknown; readonly validUntil: number; readonly view: CatalogueView } | undefined
    const view = Effect.gen(function*() {
      const { config } = yield* store.load
      const stored = yield* storedProfiles
      const now = yield* Clock.currentTimeMillis
      if (kept !== undefined && kept.config === config && kept.stored === stored && now < kept.validUntil) return kept.view
      const auth = { store: stored, order: authOrderOf(config), now }
      const built: CatalogueView = { configPath: store.path, catalogue: buildCatalogue(config, host.env, auth), selection: configuredSelection(config) }
      kept = { config, stored, validUntil: nextTokenExpiry(stored, now), view: built }
      return built
    })
    return {
      view,
      plan: Effect.fn("ModelCatalog.plan")(function*(request) {
        const { catalogue, selection } = yield* view
        const plan = yield* planModels(catalogue, selection, request)
        for (const warning of plan.warnings) yield* Effect.logWarning(warning)
        return plan
      })
    }
  })
)
