/** A delivery target (the same shape as ChannelDelivery's). */
export interface DeliveryTarget {
  readonly channel: string
  readonly accountId?: string | undefined
  readonly to: string
  readonly threadId?: string | undefined
}

/** A channel as the heartbeat sees it: its configured accounts and allow list. */
export interface ChannelView {
  readonly channel: string
  readonly accountIds: ReadonlyArray<string>
  readonly allowFrom: ReadonlyArray<string>
}

/** Where a heartbeat reply would go. */
export type HeartbeatRoute =
  | { readonly kind: "target"; readonly target: DeliveryTarget; readonly direct: boolean }
  | { readonly kind: "none" }
  | { readonly kind: "no-route" }
  | { readonly kind: "unknown-account"; readonly accountId: string; readonly target: string }

/** A peer that is a person, not a group: Telegram groups are negative chat ids; `group:`/`channel:` prefixes are rooms. */
export const isDirectPeer = (to: string): boolean => !/^-/.test(to.trim()) && !/^(group|channel|room|thread):/i.test(to.trim())

/** The first concrete (`*`-free, non-group) entry of an allow list. */
const ownerOf = (allowFrom: ReadonlyArray<string>) => allowFrom.map((s) => s.trim()).find((s) => s !== "" && s !== "*" && isDirectPeer(s))

/**
 * Resolves `heartbeat.target`: `none`; `last` (the main session's last inbound route); `owner` (default:
 * `commands.ownerAllowFrom`, else the first configured channel's `allowFrom`, never a group); or a channel
 * id with `to` (else that channel's owner). An `accountId` the channel does not have is reported.
 */
export const resolveHeartbeatRoute = (input: {
  readonly target: string | undefined
  readonly to: string | undefined
  readonly accountId: string | undefined
  readonly ownerAllowFrom: ReadonlyArray<string>
  readonly channels: ReadonlyArray<ChannelView>
  readonly lastRoute: DeliveryTarget | undefined
}): HeartbeatRoute => {
  const target = input.target ?? "owner"
  if (target === "none") return { kind: "none" }
  const configured = input.channels.filter((c) => c.accountIds.length > 0)
  const withAccount = (channel: ChannelView | undefined, to: string | undefined, fallbackAccount?: string): HeartbeatRoute => {
    if (channel === undefined || to === undefined) return { kind: "no-route" }
    if (input.accountId !== undefined && !channel.accountIds.includes(input.accountId)) {
      return { kind: "unknown-account", accountId: input.accountId, target: channel.channel }
    }
    const accountId = input.accountId ?? fallbackAccount
    return { kind: "target", direct: isDirectPeer(to), target: { channel: channel.channel, to, ...(accountId === undefined ? {} : { accountId }) } }
  }
  if (target === "last") {
    const last = input.lastRoute
    if (last === undefined) return { kind: "no-route" }
    const channel = configured.find((c) => c.channel === last.channel)
    return withAccount(channel, input.to ?? last.to, last.accountId)
  }
  if (target === "owner") {
    const owner = ownerOf(input.ownerAllowFrom)
    for (const channel of configured) {
      const to = input.to ?? owner ?? ownerOf(channel.allowFrom)
      if (to !== undefined) return withAccount(channel, to)
    }
    return { kind: "no-route" }
  }
  const channel = configured.find((c) => c.channel === target)
  return withAccount(channel, input.to ?? ownerOf(input.ownerAllowFrom) ?? (channel === undefined ? undefined : ownerOf(channel.allowFrom)))
}

/** What `last-heartbeat` says for a `no-route` skip (the original's words). */
export const NO_ROUTE_MESSAGE = "Heartbeat has no delivery route yet. Message your bot once, or set agents.defaults.heartbeat.target."
