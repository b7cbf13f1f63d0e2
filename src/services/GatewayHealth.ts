import { Context, type Effect } from "effect"
import type { HealthInput } from "../domain/gateway/healthReport.js"
import type { HealthResult } from "../domain/protocol/methods.js"

/**
 * The gateway's health, as `health`, `status`, hello-ok and the `health` event serve it. Measuring reads the
 * session indexes and samples the process, so callers get the cached snapshot ("the cached or freshly
 * probed gateway health snapshot", as the original's protocol says); `health {probe: true}` measures anew.
 */
export class GatewayHealth extends Context.Tag("openclaw/GatewayHealth")<GatewayHealth, {
  /** What health and status are built from, at most the policy's `healthCacheTtl` old. */
  readonly input: Effect.Effect<HealthInput>
  /** The `health` payload from `input`. */
  readonly snapshot: Effect.Effect<HealthResult>
  /**
   * `snapshot` for one caller now: while the cache is fresh, the report itself as an Exit, which the
   * dispatcher answers in plain code without a fiber.
   */
  readonly snapshotNow: () => Effect.Effect<HealthResult>
  /** Measured now; what `input` serves from then on. */
  readonly probe: Effect.Effect<HealthResult>
}>() {}
