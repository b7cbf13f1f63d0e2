import type { Api } from "../models/catalogue.js"
import type { AssistantBlock, StopReason, Usage } from "../models/messages.js"
import { outputText, outputToolCalls } from "../models/messages.js"
import { isSilentText } from "./transcript.js"

/** Retry budgets of spec 1.3. */
export const EMPTY_RESPONSE_RETRIES = 1
export const REASONING_ONLY_RETRIES = 2
export const MISSING_ASSISTANT_RETRIES = 1

/** Injected (never persisted) before a retry of an empty or reasoning-only turn. */
export const CONTINUATION_PROMPT =
  "The previous attempt did not produce a user-visible answer. Continue from the current state and produce the visible answer now. Do not restart from scratch."

/** The reply when a turn ends without a visible answer. */
export const INCOMPLETE_TURN_REPLY = "⚠️ Agent couldn't generate a response. Please try again."
/** The same when a mutating tool already ran. */
export const INCOMPLETE_TURN_REPLY_SIDE_EFFECTS =
  "⚠️ Agent couldn't generate a response. Note: some tool actions may have already been executed — please verify before retrying."

/** What one model attempt produced, as the turn rule sees it. */
export type AttemptKind =
  | "answer" // visible text
  | "silent" // only NO_REPLY: deliberately nothing to say
  | "toolUse" // tool calls to run
  | "error" // the provider ended the turn with an error
  | "reasoningOnly" // thinking but no visible text
  | "empty" // nothing at all

export const classifyAttempt = (content: ReadonlyArray<AssistantBlock>, stopReason: StopReason): AttemptKind => {
  if (outputToolCalls(content).length > 0) return "toolUse"
  const text = outputText(content)
  if (text.trim() !== "") return isSilentText(text) ? "silent" : "answer"
  if (stopReason === "error") return "error"
  if (content.some((block) => block.type === "thinking" && block.thinking.trim() !== "")) return "reasoningOnly"
  return "empty"
}

const RETRY_APIS: ReadonlyArray<Api> = ["openai-completions", "anthropic-messages", "bedrock-converse-stream", "ollama"]

/** Whether an empty turn of this provider may be retried: the listed APIs, or zero output usage on `stop`. */
export const retryEligible = (api: Api, stopReason: StopReason, usage: Usage): boolean =>
  RETRY_APIS.includes(api) || (stopReason === "stop" && usage.output === 0)

/** The retry budget of an attempt kind (0: not retried). */
export const retryBudget = (kind: AttemptKind): number =>
  kind === "empty" ? EMPTY_RESPONSE_RETRIES : kind === "reasoningOnly" ? REASONING_ONLY_RETRIES : 0

const yesNo = (value: boolean) => (value ? "yes" : "no")

/** `empty response detected: ...` (logged before each retry). */
export const emptyResponseLine = (input: {
  readonly runId: string
  readonly sessionId: string
  readonly provider: string
  readonly model: string
  readonly attempt: number
  readonly budget: number
}) =>
  `empty response detected: runId=${input.runId} sessionId=${input.sessionId} provider=${input.provider}/${input.model} — retrying ${input.attempt}/${input.budget} with visible-answer continuation`

/** Counters and facts of a turn that ended without a visible answer. */
export interface IncompleteTurn {
  readonly runId: string
  readonly sessionId: string
  readonly provider: string
  readonly model: string
  readonly stopReason: string | undefined
  readonly hasLastAssistant: boolean
  readonly hasCurrentAttemptAssistant: boolean
  readonly tools: number
  readonly replaySafe: boolean
  readonly compactions: number
  readonly reasoningRetries: number
  readonly emptyRetries: number
  readonly missingAssistantRetries: number
}

/** The warning of spec 1.3, logged under `agent/embedded` when the retries are spent. */
export const incompleteTurnLine = (turn: IncompleteTurn) =>
  `incomplete turn detected: runId=${turn.runId} sessionId=${turn.sessionId} provider=${turn.provider}/${turn.model} stopReason=${turn.stopReason ?? "missing"} hasLastAssistant=${yesNo(turn.hasLastAssistant)} hasCurrentAttemptAssistant=${yesNo(turn.hasCurrentAttemptAssistant)} payloads=0 tools=${turn.tools} replaySafe=${yesNo(turn.replaySafe)} compactions=${turn.compactions} reasoningRetries=${turn.reasoningRetries}/${REASONING_ONLY_RETRIES} emptyRetries=${turn.emptyRetries}/${EMPTY_RESPONSE_RETRIES} missingAssistantRetries=${turn.missingAssistantRetries}/${MISSING_ASSISTANT_RETRIES} — surfacing error to user`

/** The user-facing reply of an incomplete turn. */
export const incompleteTurnReply = (replaySafe: boolean) => (replaySafe ? INCOMPLETE_TURN_REPLY : INCOMPLETE_TURN_REPLY_SIDE_EFFECTS)

/** The warning logged when the tool loop hit its bound. */
export const toolLimitLine = (input: { readonly runId: string; readonly sessionId: string; readonly rounds: number }) =>
  `tool loop limit reached: runId=${input.runId} sessionId=${input.sessionId} rounds=${input.rounds}`

/** The reply when the tool loop hit its bound without a final answer (spec silent: our wording). */
export const toolLimitReply = (limit: number) => `⚠️ Agent stopped after ${limit} tool rounds without a final answer. Please try again.`
