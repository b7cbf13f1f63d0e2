/**
 * The access pipeline of a chat channel (spec 2.2), as pure decisions: DM policy, group policy, group
 * and sender allowlists, mention gating. Every decision carries its reason; a drop also carries the
 * log line the runbook greps for (`blocked` / `drop` with `dmPolicy` / `allowlist` / `mention required`).
 */

export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled"
export type GroupPolicy = "open" | "allowlist" | "disabled"

/** One entry of `groups` (a chat id or `"*"`). */
export interface GroupRule {
  readonly enabled?: boolean | undefined
  readonly requireMention?: boolean | undefined
  readonly groupPolicy?: GroupPolicy | undefined
  readonly allowFrom?: ReadonlyArray<string> | undefined
  /** `false`: an explicit "not in the allowlist" entry (a Discord guild whose `channels` map omits this channel). */
  readonly listed?: boolean | undefined
}

/** `mentionPatterns` of a channel account: where the text patterns count as a mention. */
export interface MentionPatternScope {
  readonly mode?: "allow" | "deny" | undefined
  readonly allowIn?: ReadonlyArray<string> | undefined
  readonly denyIn?: ReadonlyArray<string> | undefined
}

/** The access settings of one channel account, after root/account inheritance. */
export interface AccountAccess {
  readonly dmPolicy: DmPolicy
  readonly allowFrom: ReadonlyArray<string>
  readonly groupPolicy: GroupPolicy
  /** `undefined`: falls back to `allowFrom`. */
  readonly groupAllowFrom: ReadonlyArray<string> | undefined
  /** `undefined`: no group allowlist map (every group passes the group step). */
  readonly groups: Readonly<Record<string, GroupRule>> | undefined
  readonly mentionPatternScope: MentionPatternScope | undefined
}

/** What the pipeline needs to know about one inbound message. */
export interface InboundFacts {
  readonly channel: string
  readonly chatType: "direct" | "group" | "channel"
  readonly senderId: string
  readonly conversationId: string
  readonly text: string
  /** The platform marked the bot as mentioned (a native mention entity). */
  readonly nativeMention?: boolean | undefined
  /** The message replies to one of the bot's messages (an implicit mention). */
  readonly replyToBot?: boolean | undefined
  /** The platform can tell mentions apart at all (the bot's username is known). */
  readonly canDetectMention?: boolean | undefined
  /** The `groups` keys this message matches, most specific first (default: the conversation id). */
  readonly groupKeys?: ReadonlyArray<string> | undefined
  /** What the channel calls a group in its log lines (`guild` on Discord; default `group`). */
  readonly groupNoun?: string | undefined
}

export type AccessDecision =
  | { readonly _tag: "Allow"; readonly reason: string; readonly wasMentioned: boolean }
  /** An unknown DM sender under `dmPolicy: pairing`: create (or refresh) a pairing request. */
  | { readonly _tag: "Pair"; readonly reason: "pairing-required" }
  | { readonly _tag: "Drop"; readonly reason: DropReason; readonly level: "info" | "warn"; readonly log: string }

export type DropReason =
  | "dm-disabled"
  | "dm-not-allowlisted"
  | "group-disabled"
  | "group-not-allowlisted"
  | "group-sender-not-allowlisted"
  | "no-mention"

/** Lowercase, `tg:`/`telegram:` prefixes dropped: how allowlist entries and sender ids are compared. */
export const normalizeEntry = (channel: string, entry: string): string => {
  const trimmed = entry.trim()
  const lower = trimmed.toLowerCase()
  for (const prefix of [`${channel}:`, channel === "telegram" ? "tg:" : undefined]) {
    if (prefix !== undefined && lower.startsWith(prefix)) return lower.slice(prefix.length).trim()
  }
  return lower
}

/** How a sender matched an allowlist, for the log: `wildcard`, `id`, or none. */
export const allowMatch = (channel: string, list: ReadonlyArray<string>, senderId: string): "wildcard" | "id" | undefined => {
  const id = normalizeEntry(channel, senderId)
  let wildcard = false
  for (const entry of list) {
    const normal = normalizeEntry(channel, entry)
    if (normal === id) return "id"
    if (normal === "*") wildcard = true
  }
  return wildcard ? "wildcard" : undefined
}

const drop = (reason: DropReason, log: string, level: "info" | "warn" = "info"): AccessDecision => ({ _tag: "Drop", reason, level, log })

/**
 * A direct message. `approved` is the pairing store's allowlist for this channel account (it widens
 * `pairing` only: `allowlist` and `open` read `allowFrom` alone).
 */
