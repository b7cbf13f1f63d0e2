import { Effect, Layer } from "effect"
import { Host } from "../../services/Host.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"

const OFF = new Set(["0", "false", "off", "none", "disabled"])

/**
 * The retry-after cap: 60 s, or `OPENCLAW_SDK_RETRY_MAX_WAIT_SECONDS`; "0/false/off/none/disabled"
 * honours any `retry-after`.
 */
export const retryAfterCapMs = (env: Readonly<Record<string, string | undefined>>): number => {
  const raw = env["OPENCLAW_SDK_RETRY_MAX_WAIT_SECONDS"]?.trim().toLowerCase()
  if (raw === undefined || raw === "") return 60_000
  if (OFF.has(raw)) return Number.MAX_SAFE_INTEGER
  const seconds = Number(raw)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000
}

/** The all-overloaded chain rerun of spec 1.4: 10 reruns from 2.5 s doubling to 30 s, notice after 30 s. */
export const defaultOverloadRetry = { maxRetries: 10, baseDelay: "2500 millis", maxDelay: "30 seconds", noticeAfter: "30 seconds" } as const

/**
 * Default model policy: one same-provider retry before the next model (spec 1.4), after `retry-after`
 * (up to 60 s) or 0.5 s; 180 s per request unless the provider sets `timeoutSeconds`.
 */
export const ModelPolicyLive = Layer.effect(
  ModelPolicy,
  Effect.map(Host, (host) => ({
    retry: { maxRetries: 1, baseDelay: "500 millis", maxDelay: "8 seconds", retryAfterCap: retryAfterCapMs(host.env) },
    overloadRetry: defaultOverloadRetry,
    timeout: "180 seconds",
    cooldown: { stepsMs: [30_000, 60_000, 300_000], failureWindowMs: 3_600_000, billingDisableMs: 5 * 3_600_000, authPermanentDisableMs: 3_600_000 }
  }))
)
