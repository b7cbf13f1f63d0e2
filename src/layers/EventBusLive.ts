import { Effect, Layer, PubSub, Scope } from "effect"
import { type BusEvent, EventBus } from "../services/EventBus.js"

/** An in-process PubSub for fiber consumers, plus synchronous listeners; a slow socket is bounded by its own backpressure policy. */
export const EventBusLive = Layer.effect(
  EventBus,
  Effect.map(PubSub.unbounded<BusEvent>(), (pubsub) => {
    const listeners = new Set<(event: BusEvent) => void>()
    return {
      publish: (event) =>
        Effect.suspend(() => {
          // One listener that throws (a payload that does not encode) must not keep the event from the others.
          let failed: unknown
          for (const deliver of listeners) {
            try {
              deliver(event)
            } catch (error) {
              failed ??= error
            }
          }
          const published = Effect.asVoid(PubSub.publish(pubsub, event))
          return failed === undefined
            ? published
            : Effect.zipRight(Effect.logWarning(`event bus: a listener failed on ${event.event}: ${failed instanceof Error ? failed.message : String(failed)}`), published)
        }).pipe(Effect.withSpan("EventBus.publish", { attributes: { event: event.event }, captureStackTrace: false })),
      subscribe: PubSub.subscribe(pubsub),
      // Added straight to the scope: acquireRelease would keep a copy of the caller's fiber refs per listener,
      // kilobytes for each of a thousand idle sockets.
      listen: (deliver) =>
        Effect.flatMap(Effect.scope, (scope) => {
          // A fresh function per registration: one consumer listening twice gets each event twice, as with subscribe.
          const entry = (event: BusEvent) => deliver(event)
          listeners.add(entry)
          return Scope.addFinalizer(scope, Effect.sync(() => listeners.delete(entry)))
        })
    }
  })
)
