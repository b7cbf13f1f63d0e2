import { Duration, Effect, Either, Queue, Random, Schema } from "effect"
import WebSocket from "ws"
import { DISCORD_INTENTS, DiscordMessage, type DiscordUser, FATAL_CLOSE_CODES, GatewayFrame, Hello, Op, Ready } from "../../../domain/channels/discordApi.js"
import type { AccountSnapshot } from "../../../domain/channels/status.js"

/** Timings of the session (tests shorten them). */
export interface DiscordTimings {
  /** First reconnect delay; doubles (with jitter) up to `reconnectMax`. */
  readonly reconnectBase: Duration.DurationInput
  readonly reconnectMax: Duration.DurationInput
}

export const DEFAULT_DISCORD_TIMINGS: DiscordTimings = { reconnectBase: "500 millis", reconnectMax: "60 seconds" }

type SocketEvent =
  | { readonly _tag: "Frame"; readonly frame: GatewayFrame }
  | { readonly _tag: "Closed"; readonly code: number; readonly reason: string }

/** How one connection ended: resume the session, identify afresh, or stop for good. */
type Ending = { readonly _tag: "Resume" } | { readonly _tag: "Identify" } | { readonly _tag: "Fatal"; readonly message: string }

const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(GatewayFrame))
const decodeHello = Schema.decodeUnknownEither(Hello)
const decodeReady = Schema.decodeUnknownEither(Ready)
const decodeMessage = Schema.decodeUnknownEither(DiscordMessage)

/** Ids of messages already handed on, so a replay after a resume never answers one twice. */
const SEEN_LIMIT = 2000

/**
 * One bot's Gateway session, run until its scope closes: HELLO → IDENTIFY (intents incl. message
 * content) → heartbeats (first after a random fraction of the interval; a beat without its ACK means
 * a zombie connection, closed and resumed) → READY → MESSAGE_CREATE. A dropped socket, RECONNECT or a
 * resumable INVALID_SESSION resumes (`RESUME` with the last sequence number, so Discord replays what
 * was missed); other failures identify afresh after a doubling, jittered delay. Close codes that no
 * reconnect can fix (bad token, disallowed intents) stop the session with the reason in `lastError`.
 */
