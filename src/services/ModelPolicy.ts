import { Context, type Duration } from "effect"
import type { CooldownPolicy } from "../domain/models/health.js"
import type { OverloadRetryPolicy, RetryPolicy } from "../domain/models/retry.js"

/** The numbers the model policy layers read: retry, timeout and profile cooldowns. Tests swap them. */
export class ModelPolicy extends Context.Tag("openclaw/ModelPolicy")<ModelPolicy, {
  /** Same-provider retries of transient failures (the Schedule in `domain/models/retry.ts`). */
  readonly retry: RetryPolicy
  /**
   * When a whole fallback chain failed with `overloaded` before any output: rerun it up to
   * `maxRetries` times, backing off from `baseDelay` doubling to `maxDelay`, and tell the user once
   * `noticeAfter` has been spent waiting (spec 1.4: 10, 2.5 s, 30 s, 30 s when unset).
   */
  readonly overloadRetry?: OverloadRetryPolicy
  /** Per-request timeout when the provider sets no `timeoutSeconds`. */
  readonly timeout: Duration.DurationInput
  readonly cooldown: CooldownPolicy
}>() {}
