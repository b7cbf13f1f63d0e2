import { Layer } from "effect"
import { ConfigPolicy } from "../services/ConfigPolicy.js"

/** Default config store timings: wait up to 10 s for another writer, debounce editor churn for 300 ms. */
export const ConfigPolicyLive = Layer.succeed(ConfigPolicy, {
  lockTimeout: "10 seconds",
  lockPoll: "25 millis",
  watchDebounce: "300 millis",
  watchMissingRetries: 3
})
