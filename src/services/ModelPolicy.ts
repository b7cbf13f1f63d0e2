import { Context, type Duration } from "effect"
import type { CooldownPolicy } from "../domain/models/health.js"

/** The numbers the model policy layers read: retry, timeout and profile cooldowns. Tests swap them. */
export class ModelPolicy extends Context.Tag("openclaw/ModelPolicy")<ModelPolicy, {
  readonly retry: {
    /** Extra tries on the same provider after a transient failure. */
    readonly maxRetries: number
    /** First backoff when the provider sent no `retry-after`; doubles per retry up to `maxDelay`. */
    readonly baseDelay: Duration.DurationInput
    readonly maxDelay: Duration.DurationInput
    /** A longer `retry-after` is not waited for: the failure surfaces so fallback can run. */
    readonly retryAfterCap: Duration.DurationInput
  }
  /** Per-request timeout when the provider sets no `timeoutSeconds`. */
  readonly timeout: Duration.DurationInput
  readonly cooldown: CooldownPolicy
}>() {}