export const runGatewaySession = (input: {
  readonly gatewayUrl: Effect.Effect<string, { readonly message: string }>
  readonly token: string
  readonly timings: DiscordTimings
  readonly setStatus: (patch: Partial<AccountSnapshot>) => Effect.Effect<void>
  readonly onReady: (user: DiscordUser) => Effect.Effect<void>
  readonly onMessage: (message: DiscordMessage) => Effect.Effect<void>
  readonly log: (level: "info" | "warn", message: string) => Effect.Effect<void>
}) =>
  Effect.gen(function*() {
    const session = { id: undefined as string | undefined, resumeUrl: undefined as string | undefined, seq: null as number | null }
    const seen = new Set<string>()
    let attempt = 0

    const connection = (url: string, resume: boolean) =>
      Effect.scoped(Effect.gen(function*() {
        const events = yield* Queue.unbounded<SocketEvent>()
        const socket = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const ws = new WebSocket(`${url.replace(/\/+$/, "")}/?v=10&encoding=json`)
            ws.on("message", (data) => {
              const frame = decodeFrame(String(data))
              if (Either.isRight(frame)) Queue.unsafeOffer(events, { _tag: "Frame", frame: frame.right })
            })
            ws.on("close", (code, reason) => Queue.unsafeOffer(events, { _tag: "Closed", code, reason: reason.toString() }))
            ws.on("error", () => {}) // a `close` always follows
            return ws
          }),
          (ws) => Effect.sync(() => ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING ? ws.close(4000, "resume later") : undefined)
        )
        const send = (op: number, d: unknown) => Effect.sync(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ op, d })))
        let acked = true

        const startHeartbeat = (intervalMs: number) =>
          Effect.gen(function*() {
            yield* Effect.sleep(Duration.millis(Math.floor(intervalMs * (yield* Random.next))))
            while (true) {
              if (!acked) {
                // No ACK since the last beat: the connection is a zombie; closing it leads to a resume.
                yield* input.log("warn", "discord: heartbeat ACK missing; reconnecting")
                socket.terminate()
                return
              }
              acked = false
              yield* send(Op.Heartbeat, session.seq)
              yield* Effect.sleep(Duration.millis(intervalMs))
            }
          })

        while (true) {
          const event = yield* Queue.take(events)
          if (event._tag === "Closed") {
            yield* input.setStatus({ connected: false })
            const fatal = FATAL_CLOSE_CODES[event.code]
            if (fatal !== undefined) return { _tag: "Fatal", message: fatal } satisfies Ending
            // 4007 (bad seq) and 4009 (session timed out) cannot resume.
            if (event.code === 4007 || event.code === 4009) session.id = undefined
            return { _tag: session.id === undefined ? "Identify" : "Resume" } satisfies Ending
          }
          const { frame } = event
          if (typeof frame.s === "number") session.seq = frame.s
          switch (frame.op) {
            case Op.Hello: {
              const hello = decodeHello(frame.d)
              if (Either.isLeft(hello)) return { _tag: "Identify" } satisfies Ending
              yield* Effect.forkScoped(startHeartbeat(hello.right.heartbeat_interval))
              if (resume && session.id !== undefined) {
                yield* send(Op.Resume, { token: input.token, session_id: session.id, seq: session.seq })
              } else {
                yield* send(Op.Identify, { token: input.token, intents: DISCORD_INTENTS, properties: { os: process.platform, browser: "openclaw", device: "openclaw" } })
              }
              break
            }
            case Op.HeartbeatAck:
              acked = true
              break
            case Op.Heartbeat:
              yield* send(Op.Heartbeat, session.seq)
              break
            case Op.Reconnect:
              return { _tag: "Resume" } satisfies Ending
            case Op.InvalidSession: {
              if (frame.d !== true) {
                session.id = undefined
                session.seq = null
              }
              // Discord asks for a 1–5 s pause before identifying again.
              yield* Effect.sleep(Duration.millis(1000 + Math.floor(4000 * (yield* Random.next))))
              return { _tag: frame.d === true ? "Resume" : "Identify" } satisfies Ending
            }
            case Op.Dispatch:
              yield* dispatch(frame)
              break
          }
        }
      }))

    const dispatch = (frame: GatewayFrame) =>
      Effect.gen(function*() {
        switch (frame.t) {
          case "READY": {
            const ready = decodeReady(frame.d)
            if (Either.isLeft(ready)) return
            session.id = ready.right.session_id
            session.resumeUrl = ready.right.resume_gateway_url
            attempt = 0
            yield* input.onReady(ready.right.user)
            yield* input.setStatus({ connected: true, lastError: null, botUsername: ready.right.user.username })
            return
          }
          case "RESUMED":
            attempt = 0
            yield* input.log("info", "discord: session resumed")
            return yield* input.setStatus({ connected: true, lastError: null })
          case "MESSAGE_CREATE": {
            const message = decodeMessage(frame.d)
            if (Either.isLeft(message) || seen.has(message.right.id)) return
            seen.add(message.right.id)
            if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string)
            return yield* input.onMessage(message.right)
          }
        }
      })

    const backoff = Effect.gen(function*() {
      const base = Duration.toMillis(Duration.decode(input.timings.reconnectBase))
      const max = Duration.toMillis(Duration.decode(input.timings.reconnectMax))
      const delay = Math.min(base * 2 ** Math.min(attempt++, 16), max)
      yield* Effect.sleep(Duration.millis(Math.floor(delay * (0.5 + (yield* Random.next) / 2))))
    })

    let resume = false
    while (true) {
      const url: Either.Either<string, { readonly message: string }> = resume && session.resumeUrl !== undefined ? Either.right(session.resumeUrl) : yield* Effect.either(input.gatewayUrl)
      if (Either.isLeft(url)) {
        yield* input.setStatus({ connected: false, lastError: url.left.message })
        yield* backoff
        continue
      }
      const ending: Ending = yield* connection(url.right, resume)
      if (ending._tag === "Fatal") {
        yield* input.log("warn", `discord: gateway closed: ${ending.message}`)
        return yield* input.setStatus({ connected: false, lastError: ending.message })
      }
      resume = ending._tag === "Resume" && session.id !== undefined
      yield* backoff
    }
  })