export const decideDm = (access: AccountAccess, facts: InboundFacts, approved: ReadonlyArray<string>): AccessDecision => {
  const { channel, senderId } = facts
  switch (access.dmPolicy) {
    case "disabled":
      return drop("dm-disabled", `${channel}: drop dm (dmPolicy=disabled sender=${senderId})`)
    case "open":
    case "allowlist": {
      const match = allowMatch(channel, access.allowFrom, senderId)
      // `allowlist` never honours a wildcard as "everyone" differently from `open`: both admit what the list admits.
      if (match !== undefined) return { _tag: "Allow", reason: `dmPolicy=${access.dmPolicy} matched ${match === "wildcard" ? "*" : "allowFrom"}`, wasMentioned: true }
      return drop("dm-not-allowlisted", `Blocked unauthorized ${channel} sender ${senderId} (dmPolicy=${access.dmPolicy}, not in allowFrom)`, "warn")
    }
    case "pairing": {
      const match = allowMatch(channel, [...access.allowFrom, ...approved], senderId)
      if (match !== undefined) return { _tag: "Allow", reason: `dmPolicy=pairing matched ${match === "wildcard" ? "*" : "allowlist"}`, wasMentioned: true }
      return { _tag: "Pair", reason: "pairing-required" }
    }
  }
}

/** The `groups` rule for a chat: its own entry, else `"*"`. */
export const groupRule = (access: AccountAccess, conversationId: string, keys: ReadonlyArray<string> = [conversationId]): GroupRule | undefined => {
  for (const key of keys) {
    const rule = access.groups?.[key]
    if (rule !== undefined) return rule
  }
  return access.groups?.["*"]
}

/** Case-insensitive mention patterns; an invalid pattern is skipped (it can never match), not fatal. */
export const compileMentionPatterns = (patterns: ReadonlyArray<string>): ReadonlyArray<RegExp> =>
  patterns.flatMap((p) => {
    try {
      return [new RegExp(p, "i")]
    } catch {
      return []
    }
  })

/**
 * Whether the text patterns apply in this chat: `denyIn` always wins; mode `deny` applies them only in
 * `allowIn`; mode `allow` (the default) everywhere else.
 */
export const patternsApplyIn = (scope: MentionPatternScope | undefined, conversationId: string): boolean => {
  if (scope?.denyIn?.includes(conversationId) === true) return false
  if (scope?.mode === "deny") return scope.allowIn?.includes(conversationId) === true
  return true
}

/** Mentioned: a native mention, a reply to the bot, or a pattern hit where patterns apply. */
export const wasMentioned = (facts: InboundFacts, access: AccountAccess, patterns: ReadonlyArray<RegExp>): { readonly mentioned: boolean; readonly how: string } => {
  if (facts.nativeMention === true) return { mentioned: true, how: "native" }
  if (facts.replyToBot === true) return { mentioned: true, how: "reply-to-bot" }
  if (patternsApplyIn(access.mentionPatternScope, facts.conversationId) && patterns.some((p) => p.test(facts.text))) return { mentioned: true, how: "pattern" }
  return { mentioned: false, how: "none" }
}

/**
 * A group (or channel) message: group policy, then the group allowlist (`groups` keys, `"*"`), then the
 * sender allowlist (`groupAllowFrom`, else `allowFrom`; never the pairing store), then mention gating.
 */
export const decideGroup = (access: AccountAccess, facts: InboundFacts, patterns: ReadonlyArray<RegExp>, botId: string): AccessDecision => {
  const { channel, senderId, conversationId } = facts
  const noun = facts.groupNoun ?? "group"
  const rule = groupRule(access, conversationId, facts.groupKeys)
  const policy = rule?.groupPolicy ?? access.groupPolicy
  if (policy === "disabled") return drop("group-disabled", `${channel}: drop ${noun} message (groupPolicy=disabled chat=${conversationId})`)
  if (rule?.enabled === false) return drop("group-disabled", `${channel}: drop ${noun} message (${noun} disabled chat=${conversationId})`)
  if ((access.groups !== undefined && rule === undefined) || rule?.listed === false) {
    return drop("group-not-allowlisted", `${channel}: drop ${noun} message (chat ${conversationId} not in ${noun === "group" ? "groups" : noun} allowlist)`, "warn")
  }
  if (policy === "allowlist") {
    const senders = rule?.allowFrom ?? access.groupAllowFrom ?? access.allowFrom
    if (allowMatch(channel, senders, senderId) === undefined) {
      return drop("group-sender-not-allowlisted", `Blocked unauthorized ${channel} ${noun} sender ${senderId} (groupPolicy=allowlist, not in groupAllowFrom/allowFrom, chat=${conversationId})`, "warn")
    }
  }
  const requireMention = rule?.requireMention ?? true
  const mention = wasMentioned(facts, access, patterns)
  if (requireMention && facts.canDetectMention !== false && !mention.mentioned) {
    return drop("no-mention", `${channel}: drop ${noun} message (mention required, botId=${botId})`)
  }
  return { _tag: "Allow", reason: requireMention ? `mentioned (${mention.how})` : "requireMention=false", wasMentioned: mention.mentioned }
}

/** The whole pipeline for one message. */
export const decideAccess = (input: {
  readonly access: AccountAccess
  readonly facts: InboundFacts
  readonly approved: ReadonlyArray<string>
  readonly patterns: ReadonlyArray<RegExp>
  readonly botId: string
}): AccessDecision =>
  input.facts.chatType === "direct"
    ? decideDm(input.access, input.facts, input.approved)
    : decideGroup(input.access, input.facts, input.patterns, input.botId)
