import type { AgentEventPayload, ChatEventPayload } from "../protocol/agentMethods.js"
import { agentEventData, agentEventStream, type AgentRunEvent } from "./events.js"

/** Per-run projection state: the last `seq` and the assistant text the chat stream has shown. */
export interface ProjectionState {
  readonly seq: number
  readonly shown: string
}

export const initialProjection: ProjectionState = { seq: 0, shown: "" }

export type WireEvent =
  | { readonly event: "agent"; readonly payload: AgentEventPayload }
  | { readonly event: "chat"; readonly payload: ChatEventPayload }

const assistantMessage = (text: string, ts: number) => ({ role: "assistant" as const, content: [{ type: "text" as const, text }], timestamp: ts })

/**
 * One run event as wire events: always an `agent` event (seq +1 per run); assistant text also as a
 * `chat` delta with the same seq, `replace` when the text is not a continuation of what was shown.
 */
export const projectRunEvent = (
  state: ProjectionState,
  input: { readonly runId: string; readonly sessionKey: string; readonly ts: number; readonly event: AgentRunEvent }
): { readonly state: ProjectionState; readonly events: ReadonlyArray<WireEvent> } => {
  const seq = state.seq + 1
  const agent: WireEvent = { event: "agent", payload: { runId: input.runId, seq, stream: agentEventStream(input.event), ts: input.ts, data: agentEventData(input.event) } }
  if (input.event.stream !== "assistant") return { state: { ...state, seq }, events: [agent] }
  const text = input.event.text
  const continues = text.startsWith(state.shown)
  const chat: WireEvent = {
    event: "chat",
    payload: {
      runId: input.runId,
      sessionKey: input.sessionKey,
      seq,
      state: "delta",
      message: assistantMessage(text, input.ts),
      deltaText: continues ? text.slice(state.shown.length) : text,
      ...(continues ? {} : { replace: true })
    }
  }
  return { state: { seq, shown: text }, events: [agent, chat] }
}

/** How a run ended, as the chat stream's terminal event. */
export type RunOutcome =
  | { readonly status: "ok"; readonly text: string; readonly stopReason: string | undefined; readonly usage: unknown }
  | { readonly status: "aborted"; readonly text: string }
  | { readonly status: "error"; readonly message: string; readonly timeout: boolean }

/** The terminal `chat` event (`final`, `aborted` or `error`), one seq after the run's last event. */
export const terminalChatEvent = (
  state: ProjectionState,
  input: { readonly runId: string; readonly sessionKey: string; readonly ts: number; readonly outcome: RunOutcome }
): WireEvent => {
  const base = { runId: input.runId, sessionKey: input.sessionKey, seq: state.seq + 1 }
  const outcome = input.outcome
  switch (outcome.status) {
    case "ok":
      return {
        event: "chat",
        payload: {
          ...base,
          state: "final",
          ...(outcome.text === "" ? {} : { message: assistantMessage(outcome.text, input.ts) }),
          ...(outcome.stopReason === undefined ? {} : { stopReason: outcome.stopReason }),
          ...(outcome.usage === undefined ? {} : { usage: outcome.usage })
        }
      }
    case "aborted":
      return { event: "chat", payload: { ...base, state: "aborted", ...(outcome.text === "" ? {} : { message: assistantMessage(outcome.text, input.ts) }), stopReason: "aborted" } }
    case "error":
      return { event: "chat", payload: { ...base, state: "error", errorMessage: outcome.message, errorKind: outcome.timeout ? "timeout" : "unknown" } }
  }
}
