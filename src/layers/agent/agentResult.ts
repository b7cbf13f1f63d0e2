import type { AgentResult } from "../../domain/protocol/agentMethods.js"
import type { AgentRunResult } from "../../services/AgentRunner.js"

/** A finished run as the final `agent` response (and `openclaw agent --json`) reports it. */
export const agentResultPayload = (result: AgentRunResult): AgentResult => ({
  runId: result.runId,
  status: "ok",
  summary: result.status === "aborted" ? "aborted" : "completed",
  result: {
    payloads: result.payloads.map((text) => ({ text, mediaUrl: null })),
    meta: {
      durationMs: result.endedAt - result.startedAt,
      aborted: result.status === "aborted",
      ...(result.stopReason === undefined ? {} : { stopReason: result.stopReason }),
      agentMeta: {
        sessionId: result.sessionId,
        sessionKey: result.sessionKey,
        ...(result.provider === undefined ? {} : { provider: result.provider }),
        ...(result.model === undefined ? {} : { model: result.model }),
        usage: { ...result.usage }
      },
      ...(result.fallback !== undefined
        ? { fallback: { ...result.fallback } }
        : result.fallbackCleared !== undefined
        ? { fallback: { phase: "cleared", ...result.fallbackCleared } }
        : {})
    }
  }
})
