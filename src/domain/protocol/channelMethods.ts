import { ChannelsStatusParams, ChannelsStatusResult } from "../channels/status.js"
import { defineMethod } from "./defineMethod.js"

const spec = defineMethod

/** The channel methods: `channels.status` reads (operator.read). */
export const ChannelMethods = {
  channelsStatus: spec("channels.status", "operator.read", ChannelsStatusParams, ChannelsStatusResult)
} as const
