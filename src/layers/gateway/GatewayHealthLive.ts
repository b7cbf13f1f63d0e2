import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer } from "effect"
import { healthReport } from "../../domain/gateway/healthReport.js"
import { GatewayHealth } from "../../services/GatewayHealth.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"
import type { GatewayRuntime } from "../../services/GatewayRuntime.js"
import type { Paths } from "../../services/Paths.js"
import { healthInput } from "./health.js"
import { makeProcessSampler } from "./processSample.js"

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
    const [input, invalidate] = yield* Effect.cachedInvalidateWithTTL(Effect.provide(healthInput(sampleProcess), context), policy.healthCacheTtl)
    return {
      input,
      snapshot: Effect.map(input, healthReport),
      probe: Effect.map(Effect.zipRight(invalidate, input), healthReport)
    }
  })
)
