import { Data, Effect, Option } from "effect"
import { afterSend, type DeliveryRequest, type DeliveryStatus, notAttempted, nothingToSend, planDelivery, unknownChannelMessage } from "../../domain/agent/replyDelivery.js"
import type { AgentRunResult } from "../../services/AgentRunner.js"
import type { ChannelDelivery } from "../../services/ChannelDelivery.js"

/** A reply that had to be delivered and was not (the run itself finished): its status and the reason in words. */
export class ReplyNotDelivered extends Data.TaggedError("ReplyNotDelivered")<{ readonly message: string; readonly status: DeliveryStatus }> {}

/**
 * Sends a finished run's reply through the channel layer, as `agent {deliver: true}` asks: to the target
 * `planDelivery` picks (overrides, then the turn's channel, then the session's last route). A refused
 * channel or a failed send fails, unless `bestEffort`, which only reports it in the status.
 */
export const deliverReply = (
  delivery: Option.Option<ChannelDelivery["Type"]>,
  request: DeliveryRequest & { readonly bestEffortDeliver?: boolean | undefined },
  result: AgentRunResult
): Effect.Effect<DeliveryStatus, ReplyNotDelivered> =>
  Effect.gen(function*() {
    const bestEffort = request.bestEffortDeliver === true
    const refuse = (message: string, status: DeliveryStatus) =>
      bestEffort ? Effect.succeed(status) : Effect.fail(new ReplyNotDelivered({ message, status }))
    const last = Option.isSome(delivery) ? Option.getOrUndefined(yield* delivery.value.lastRoute(result.sessionKey)) : undefined
    const plan = planDelivery(request, last)
    if (plan._tag === "NoTarget") {
      // No target at all is reported, not thrown (the original logs "delivery requested but not completed").
      return plan.reason === "no_delivery_target" ? notAttempted(plan.reason) : yield* refuse(plan.message, notAttempted(plan.reason))
    }
    if (Option.isNone(delivery)) return yield* refuse(unknownChannelMessage(plan.channel), notAttempted("unknown_channel"))
    const texts = result.payloads.filter((text) => text.trim() !== "")
    if (texts.length === 0) return nothingToSend
    let sent = 0
    for (const text of texts) {
      const outcome = yield* Effect.either(delivery.value.send({ channel: plan.channel, accountId: plan.accountId, to: plan.to, threadId: plan.threadId }, text))
      if (outcome._tag === "Right") {
        sent += outcome.right.messageIds.length
        continue
      }
      const error = outcome.left
      if (error.code === "CHANNEL_UNKNOWN" && sent === 0) return yield* refuse(unknownChannelMessage(plan.channel), notAttempted("unknown_channel"))
      const message = `Delivery failed (${plan.channel} to ${plan.to}): ${error.message}`
      return yield* refuse(message, afterSend(sent, error.message))
    }
    return afterSend(sent, undefined)
  })
