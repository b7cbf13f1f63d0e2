import type { FallbackInfo } from "../models/response.js"

/**
 * What a run reports while it works, in order. The gateway projects these onto the wire `agent`
 * event streams (`lifecycle`, `assistant`, `tool`) and the `chat` event.
 */
export type AgentRunEvent =
  | { readonly stream: "lifecycle"; readonly phase: "start"; readonly startedAt: number }
  | { readonly stream: "lifecycle"; readonly phase: "end"; readonly startedAt: number; readonly endedAt: number; readonly aborted: boolean }
  | { readonly stream: "lifecycle"; readonly phase: "error"; readonly startedAt: number; readonly endedAt: number; readonly error: string }
  /** `text` is the visible answer so far, `delta` what this event added. */
  | { readonly stream: "assistant"; readonly text: string; readonly delta: string }
  | { readonly stream: "tool"; readonly phase: "start"; readonly name: string; readonly toolCallId: string; readonly args: Readonly<Record<string, unknown>> }
  | { readonly stream: "tool"; readonly phase: "result"; readonly name: string; readonly toolCallId: string; readonly isError: boolean; readonly result: string }
  /** The turn was answered by a fallback model. */
  | { readonly stream: "fallback"; readonly fallback: FallbackInfo }
  /** The selected model answered again after the session's last turn had fallen back. */
  | { readonly stream: "fallbackCleared"; readonly selected: string; readonly previous: string; readonly notice: string }

/** The wire `stream` of a run event: a cleared fallback is reported on the `fallback` stream. */
export const agentEventStream = (event: AgentRunEvent): string => (event.stream === "fallbackCleared" ? "fallback" : event.stream)

/** The wire `data` of an `agent` event for one run event. */
export const agentEventData = (event: AgentRunEvent): Readonly<Record<string, unknown>> => {
  switch (event.stream) {
    case "lifecycle":
      return event.phase === "start"
        ? { phase: "start", startedAt: event.startedAt }
        : event.phase === "end"
        ? { phase: "end", startedAt: event.startedAt, endedAt: event.endedAt, ...(event.aborted ? { aborted: true } : {}) }
        : { phase: "error", startedAt: event.startedAt, endedAt: event.endedAt, error: event.error }
    case "assistant":
      return { text: event.text, delta: event.delta }
    case "tool":
      return event.phase === "start"
        ? { phase: "start", name: event.name, toolCallId: event.toolCallId, args: event.args }
        : { phase: "result", name: event.name, toolCallId: event.toolCallId, isError: event.isError, result: event.result }
    case "fallback":
      return { ...event.fallback }
    case "fallbackCleared":
      return { phase: "cleared", selected: event.selected, previous: event.previous, notice: event.notice }
  }
}
