import { section } from "../config/fields.js"
import { isRecord } from "../isRecord.js"
import { opt } from "../opt.js"
import { Schema } from "effect"
import type { HeartbeatVisibility } from "./decide.js"

/** `heartbeatVisibility` of `channels.defaults`, a channel, or one of its accounts: what a heartbeat may show. */
export const HeartbeatVisibilityConfig = section("channels.defaults.heartbeatVisibility", {
  showOk: opt(Schema.Boolean),
  showAlerts: opt(Schema.Boolean),
  useIndicator: opt(Schema.Boolean)
})

/** The built-in visibility: alerts shown, `HEARTBEAT_OK` acks silent, the indicator on. */
export const DEFAULT_HEARTBEAT_VISIBILITY: HeartbeatVisibility = { showOk: false, showAlerts: true, useIndicator: true }

type Partial = { readonly showOk?: unknown; readonly showAlerts?: unknown; readonly useIndicator?: unknown }

const visibilityIn = (block: unknown): Partial | undefined => {
  const value = isRecord(block) ? block["heartbeatVisibility"] : undefined
  return isRecord(value) ? value : undefined
}

const flag = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined)

/** An account block by id: the exact key first, then one that differs only in case. */
const accountBlock = (accounts: unknown, accountId: string): unknown => {
  if (!isRecord(accounts)) return undefined
  if (Object.hasOwn(accounts, accountId)) return accounts[accountId]
  const key = Object.keys(accounts).find((k) => k.toLowerCase() === accountId.toLowerCase())
  return key === undefined ? undefined : accounts[key]
}

/**
 * The visibility of a heartbeat delivered to `channel` (and `accountId`), as the original resolves it:
 * each flag from the account, else the channel, else `channels.defaults`, else the built-in default.
 * WebChat reads only `channels.defaults`; no delivery channel (`target: none`) is the built-in default.
 */
export const resolveHeartbeatVisibility = (config: unknown, channel: string | undefined, accountId: string | undefined): HeartbeatVisibility => {
  if (channel === undefined || channel === "none") return DEFAULT_HEARTBEAT_VISIBILITY
  const channels = isRecord(config) && isRecord(config["channels"]) ? config["channels"] : {}
  const defaults = visibilityIn(channels["defaults"])
  const channelBlock = channel === "webchat" ? undefined : channels[channel]
  const perChannel = visibilityIn(channelBlock)
  const perAccount = accountId === undefined || !isRecord(channelBlock) ? undefined : visibilityIn(accountBlock(channelBlock["accounts"], accountId))
  const pick = (key: keyof HeartbeatVisibility) =>
    flag(perAccount?.[key]) ?? flag(perChannel?.[key]) ?? flag(defaults?.[key]) ?? DEFAULT_HEARTBEAT_VISIBILITY[key]
  return { showOk: pick("showOk"), showAlerts: pick("showAlerts"), useIndicator: pick("useIndicator") }
}
