import { Clock, Effect, Layer, Queue } from "effect"
import { isRecord } from "../../domain/isRecord.js"
import { ChannelRegistry } from "../../services/ChannelRegistry.js"
import { EventBus } from "../../services/EventBus.js"

const OPEN_ACCESS = { dmPolicy: "open", allowFrom: ["*"], groupPolicy: "disabled", groupAllowFrom: undefined, groups: undefined, mentionPatternScope: undefined } as const

/**
 * Web chat: the gateway's own `chat.*` methods (the Control UI's chat). Its inbound path is `chat.send`
 * (already authenticated and scoped by the gateway), so the channel only watches the run events to keep
 * its snapshot; outbound delivery (cron, heartbeat) reaches `operator.read` sockets as a final `chat`
 * event on the target session. It is listed in `channels status` once it has carried a turn.
 */
export const WebChatChannelLive = Layer.effectDiscard(Effect.gen(function*() {
  const registry = yield* ChannelRegistry
  const bus = yield* EventBus
  yield* registry.register({
    id: "webchat",
    meta: { label: "WebChat", detailLabel: "Web Chat", systemImage: "bubble.left.and.bubble.right" },
    textChunkLimit: 0,
    hiddenUntilActive: true,
    listAccounts: () => Effect.succeed([{ accountId: "default", enabled: true, configured: true, access: OPEN_ACCESS, settings: undefined }]),
    defaultAccountId: () => "default",
    describe: () => ({ mode: "gateway" }),
    sendText: (request) =>
      Effect.gen(function*() {
        const timestamp = yield* Clock.currentTimeMillis
        const runId = `delivery-${crypto.randomUUID()}`
        yield* bus.publish({
          event: "chat",
          scope: "operator.read",
          payload: { runId, sessionKey: request.to, seq: 1, state: "final", message: { role: "assistant", content: [{ type: "text", text: request.text }], timestamp } }
        })
        return { messageId: runId }
      }),
    startAccount: (_account, runtime) =>
      Effect.gen(function*() {
        const events = yield* bus.subscribe
        yield* runtime.setStatus({ connected: true })
        while (true) {
          const event = yield* Queue.take(events)
          const payload = isRecord(event.payload) ? event.payload : {}
          const data = isRecord(payload["data"]) ? payload["data"] : {}
          if (event.event === "agent" && payload["stream"] === "lifecycle" && data["phase"] === "start") {
            yield* runtime.setStatus({ lastInboundAt: yield* Clock.currentTimeMillis })
          } else if (event.event === "chat" && payload["state"] === "final") {
            yield* runtime.setStatus({ lastOutboundAt: yield* Clock.currentTimeMillis })
          }
        }
      })
  })
}))
