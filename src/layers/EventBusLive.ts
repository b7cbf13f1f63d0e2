import { Effect, Layer, PubSub } from "effect"
import { type BusEvent, EventBus } from "../services/EventBus.js"

/** An in-process PubSub; a slow subscriber's queue is bounded by the socket's own backpressure policy. */
export const EventBusLive = Layer.effect(
  EventBus,
  Effect.map(PubSub.unbounded<BusEvent>(), (pubsub) => ({
    publish: (event) => Effect.asVoid(PubSub.publish(pubsub, event)).pipe(Effect.withSpan("EventBus.publish", { attributes: { event: event.event }, captureStackTrace: false })),
    subscribe: PubSub.subscribe(pubsub)
  }))
)
