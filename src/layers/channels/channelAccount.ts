import type { AccountAccess } from "../../domain/channels/access.js"
import type { ChannelAccount } from "../../services/ChannelRegistry.js"

/** The fields every channel's account plan resolves the same way (Telegram, Discord, Slack). */
export interface AccountPlanCommon {
  readonly accountId: string
  readonly name?: string | undefined
  readonly enabled: boolean
  readonly access: AccountAccess
  readonly historyLimit?: number | undefined
}

/** A registry account from a channel's plan: the common fields, plus what only the adapter knows. */
export const channelAccount = (
  plan: AccountPlanCommon,
  own: { readonly configured: boolean; readonly tokenSource?: string | undefined; readonly settings: unknown }
): ChannelAccount => ({
  accountId: plan.accountId,
  name: plan.name,
  enabled: plan.enabled,
  access: plan.access,
  historyLimit: plan.historyLimit,
  ...own
})
