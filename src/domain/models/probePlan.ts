import { Either } from "effect"
import type { Catalogue, ModelTarget } from "./catalogue.js"
import { defaultProfileId } from "./health.js"
import { type ConfiguredSelection, defaultModelKey, defaultProviderOf, resolveModel } from "./selection.js"
import { providersInUse, type ProbeResult } from "./statusReport.js"

/** What to probe for one profile: a model to call, or the result already known without a call. */
export type ProbeTarget =
  | { readonly _tag: "Call"; readonly provider: string; readonly profileId: string; readonly target: ModelTarget }
  | { readonly _tag: "Known"; readonly result: ProbeResult }

/**
 * One probe per provider that is configured or in use (filtered by `--probe-provider` and
 * `--probe-profile`): the model the selection uses there, else its first catalogued model.
 */
export const probeTargets = (
  catalogue: Catalogue,
  selection: ConfiguredSelection,
  filter: { readonly provider?: string | undefined; readonly profiles?: ReadonlyArray<string> | undefined }
): ReadonlyArray<ProbeTarget> => {
  const inUse = providersInUse(catalogue, selection)
  const defaultProvider = defaultProviderOf(catalogue, selection)
  const selected = [defaultModelKey(catalogue, selection), ...selection.fallbacks]
    .filter((ref): ref is string => ref !== undefined)
    .flatMap((ref) => {
      const resolved = resolveModel(catalogue, ref, defaultProvider)
      return Either.isRight(resolved) ? [resolved.right.target] : []
    })
  return catalogue.providers
    .filter((entry) => entry.configured || inUse.includes(entry.id))
    .filter((entry) => filter.provider === undefined || entry.id === filter.provider.toLowerCase())
    .filter((entry) => filter.profiles === undefined || filter.profiles.length === 0 || filter.profiles.includes(defaultProfileId(entry.id)))
    .map((entry): ProbeTarget => {
      const profileId = defaultProfileId(entry.id)
      if (entry.credential.value === undefined && !entry.local) {
        const reason = entry.credential.unresolved === undefined ? "missing_credential" : "unresolved_ref"
        return { _tag: "Known", result: { provider: entry.id, profileId, status: "auth", reason, detail: `No API key found for provider "${entry.id}"` } }
      }
      const target = selected.find((t) => t.provider === entry.id) ?? catalogue.models.find((t) => t.provider === entry.id)
      if (target === undefined) {
        return { _tag: "Known", result: { provider: entry.id, profileId, status: "no_model", reason: "no_model", detail: "no probeable model: catalogue a model under models.providers or select one" } }
      }
      return { _tag: "Call", provider: entry.id, profileId, target }
    })
}
