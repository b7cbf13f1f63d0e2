import type { HttpClient } from "@effect/platform"
// Deep import: the platform-node barrel would pull every Node module into the bundle.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Layer } from "effect"
import type { ModelClient } from "../../services/ModelClient.js"
import type { ModelHealth } from "../../services/ModelHealth.js"
import type { ModelPolicy } from "../../services/ModelPolicy.js"
import { AuthProfileStoreLive } from "../AuthProfileStoreLive.js"
import { ModelCatalogLive } from "./ModelCatalogLive.js"
import { ModelClientLive } from "./ModelClientLive.js"
import { ModelFallbackLive } from "./ModelFallbackLive.js"
import { ModelHealthLive } from "./ModelHealthLive.js"
import { ModelPolicyLive } from "./ModelPolicyLive.js"
import { ModelRetryLive } from "./ModelRetryLive.js"
import { ModelTimeoutLive } from "./ModelTimeoutLive.js"

/** Provider clients with the timeout policy only: one bounded try (probes use this). */
export const ModelClientTimedLive = ModelTimeoutLive.pipe(Layer.provide(ModelClientLive))

/** The policy layers over any `client`: fallback over retry over timeout (tests stack them on a scripted client). */
export const ModelPolicyStack = <E, R>(client: Layer.Layer<ModelClient, E, R>): Layer.Layer<ModelClient, E, R | ModelPolicy | ModelHealth> =>
  ModelFallbackLive.pipe(Layer.provide(ModelRetryLive.pipe(Layer.provide(ModelTimeoutLive.pipe(Layer.provide(client))))))

/** The full call path: fallback over retry over timeout over the provider clients. */
export const ModelClientStackLive = ModelPolicyStack(ModelClientLive)

/** Node's HTTP client (keep-alive agent) for the provider clients. */
export const ModelHttpLive: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layer

/**
 * Everything model-related over a ConfigStore, Host and Paths: catalogue, health, policy and the
 * wrapped client. Pass another policy layer to change retry/timeout/cooldown numbers.
 */
export const ModelsLiveWith = <E, R>(policy: Layer.Layer<ModelPolicy, E, R>) => {
  const base = Layer.mergeAll(ModelHealthLive, ModelHttpLive).pipe(Layer.provideMerge(policy))
  return Layer.mergeAll(ModelClientStackLive, ModelCatalogLive.pipe(Layer.provide(AuthProfileStoreLive))).pipe(Layer.provideMerge(base))
}

/** The model services with the default policy. */
export const ModelsLive = ModelsLiveWith(ModelPolicyLive)
