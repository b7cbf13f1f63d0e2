import { Schema } from "effect"
import { opt } from "../opt.js"

/** What `agent {deliver: true}` did with the reply, in the original's `deliveryStatus` shape. */
export const DeliveryStatus = Schema.Struct({
  requested: Schema.Boolean,
  attempted: Schema.Boolean,
  status: Schema.Literal("sent", "suppressed", "failed", "partial_failed"),
  succeeded: Schema.Union(Schema.Boolean, Schema.Literal("partial")),
  error: opt(Schema.Boolean),
  errorMessage: opt(Schema.String),
  reason: opt(Schema.String),
  resultCount: opt(Schema.Number),
  sentBeforeError: opt(Schema.Boolean)
})
export type DeliveryStatus = typeof DeliveryStatus.Type

/** The delivery fields of `agent` params (the CLI's --channel, --to, --reply-channel, --reply-to, --reply-account). */
export interface DeliveryRequest {
  readonly channel?: string | undefined
  readonly to?: string | undefined
  readonly accountId?: string | undefined
  readonly replyChannel?: string | undefined
  readonly replyTo?: string | undefined
  readonly replyAccountId?: string | undefined
  readonly threadId?: string | undefined
}

/** Where the session's last inbound message came from (the implicit target). */
export interface LastRoute {
  readonly channel: string
  readonly to: string
  readonly accountId?: string | undefined
  readonly threadId?: string | undefined
}

/** A resolved reply target, or why there is none (the original's reason codes and words). */
export type DeliveryPlan =
  | { readonly _tag: "Target"; readonly channel: string; readonly to: string; readonly accountId: string | undefined; readonly threadId: string | undefined }
  | { readonly _tag: "NoTarget"; readonly reason: "channel_resolved_to_internal" | "no_delivery_target"; readonly message: string }

/** The control UI's own chat: never a delivery channel. */
const INTERNAL_CHANNEL = "webchat"

const clean = (value: string | undefined) => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

const CHANNEL_REQUIRED = "delivery channel is required: pass --channel/--reply-channel or use a main session with a previous channel"

/**
 * The reply's target as the original resolves it: the reply-* overrides first, then the turn's own
 * channel/to/account, then the session's last route (its `to` and account only when the channel is the
 * same one). Channel names are lower-cased; `last` means the session's last channel.
 */
export const planDelivery = (request: DeliveryRequest, last: LastRoute | undefined): DeliveryPlan => {
  const requested = clean(request.replyChannel ?? request.channel)?.toLowerCase()
  const channel = requested === undefined || requested === "last" ? last?.channel : requested
  if (channel === undefined || channel === INTERNAL_CHANNEL) return { _tag: "NoTarget", reason: "channel_resolved_to_internal", message: CHANNEL_REQUIRED }
  const sameAsLast = last !== undefined && last.channel === channel
  const to = clean(request.replyTo ?? request.to) ?? (sameAsLast ? last.to : undefined)
  if (to === undefined) {
    return { _tag: "NoTarget", reason: "no_delivery_target", message: `delivery target is required for ${channel}: pass --reply-to <target> (or --to)` }
  }
  const accountId = clean(request.replyAccountId ?? request.accountId) ?? (sameAsLast ? last.accountId : undefined)
  const threadId = clean(request.threadId) ?? (sameAsLast && to === last.to ? last.threadId : undefined)
  return { _tag: "Target", channel, to, accountId, threadId }
}

/** The `deliveryStatus` of a delivery that never reached a channel. */
export const notAttempted = (reason: string): DeliveryStatus => ({ requested: true, attempted: false, status: "failed", succeeded: false, error: true, reason })

/** The `deliveryStatus` of a reply with no visible text (nothing to send). */
export const nothingToSend: DeliveryStatus = { requested: true, attempted: false, status: "suppressed", succeeded: true, reason: "no_visible_payload", resultCount: 0 }

/** The `deliveryStatus` after sending `sent` of the payloads (message ids counted), failing with `error` or not. */
export const afterSend = (resultCount: number, error: string | undefined): DeliveryStatus =>
  error === undefined
    ? { requested: true, attempted: true, status: "sent", succeeded: true, resultCount }
    : resultCount > 0
    ? { requested: true, attempted: true, status: "partial_failed", succeeded: "partial", error: true, errorMessage: error, resultCount, sentBeforeError: true }
    : { requested: true, attempted: true, status: "failed", succeeded: false, error: true, errorMessage: error }

/** The original's words for a channel no plugin provides. */
export const unknownChannelMessage = (channel: string) =>
  `Unknown channel "${channel}". Run \`openclaw channels list --all\` to see configured and installable channels.`
