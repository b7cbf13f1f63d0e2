import { Duration, Effect, Either, Queue, Random, Schema } from "effect"
import WebSocket from "ws"
import type { AccountSnapshot } from "../../../domain/channels/status.js"

/** A Socket Mode frame from Slack (`hello`, `events_api`, `disconnect`, ...). */
const SocketFrame = Schema.Struct({
  type: Schema.String,
  envelope_id: Schema.optional(Schema.String),
  reason: Schema.optional(Schema.String),
  payload: Schema.optional(Schema.Unknown)
})
const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(SocketFrame))

/** An Events API event this channel reads (`message`, `app_mention`). */
export const SlackEvent = Schema.Struct({
  type: Schema.String,
  channel: Schema.optional(Schema.String),
  channel_type: Schema.optional(Schema.String),
  user: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  ts: Schema.optional(Schema.String),
  thread_ts: Schema.optional(Schema.String),
  bot_id: Schema.optional(Schema.String),
  subtype: Schema.optional(Schema.String),
  parent_user_id: Schema.optional(Schema.String)
})
export type SlackEvent = typeof SlackEvent.Type
const decodeEvent = Schema.decodeUnknownEither(Schema.Struct({ event: SlackEvent }))

type Ending = { readonly _tag: "Reconnect"; readonly reason: string }

/**
 * Socket Mode until the scope closes: `apps.connections.open` for a WebSocket URL, `hello`, then each
 * `events_api` envelope acknowledged at once (`{envelope_id}`, well inside Slack's 3 s deadline) before
 * the event is handled; a `disconnect` message or a dropped socket opens a new connection, after a
 * doubling, jittered delay when it keeps failing.
 */
export const runSocketMode = (input: {
  readonly openConnection: Effect.Effect<string, { readonly message: string }>
  readonly setStatus: (patch: Partial<AccountSnapshot>) => Effect.Effect<void>
  readonly onEvent: (event: SlackEvent) => Effect.Effect<void>
  readonly log: (level: "info" | "warn", message: string) => Effect.Effect<void>
  readonly reconnectBase?: Duration.DurationInput
}) =>
  Effect.gen(function*() {
    let attempt = 0
    const base = Duration.toMillis(Duration.decode(input.reconnectBase ?? "500 millis"))

    const connection = (url: string) =>
      Effect.scoped(Effect.gen(function*() {
        const events = yield* Queue.unbounded<{ readonly raw: string } | { readonly closed: string }>()
        const socket = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const ws = new WebSocket(url)
            ws.on("message", (data) => Queue.unsafeOffer(events, { raw: String(data) }))
            ws.on("close", (code) => Queue.unsafeOffer(events, { closed: `socket closed (${code})` }))
            ws.on("error", () => {})
            return ws
          }),
          (ws) => Effect.sync(() => ws.close())
        )
        while (true) {
          const next = yield* Queue.take(events)
          if ("closed" in next) return { _tag: "Reconnect", reason: next.closed } satisfies Ending
          const frame = decodeFrame(next.raw)
          if (Either.isLeft(frame)) continue
          const { type, envelope_id } = frame.right
          // Acknowledge first: Slack redelivers an envelope not acknowledged within 3 seconds.
          if (envelope_id !== undefined && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ envelope_id }))
          if (type === "hello") {
            attempt = 0
            yield* input.setStatus({ connected: true, lastError: null })
          } else if (type === "disconnect") {
            return { _tag: "Reconnect", reason: `disconnect (${frame.right.reason ?? "unknown"})` } satisfies Ending
          } else if (type === "events_api") {
            const event = decodeEvent(frame.right.payload)
            if (Either.isRight(event)) yield* input.onEvent(event.right.event)
          }
        }
      }))

    while (true) {
      const url = yield* Effect.either(input.openConnection)
      if (Either.isRight(url)) {
        const ending = yield* connection(url.right)
        yield* input.setStatus({ connected: false })
        yield* input.log("info", `slack: socket mode reconnecting: ${ending.reason}`)
        if (ending.reason.startsWith("disconnect")) continue
      } else {
        yield* input.setStatus({ connected: false, lastError: url.left.message })
      }
      const delay = Math.min(base * 2 ** Math.min(attempt++, 16), 60_000)
      yield* Effect.sleep(Duration.millis(Math.floor(delay * (0.5 + (yield* Random.next) / 2))))
    }
  })
