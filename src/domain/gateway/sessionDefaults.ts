import { DEFAULT_AGENT_ID, MAIN_KEY, mainSessionKey } from "../agent/sessionKey.js"

/**
 * `hello-ok.snapshot.sessionDefaults`: where a client's chat goes when it names no session. One
 * operator owns every session here (`sole`); sessions are keyed per sender, as the original's default.
 */
export const sessionDefaults = (modelConfigured: boolean) => ({
  defaultAgentId: DEFAULT_AGENT_ID,
  modelConfigured,
  ownership: "sole",
  selectionRequired: false,
  mainKey: MAIN_KEY,
  mainSessionKey: mainSessionKey(DEFAULT_AGENT_ID),
  scope: "per-sender"
})
