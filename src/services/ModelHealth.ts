import { Context, type Effect } from "effect"
import type { FailoverAttempt } from "../domain/models/errors.js"
import type { FallbackRecord, HealthFile } from "../domain/models/health.js"

/**
 * Per-profile model health (cooldowns, disables, last error) and the last fallback decision, kept in
 * the state dir so `models status` can say why a model was skipped. Recording never fails a call: a
 * state file that cannot be read or written (a `StateIoError` naming the file) is logged as a
 * warning, the previous file is left whole, and `read` then answers empty health.
 */
export class ModelHealth extends Context.Tag("openclaw/ModelHealth")<ModelHealth, {
  readonly read: Effect.Effect<HealthFile>
  readonly recordFailure: (attempt: FailoverAttempt) => Effect.Effect<void>
  readonly recordSuccess: (provider: string) => Effect.Effect<void>
  readonly recordFallback: (record: FallbackRecord) => Effect.Effect<void>
}>() {}
