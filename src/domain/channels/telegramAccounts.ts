import type { AccountAccess, GroupRule } from "./access.js"
import { ids } from "./accountFields.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"

type TelegramSection = NonNullable<NonNullable<OpenClawConfig["channels"]>["telegram"]>
type TelegramFields = Omit<TelegramSection, "accounts" | "defaultAccount">

export const TELEGRAM_DEFAULT_API_ROOT = "https://api.telegram.org"

/** One Telegram account as configured: access settings plus where its token comes from. */
export interface TelegramAccountPlan {
  readonly accountId: string
  readonly name: string | undefined
  readonly enabled: boolean
  readonly access: AccountAccess
  readonly apiRoot: string
  readonly historyLimit: number | undefined
  /** A token from config or env, or the file to read it from. */
  readonly token: { readonly source: "config" | "env"; readonly value: string } | { readonly source: "tokenFile"; readonly file: string } | { readonly source: "none"; readonly unresolved?: string | undefined }
}


const groupsOf = (groups: TelegramFields["groups"]): Record<string, GroupRule> | undefined => {
  if (groups === undefined) return undefined
  const out: Record<string, GroupRule> = {}
  for (const [id, g] of Object.entries(groups)) {
    out[id] = { enabled: g.enabled, requireMention: g.requireMention, groupPolicy: g.groupPolicy, allowFrom: ids(g.allowFrom) }
  }
  return out
}

/**
 * The accounts of `channels.telegram` (spec 2.1): named accounts under `accounts.<id>` inherit the root's
 * `allowFrom`/`groupAllowFrom` and policies; an account's `groups` replaces the root's. Without
 * `accounts`, the root is the `default` account. `TELEGRAM_BOT_TOKEN` serves the default account only.
 */
export const telegramAccounts = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<TelegramAccountPlan> => {
  const section = config.channels?.telegram
  const envToken = env["TELEGRAM_BOT_TOKEN"]?.trim()
  if (section === undefined) {
    return envToken === undefined || envToken === "" ? [] : [plan("default", {}, {}, config, env)]
  }
  const { accounts, defaultAccount: _default, ...root } = section
  const entries = Object.entries(accounts ?? {})
  if (entries.length === 0) return [plan("default", root, {}, config, env)]
  return entries.map(([id, account]) => plan(id, root, account, config, env))
}

const plan = (accountId: string, root: TelegramFields, account: TelegramFields, config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): TelegramAccountPlan => {
  const pick = <K extends keyof TelegramFields>(key: K): TelegramFields[K] => account[key] ?? root[key]
  const dmPolicy = pick("dmPolicy") ?? "pairing"
  // A missing channels.<ch> block fails closed: groups need an allowlist unless a policy says otherwise.
  const groupPolicy = pick("groupPolicy") ?? config.channels?.defaults?.groupPolicy ?? "allowlist"
  const secret = account.botToken ?? (account.tokenFile === undefined ? root.botToken : undefined)
  const tokenFile = account.tokenFile ?? (account.botToken === undefined ? root.tokenFile : undefined)
  const resolved = resolveSecret(secret, env)
  const envToken = accountId === "default" ? env["TELEGRAM_BOT_TOKEN"]?.trim() : undefined
  const token: TelegramAccountPlan["token"] = resolved.value !== undefined
    ? { source: "config", value: resolved.value.trim() }
    : tokenFile !== undefined
    ? { source: "tokenFile", file: tokenFile }
    : envToken !== undefined && envToken !== ""
    ? { source: "env", value: envToken }
    : { source: "none", unresolved: resolved.unresolved }
  return {
    accountId,
    name: account.name ?? (accountId === "default" ? root.name : undefined),
    enabled: (root.enabled ?? true) && (account.enabled ?? true),
    apiRoot: pick("apiRoot") ?? TELEGRAM_DEFAULT_API_ROOT,
    historyLimit: pick("historyLimit"),
    token,
    access: {
      dmPolicy,
      allowFrom: ids(pick("allowFrom")) ?? [],
      groupPolicy,
      groupAllowFrom: ids(pick("groupAllowFrom")),
      groups: groupsOf(account.groups ?? root.groups),
      mentionPatternScope: pick("mentionPatterns")
    }
  }
}

/** The outbound default: `defaultAccount`, else `default`, else the first account. */
export const telegramDefaultAccountId = (config: OpenClawConfig): string => {
  const section = config.channels?.telegram
  const ids = Object.keys(section?.accounts ?? {})
  if (section?.defaultAccount !== undefined) return section.defaultAccount
  if (ids.length === 0 || ids.includes("default")) return "default"
  return ids[0] ?? "default"
}
