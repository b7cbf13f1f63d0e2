import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { ModelsLiveWith } from "../../src/layers/models/ModelsLive.js"
import { ModelPolicy } from "../../src/services/ModelPolicy.js"
import { configTestLayer } from "./configTestLayer.js"

/**
 * Model policy numbers for tests: 2 retries from 1 s (doubling to 8 s), retry-after cap 60 s, 30 s
 * timeout; an all-overloaded chain is rerun 3 times (2.5 s, 5 s, 10 s) with the notice after 7 s.
 */
export const ModelPolicyTest = Layer.succeed(ModelPolicy, {
  retry: { maxRetries: 2, baseDelay: "1 second", maxDelay: "8 seconds", retryAfterCap: "60 seconds" },
  overloadRetry: { maxRetries: 3, baseDelay: "2500 millis", maxDelay: "30 seconds", noticeAfter: "7 seconds" },
  timeout: "30 seconds",
  cooldown: { stepsMs: [30_000, 60_000, 300_000], failureWindowMs: 3_600_000, billingDisableMs: 18_000_000, authPermanentDisableMs: 3_600_000 }
})

/**
 * The live model services over a throwaway install whose `openclaw.json` is `config`, with the test
 * policy (or `policy`) and the given environment (API keys).
 */
export const modelsTestLayer = (config: unknown, env: Readonly<Record<string, string>> = {}, policy = ModelPolicyTest) => {
  const install = configTestLayer(env)
  fs.mkdirSync(path.dirname(install.configPath), { recursive: true })
  fs.writeFileSync(install.configPath, JSON.stringify(config, null, 2))
  return { ...install, layer: ModelsLiveWith(policy).pipe(Layer.provideMerge(install.layer)) }
}
