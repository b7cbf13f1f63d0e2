import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Exit, Layer } from "effect"
import { type HealthInput, healthReport } from "../../domain/gateway/healthReport.js"
import type { HealthResult } from "../../domain/protocol/methods.js"
import { GatewayHealth } from "../../services/GatewayHealth.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"
import type { GatewayRuntime } from "../../services/GatewayRuntime.js"
import type { Paths } from "../../services/Paths.js"
import { healthInput } from "./health.js"
import { makeProcessSampler } from "./processSample.js"
import { makeTtlCache } from "./ttlCache.js"

/** One measurement: the input and the report built from it. */
interface Measured {
  readonly input: HealthInput
  readonly report: HealthResult
}

/**
 * Health measured at most once per `healthCacheTtl`: a flood of `health` calls or a connect storm (each
 * hello-ok carries a snapshot) would otherwise read every session index once per request.
 */
export const GatewayHealthLive = Layer.scoped(
  GatewayHealth,
  Effect.gen(function*() {
    const policy = yield* GatewayPolicy
    const context = yield* Effect.context<GatewayRuntime | Paths | FileSystem.FileSystem>()
    const sampleProcess = yield* makeProcessSampler
    // The report is cached with its input: every caller within the TTL gets the same object, so its wire
    // form is encoded and written once (the dispatcher and the frame writer key theirs on it).
    const measure = Effect.map(Effect.provide(healthInput(sampleProcess), context), (input) => ({ input, report: healthReport(input) }))
    const cache = yield* makeTtlCache(measure, policy.healthCacheTtl)
    const snapshot = Effect.map(cache.get, (m) => m.report)
    // The report's Exit, made once per measurement (a hit allocates nothing).
    let reported: { readonly from: Exit.Exit<Measured>; readonly report: Exit.Exit<HealthResult> } | undefined
    const snapshotNow = (): Effect.Effect<HealthResult> => {
      const hit = cache.peek()
      if (hit === undefined || Exit.isFailure(hit)) return snapshot
      if (reported?.from !== hit) reported = { from: hit, report: Exit.succeed(hit.value.report) }
      return reported.report
    }
    return {
      input: Effect.map(cache.get, (m) => m.input),
      snapshot,
      snapshotNow,
      probe: Effect.map(cache.refresh, (m) => m.report)
    }
  })
)
