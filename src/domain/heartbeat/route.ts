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

/** `commands.ownerAllowFrom` of a config (a section this version keeps but does not validate): its strings. */
export const commandOwners = (config: unknown): ReadonlyArray<string> => {
  const commands = typeof config === "object" && config !== null ? (config as { readonly commands?: unknown }).commands : undefined
  const owners = typeof commands === "object" && commands !== null ? (commands as { readonly ownerAllowFrom?: unknown }).ownerAllowFrom : undefined
  return Array.isArray(owners) ? owners.filter((o): o is string => typeof o === "string") : []
}

/**
 * The command owner on `channel`, from `commands.ownerAllowFrom`: entries are `<channel>:<sender id>` (as
 * `openclaw pairing approve` writes them); a bare id is taken for any channel.
 */
const commandOwnerOn = (ownerAllowFrom: ReadonlyArray<string>, channel: string) => {
  for (const raw of ownerAllowFrom) {
    const entry = raw.trim()
    const prefixed = /^([a-z][a-z0-9-]*):(.+)$/i.exec(entry)
    const id = prefixed === null ? entry : prefixed[1]?.toLowerCase() === channel ? prefixed[2]?.trim() : undefined
    if (id !== undefined && id !== "" && id !== "*" && isDirectPeer(id)) return id
  }
  return undefined
}

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
    // The command owner first, on whichever configured channel it names; then a channel's own allow list.
    for (const channel of configured) {
      const to = input.to ?? commandOwnerOn(input.ownerAllowFrom, channel.channel)
      if (to !== undefined) return withAccount(channel, to)
    }
    for (const channel of configured) {
      const to = ownerOf(channel.allowFrom)
      if (to !== undefined) return withAccount(channel, to)
    }
    return { kind: "no-route" }
  }
  const channel = configured.find((c) => c.channel === target)
  return withAccount(channel, input.to ?? (channel === undefined ? undefined : commandOwnerOn(input.ownerAllowFrom, channel.channel) ?? ownerOf(channel.allowFrom)))
}

/** What `last-heartbeat` says for a `no-route` skip (the original's words). */
export const NO_ROUTE_MESSAGE = "Heartbeat has no delivery route yet. Message your bot once, or set agents.defaults.heartbeat.target."
