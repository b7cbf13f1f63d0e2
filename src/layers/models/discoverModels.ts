// Deep imports: the @effect/platform barrel would bundle (and start) MsgPack, Worker and the rest with it.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Duration, Effect, Either } from "effect"
import type { ProviderEntry } from "../../domain/models/catalogue.js"
import { discoveryRequest, type DiscoveryOutcome, parseDiscovered } from "../../domain/models/discovery.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"

/** Providers whose list endpoint is asked in parallel. */
const CONCURRENCY = 4

/**
 * `models list --refresh`: asks each provider's model-list endpoint (one GET each, bounded by the
 * provider's timeout or the policy's) which models it serves. A provider without a credential that is
 * not local is not asked (`missing-auth`); any failure is that provider's outcome, never the command's.
 */
export const discoverModels = (providers: ReadonlyArray<ProviderEntry>) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const policy = yield* ModelPolicy
    return yield* Effect.forEach(
      providers,
      (provider): Effect.Effect<DiscoveryOutcome> => {
        if (provider.credential.value === undefined && !provider.local) {
          return Effect.succeed({ provider: provider.id, status: "missing-auth", error: `No API key found for provider "${provider.id}"` })
        }
        const { url, headers } = discoveryRequest(provider)
        const timeout = provider.timeoutMs === undefined ? Duration.decode(policy.timeout) : Duration.millis(provider.timeoutMs)
        return Effect.gen(function*() {
          const response = yield* http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers)))
          if (response.status < 200 || response.status >= 300) return yield* Effect.fail(`GET ${url}: HTTP ${response.status}`)
          const parsed = parseDiscovered(yield* response.json)
          if (Either.isLeft(parsed)) return yield* Effect.fail(`GET ${url}: unexpected model list (${parsed.left})`)
          return { provider: provider.id, status: "ready" as const, models: parsed.right }
        }).pipe(
          Effect.scoped,
          Effect.timeoutFail({ duration: timeout, onTimeout: () => `GET ${url}: no answer within ${Duration.format(timeout)}` }),
          Effect.catchAll((error) =>
            Effect.succeed<DiscoveryOutcome>({ provider: provider.id, status: "failed", error: typeof error === "string" ? error : `GET ${url}: ${error.message}` })
          )
        )
      },
      { concurrency: CONCURRENCY }
    )
  })
