import type { Api, ModelTarget } from "../models/catalogue.js"
import { outputText, outputToolCalls, type ToolCallBlock, type Usage, emptyUsage } from "../models/messages.js"
import type { FallbackInfo, ModelResponse } from "../models/response.js"
import {
  classifyAttempt,
  emptyResponseLine,
  incompleteTurnLine,
  incompleteTurnReply,
  retryBudget,
  retryEligible,
  toolLimitLine,
  toolLimitReply
} from "./turnRules.js"

/** What a turn has accumulated over its model calls so far. */
export interface TurnState {
  readonly usage: Usage
  /** The first fallback of the turn (later calls do not replace it). */
  readonly fallback: FallbackInfo | undefined
  /** Model calls that ended in tool use. */
  readonly rounds: number
  readonly toolsRun: number
  /** No mutating tool has run: the turn may be replayed. */
  readonly replaySafe: boolean
  readonly emptyRetries: number
  readonly reasoningRetries: number
}

export const initialTurnState: TurnState = {
  usage: emptyUsage,
  fallback: undefined,
  rounds: 0,
  toolsRun: 0,
  replaySafe: true,
  emptyRetries: 0,
  reasoningRetries: 0
}

/** The part of a model plan the step reads: which API each candidate speaks. */
export interface TurnPlan {
  readonly selected: Pick<ModelTarget, "provider" | "model" | "api">
  readonly fallbacks: ReadonlyArray<Pick<ModelTarget, "provider" | "model" | "api">>
}

/** The fixed facts of one turn the step reads. */
export interface TurnFacts {
  readonly runId: string
  readonly sessionId: string
  readonly plan: TurnPlan
  readonly maxToolRounds: number
}

/** What just happened: the model answered, or the tool calls it asked for ran. */
export type TurnEvent =
  | { readonly _tag: "ModelAnswered"; readonly response: ModelResponse }
  | { readonly _tag: "ToolsRan"; readonly mutating: ReadonlyArray<boolean> }

/** What the runner does next. */
export type TurnAction =
  /** Persist the answer as is and run these calls, then report `ToolsRan`. */
  | { readonly _tag: "RunTools"; readonly calls: ReadonlyArray<ToolCallBlock> }
  /** Call the model again; with the continuation prompt (after `warning` is logged) for a retry. */
  | { readonly _tag: "CallModel"; readonly continuation: boolean; readonly warning: string | undefined }
  /** Persist the answer as is and end the turn with these payloads. */
  | { readonly _tag: "Finish"; readonly payloads: ReadonlyArray<string>; readonly text: string }
  /**
   * Log `warning`, persist `reply` in place of the answer (an error stop with `errorMessage`), end the
   * turn with it; `recordFailure`: the model is marked failed for producing no answer.
   */
  | {
    readonly _tag: "GiveUp"
    readonly warning: string
    readonly reply: string
    readonly errorMessage: "tool loop limit" | "incomplete turn"
    readonly recordFailure: boolean
  }

/** Token usage of two calls added up. */
export const addUsage = (a: Usage, b: Usage): Usage => ({
  input: a.input + b.input,
  output: a.output + b.output,
  cacheRead: a.cacheRead + b.cacheRead,
  cacheWrite: a.cacheWrite + b.cacheWrite,
  total: a.total + b.total
})

/** The API of whichever candidate of the plan answered (the selected one's when none matches). */
export const apiOf = (plan: TurnPlan, response: ModelResponse): Api =>
  [plan.selected, ...plan.fallbacks].find((t) => t.provider === response.provider && t.model === response.model)?.api ?? plan.selected.api

const callModel = (state: TurnState, continuation: boolean, warning?: string) =>
  ({ state, action: { _tag: "CallModel", continuation, warning } }) as const

/**
 * One decision of the turn loop (spec 1.3): tool calls are run until a visible answer, bounded by
 * `maxToolRounds`; an empty or reasoning-only answer of a replay-safe turn is retried within its
 * budget with the continuation prompt; otherwise the turn ends with the incomplete-turn reply.
 */
export const turnStep = (facts: TurnFacts, state: TurnState, event: TurnEvent): { readonly state: TurnState; readonly action: TurnAction } => {
  if (event._tag === "ToolsRan") {
    const next: TurnState = {
      ...state,
      toolsRun: state.toolsRun + event.mutating.length,
      replaySafe: state.replaySafe && !event.mutating.some((m) => m)
    }
    if (next.rounds < facts.maxToolRounds) return callModel(next, false)
    return {
      state: next,
      action: {
        _tag: "GiveUp",
        warning: toolLimitLine({ runId: facts.runId, sessionId: facts.sessionId, rounds: next.rounds }),
        reply: toolLimitReply(facts.maxToolRounds),
        errorMessage: "tool loop limit",
        recordFailure: false
      }
    }
  }
  const { response } = event
  const { content, stopReason } = response.output
  const answered: TurnState = {
    ...state,
    usage: addUsage(state.usage, response.output.usage),
    fallback: state.fallback ?? response.fallback
  }
  const kind = classifyAttempt(content, stopReason)
  if (kind === "toolUse") return { state: { ...answered, rounds: answered.rounds + 1 }, action: { _tag: "RunTools", calls: outputToolCalls(content) } }
  if (kind === "answer") {
    const text = outputText(content)
    return { state: answered, action: { _tag: "Finish", payloads: [text], text } }
  }
  if (kind === "silent") return { state: answered, action: { _tag: "Finish", payloads: [], text: "" } }
  const used = kind === "empty" ? answered.emptyRetries : answered.reasoningRetries
  const budget = retryBudget(kind)
  if (budget > used && answered.replaySafe && retryEligible(apiOf(facts.plan, response), stopReason, response.output.usage)) {
    const retried: TurnState = kind === "empty"
      ? { ...answered, emptyRetries: answered.emptyRetries + 1 }
      : { ...answered, reasoningRetries: answered.reasoningRetries + 1 }
    const warning = emptyResponseLine({ runId: facts.runId, sessionId: facts.sessionId, provider: response.provider, model: response.model, attempt: used + 1, budget })
    return callModel(retried, true, warning)
  }
  return {
    state: answered,
    action: {
      _tag: "GiveUp",
      warning: incompleteTurnLine({
        runId: facts.runId,
        sessionId: facts.sessionId,
        provider: response.provider,
        model: response.model,
        stopReason: response.output.rawStopReason ?? stopReason,
        // An earlier call of this turn ended in tool use, or this one produced some content.
        hasLastAssistant: answered.rounds > 0 || content.length > 0,
        hasCurrentAttemptAssistant: content.length > 0,
        tools: answered.toolsRun,
        replaySafe: answered.replaySafe,
        compactions: 0,
        reasoningRetries: answered.reasoningRetries,
        emptyRetries: answered.emptyRetries,
        missingAssistantRetries: 0
      }),
      reply: incompleteTurnReply(answered.replaySafe),
      errorMessage: "incomplete turn",
      recordFailure: true
    }
  }
}
