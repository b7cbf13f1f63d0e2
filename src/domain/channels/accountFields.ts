import { Either, Schema } from "effect"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { section } from "../config/fields.js"
import { HeartbeatVisibilityConfig } from "../heartbeat/visibility.js"

/** A sender or chat id as configs write it: a string or a number. */
export const Id = Schema.Union(Schema.String, Schema.Number)

/** An optional policy literal. */
export const Policy = <L extends ReadonlyArray<string>>(...values: L) => Schema.optional(Schema.Literal(...values))

/** Allow-list ids as strings. */
export const ids = (list: ReadonlyArray<string | number> | undefined) => list?.map(String)

/** The access fields every bot channel's section and accounts share (Discord's and Slack's; Telegram's are in ConfigSchema). */
export const accessFields = {
  name: Schema.optional(Schema.String),
  enabled: Schema.optional(Schema.Boolean),
  dmPolicy: Policy("pairing", "allowlist", "open", "disabled"),
  allowFrom: Schema.optional(Schema.Array(Id)),
  groupPolicy: Policy("open", "allowlist", "disabled"),
  groupAllowFrom: Schema.optional(Schema.Array(Id)),
  mentionPatterns: Schema.optional(Schema.Struct({ mode: Policy("allow", "deny"), allowIn: Schema.optional(Schema.Array(Schema.String)), denyIn: Schema.optional(Schema.Array(Schema.String)) })),
  historyLimit: Schema.optional(Schema.Int),
  heartbeatVisibility: Schema.optional(HeartbeatVisibilityConfig)
}

/**
 * A bot channel's config schemas: `channels.<channel>.accounts.*` with `fields`, and `channels.<channel>`
 * with the same fields plus `accounts` and `defaultAccount` (the root is the default account's base). The
 * original's other keys are kept untouched and reported as not supported; any other key is an error naming its path.
 */
export const channelSections = <F extends Schema.Struct.Fields>(channel: string, fields: F) => {
  const Account = section(`channels.${channel}.accounts.*`, fields)
  const Section = section(`channels.${channel}`, {
    ...fields,
    accounts: Schema.optional(Schema.Record({ key: Schema.String, value: Account })),
    defaultAccount: Schema.optional(Schema.String)
  })
  return { Account, Section }
}

/** A channel's block of the config, decoded with its section schema; absent or invalid → undefined. */
export const decodeSection = <A, I>(config: OpenClawConfig, channel: string, schema: Schema.Schema<A, I>): A | undefined => {
  const raw = (config as { readonly channels?: Record<string, unknown> }).channels?.[channel]
  return raw === undefined ? undefined : Either.getOrUndefined(Schema.decodeUnknownEither(schema)(raw))
}

/**
 * A section's accounts as Telegram's are: each named account over the root's fields, else the root as
 * `default`; with no section, `default` alone when an environment token serves it.
 */
export const planAccounts = <F extends object, P>(
  section: (F & { readonly accounts?: Readonly<Record<string, F>> | undefined; readonly defaultAccount?: string | undefined }) | undefined,
  envServesDefault: boolean,
  plan: (accountId: string, root: F, account: F) => P
): ReadonlyArray<P> => {
  if (section === undefined) return envServesDefault ? [plan("default", {} as F, {} as F)] : []
  const { accounts, defaultAccount: _default, ...root } = section
  const entries = Object.entries(accounts ?? {})
  if (entries.length === 0) return [plan("default", root as F, {} as F)]
  return entries.map(([id, account]) => plan(id, root as F, account))
}
