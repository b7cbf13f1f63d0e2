import { Schema } from "effect"
import type { AccountAccess, GroupRule } from "./access.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { SecretInput, section } from "../config/fields.js"
import { accessFields, channelSections, decodeSection, Id, ids, planAccounts } from "./accountFields.js"

/** `channels.<id|"*">`: a present map is an allowlist of channels. */
const SlackChannelRule = section("channels.slack.channels.*", {
  allow: Schema.optional(Schema.Boolean),
  enabled: Schema.optional(Schema.Boolean),
  requireMention: Schema.optional(Schema.Boolean),
  users: Schema.optional(Schema.Array(Id))
})

const fields = {
  ...accessFields,
  botToken: Schema.optional(SecretInput),
  appToken: Schema.optional(SecretInput),
  signingSecret: Schema.optional(SecretInput),
  channels: Schema.optional(Schema.Record({ key: Schema.String, value: SlackChannelRule }))
}

const { Account: SlackAccountFields, Section: SlackSection } = channelSections("slack", fields)
type SlackFields = typeof SlackAccountFields.Type

/** `channels.slack`: the keys this version reads, type-checked (see channelSections). */
export { SlackSection }
export type SlackSection = typeof SlackSection.Type

export const SLACK_DEFAULT_API_BASE = "https://slack.com/api"

type Credential = { readonly source: "config" | "env"; readonly value: string } | { readonly source: "none" }

/** One Slack account as configured: Socket Mode needs the bot token (`xoxb-`) and the app token (`xapp-`). */
export interface SlackAccountPlan {
  readonly accountId: string
  readonly name: string | undefined
  readonly enabled: boolean
  readonly access: AccountAccess
  readonly historyLimit: number | undefined
  readonly botToken: Credential
  readonly appToken: Credential
  readonly signingSecret: Credential
  /** Channel ids the config names (what the audit checks the bot is in). */
  readonly listedChannels: ReadonlyArray<string>
}

export const slackSection = (config: OpenClawConfig): SlackSection | undefined => {
  return decodeSection(config, "slack", SlackSection)
}


/** `channels` as the pipeline's `groups`; without `users`, anyone in a listed channel may speak. */
const slackGroups = (channels: SlackFields["channels"]): Record<string, GroupRule> | undefined => {
  if (channels === undefined) return undefined
  const out: Record<string, GroupRule> = {}
  for (const [id, ch] of Object.entries(channels)) {
    const enabled = ch.allow ?? ch.enabled
    out[id] = { requireMention: ch.requireMention, allowFrom: ids(ch.users) ?? ["*"], ...(enabled === false ? { enabled: false } : {}) }
  }
  return out
}

const credential = (input: SlackFields["botToken"], envValue: string | undefined, env: Readonly<Record<string, string | undefined>>): Credential => {
  const resolved = resolveSecret(input, env).value?.trim()
  if (resolved !== undefined && resolved !== "") return { source: "config", value: resolved }
  const fromEnv = envValue?.trim()
  return fromEnv !== undefined && fromEnv !== "" ? { source: "env", value: fromEnv } : { source: "none" }
}

/** The accounts of `channels.slack` (as Telegram's); `SLACK_BOT_TOKEN` / `SLACK_APP_TOKEN` serve the default account. */
export const slackAccounts = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<SlackAccountPlan> => {
  const envServesDefault = (env["SLACK_BOT_TOKEN"]?.trim() ?? "") !== ""
  return planAccounts<SlackFields, SlackAccountPlan>(slackSection(config), envServesDefault, (id, root, account) => plan(id, root, account, config, env))
}

const plan = (accountId: string, root: SlackFields, account: SlackFields, config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): SlackAccountPlan => {
  const pick = <K extends keyof SlackFields>(key: K): SlackFields[K] => account[key] ?? root[key]
  const isDefault = accountId === "default"
  const channels = account.channels ?? root.channels
  return {
    accountId,
    name: account.name ?? (isDefault ? root.name : undefined),
    enabled: (root.enabled ?? true) && (account.enabled ?? true),
    historyLimit: pick("historyLimit"),
    botToken: credential(pick("botToken"), isDefault ? env["SLACK_BOT_TOKEN"] : undefined, env),
    appToken: credential(pick("appToken"), isDefault ? env["SLACK_APP_TOKEN"] : undefined, env),
    signingSecret: credential(pick("signingSecret"), isDefault ? env["SLACK_SIGNING_SECRET"] : undefined, env),
    listedChannels: Object.keys(channels ?? {}).filter((id) => id !== "*"),
    access: {
      dmPolicy: pick("dmPolicy") ?? "pairing",
      allowFrom: ids(pick("allowFrom")) ?? [],
      groupPolicy: pick("groupPolicy") ?? config.channels?.defaults?.groupPolicy ?? "allowlist",
      groupAllowFrom: ids(pick("groupAllowFrom")),
      groups: slackGroups(channels),
      mentionPatternScope: pick("mentionPatterns")
    }
  }
}

export const slackDefaultAccountId = (config: OpenClawConfig): string => {
  const section = slackSection(config)
  const ids = Object.keys(section?.accounts ?? {})
  if (section?.defaultAccount !== undefined) return section.defaultAccount
  if (ids.length === 0 || ids.includes("default")) return "default"
  return ids[0] ?? "default"
}

/** Scopes a Socket Mode chat bot needs, and what each is for. */
export const SLACK_REQUIRED_SCOPES: ReadonlyArray<string> = ["chat:write", "app_mentions:read", "channels:history", "im:history"]

/** The fix for a Slack API error, as `channels status` prints it. */
export const slackErrorFix = (error: string, needed: string | undefined, channel: string | undefined): string => {
  if (error === "missing_scope") return `add the ${needed ?? "missing"} scope to the Slack app (OAuth & Permissions), reinstall the app to the workspace, then restart the gateway`
  if (error === "not_in_channel") return `invite the bot to the channel: /invite @<bot> in ${channel === undefined ? "the channel" : `<#${channel}>`}`
  if (error === "invalid_auth" || error === "not_authed" || error === "token_revoked") return "set a valid channels.slack.botToken (xoxb-…) and appToken (xapp-…), then restart the gateway"
  return "Run: openclaw channels status --probe (or restart the gateway)"
}
