import type { Schema } from "effect"
import { ChannelsStatusParams, ChannelsStatusResult } from "../channels/status.js"
import type { MethodAccess, MethodSpec } from "./methods.js"

const spec = <P, PI, R, RI>(name: string, access: MethodAccess, params: Schema.Schema<P, PI>, result: Schema.Schema<R, RI>): MethodSpec<P, R> => ({
  name,
  access,
  params: params as Schema.Schema<P, unknown>,
  result: result as Schema.Schema<R, unknown>
})

/** The channel methods: `channels.status` reads (operator.read). */
export const ChannelMethods = {
  channelsStatus: spec("channels.status", "operator.read", ChannelsStatusParams, ChannelsStatusResult)
} as const
