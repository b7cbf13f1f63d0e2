import * as path from "node:path"

/** An agent's sessions folder, `agents/<agentId>/sessions` under the state dir. */
export const sessionsDir = (stateDir: string, agentId: string) => path.join(stateDir, "agents", agentId, "sessions")

/** An agent's session index, `agents/<agentId>/sessions/sessions.json`. */
export const sessionIndexPath = (stateDir: string, agentId: string) => path.join(sessionsDir(stateDir, agentId), "sessions.json")
