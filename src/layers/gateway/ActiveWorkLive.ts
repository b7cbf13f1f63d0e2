import { Effect, Layer, Ref } from "effect"
import { NO_ACTIVE_WORK } from "../../domain/gateway/restartPreflight.js"
import { ActiveWork, type WorkKind } from "../../services/ActiveWork.js"

/** In-memory counts of the gateway's work in progress. */
export const ActiveWorkLive = Layer.effect(
  ActiveWork,
  Effect.gen(function*() {
    const counts = yield* Ref.make(NO_ACTIVE_WORK)
    const add = (kind: WorkKind, delta: number) => Ref.update(counts, (c) => ({ ...c, [kind]: Math.max(0, c[kind] + delta) }))
    const begin = (kind: WorkKind) => add(kind, 1)
    const end = (kind: WorkKind) => add(kind, -1)
    return {
      begin,
      end,
      track: (kind, effect) => Effect.acquireUseRelease(begin(kind), () => effect, () => end(kind)),
      counts: Ref.get(counts)
    }
  })
)
