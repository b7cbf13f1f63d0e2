/** Where an inbound message's turn runs (spec 2.1): DMs share the agent's main session; a group has its own. */
export const sessionKeyFor = (agentId: string, input: { readonly channel: string; readonly chatType: "direct" | "group" | "channel"; readonly conversationId: string }): string =>
  input.chatType === "direct"
    ? `agent:${agentId}:main`
    : `agent:${agentId}:${input.channel}:${input.chatType === "group" ? "group" : "channel"}:${input.conversationId}`

/** The agent that answers channel messages until `bindings[]` routing exists. */
export const DEFAULT_AGENT_ID = "main"
