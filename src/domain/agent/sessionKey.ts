/** The agent a session belongs to when nothing else says (spec: `agent:<a>:main` is the DM main session). */
export const DEFAULT_AGENT_ID = "main"
export const MAIN_KEY = "main"

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** Lowercased, trimmed agent id; anything unusable falls back to the default agent. */
export const normalizeAgentId = (raw: string | undefined): string => {
  const id = (raw ?? "").trim().toLowerCase()
  return AGENT_ID.test(id) ? id : DEFAULT_AGENT_ID
}

/** `agent:<agentId>:main`. */
export const mainSessionKey = (agentId: string = DEFAULT_AGENT_ID) => `agent:${normalizeAgentId(agentId)}:${MAIN_KEY}`

/**
 * The canonical form of a session key: `main` is the default agent's main session, `agent:...` keys
 * are lowercased, and any other key lives under `agentId` (default `main`).
 */
export const canonicalSessionKey = (key: string, agentId?: string): string => {
  const trimmed = key.trim()
  const lower = trimmed.toLowerCase()
  if (lower === MAIN_KEY) return mainSessionKey(agentId)
  if (lower.startsWith("agent:") && lower.split(":").length >= 3) return lower
  return `agent:${normalizeAgentId(agentId)}:${trimmed}`
}

/** The agent id a canonical key names. */
export const agentIdOfKey = (key: string): string => {
  const parts = key.split(":")
  return parts[0] === "agent" && parts.length >= 3 ? normalizeAgentId(parts[1]) : DEFAULT_AGENT_ID
}

/** How a caller chose the session of a run: explicit key, an agent's main session, or nothing (default). */
export const resolveRequestSessionKey = (input: {
  readonly sessionKey?: string | undefined
  readonly agentId?: string | undefined
}): string =>
  input.sessionKey !== undefined && input.sessionKey.trim() !== ""
    ? canonicalSessionKey(input.sessionKey, input.agentId)
    : mainSessionKey(input.agentId)

/** Session-store kinds as `sessions.list` reports them. */
export const sessionKindOf = (key: string): "direct" | "group" | "global" | "unknown" => {
  if (key === "global") return "global"
  if (key === "unknown") return "unknown"
  if (/:(group|channel):/.test(key)) return "group"
  return "direct"
}
