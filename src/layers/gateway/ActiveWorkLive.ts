import { Effect, Layer } from "effect"
import { type ActiveWorkCounts, NO_ACTIVE_WORK } from "../../domain/gateway/restartPreflight.js"
import { ActiveWork, type WorkKind } from "../../services/ActiveWork.js"

/** In-memory counts of the gateway's work in progress, counted in place (every RPC is counted twice). */
export const ActiveWorkLive = Layer.sync(ActiveWork, () => {
  const counts: { -readonly [K in WorkKind]: number } = { ...NO_ACTIVE_WORK }
  const unsafeBegin = (kind: WorkKind) => {
    counts[kind] += 1
  }
  const unsafeEnd = (kind: WorkKind) => {
    counts[kind] = Math.max(0, counts[kind] - 1)
  }
  const begin = (kind: WorkKind) => Effect.sync(() => unsafeBegin(kind))
  const end = (kind: WorkKind) => Effect.sync(() => unsafeEnd(kind))
  return {
    begin,
    end,
    unsafeBegin,
    unsafeEnd,
    track: (kind, effect) => Effect.acquireUseRelease(begin(kind), () => effect, () => end(kind)),
    counts: Effect.sync((): ActiveWorkCounts => ({ ...counts }))
  }
})
