import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Queue, Scope } from "effect"
import { EventBusLive } from "../../src/layers/EventBusLive.js"
import { type BusEvent, EventBus } from "../../src/services/EventBus.js"

describe("EventBus", () => {
  it.scoped("listeners get each event synchronously, in order, until their scope closes; one that throws does not stop the others", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const seen: Array<string> = []
      const queue = yield* bus.subscribe
      yield* bus.listen(() => {
        throw new Error("cannot encode")
      })
      const scope = yield* Scope.make()
      yield* Scope.extend(bus.listen((event) => seen.push(event.event)), scope)
      yield* bus.publish({ event: "a" })
      yield* bus.publish({ event: "b" })
      // Delivered before publish returned: no fiber and no queue between the publisher and the listener.
      expect(seen).toEqual(["a", "b"])
      yield* Scope.close(scope, Exit.void)
      yield* bus.publish({ event: "c" })
      expect(seen).toEqual(["a", "b"])
      // Queue subscribers get every event, the throwing listener notwithstanding.
      const queued: Array<BusEvent> = [yield* Queue.take(queue), yield* Queue.take(queue), yield* Queue.take(queue)]
      expect(queued.map((e) => e.event)).toEqual(["a", "b", "c"])
    }).pipe(Effect.provide(EventBusLive)))
})
