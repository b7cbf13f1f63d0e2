import { Effect } from "effect"
import {
  parseScriptPayloadResult,
  parseTriggerResult,
  SCRIPT_TIMEOUT_DEFAULT_S,
  SCRIPT_TIMEOUT_MAX_S,
  SCRIPT_TOOL_BUDGET_DEFAULT,
  SCRIPT_TOOL_BUDGET_MAX,
  type ScriptPayload,
  type ScriptPayloadResult,
  type TriggerResult
} from "../../domain/cron/script.js"
import type { ToolRegistry } from "../../services/ToolRegistry.js"
import { runScript } from "./scriptHost.js"

/** Limits of one trigger evaluation (the payload's come from the job). */
export interface TriggerLimits {
  readonly wallClockMs: number
  readonly maxToolCalls: number
}

/** Where a script's tool calls happen: the job's session, as the owning agent's. */
export interface ScriptCaller {
  readonly jobId: string
  readonly runId: string
  readonly sessionKey: string
}

const textOf = (content: ReadonlyArray<{ readonly type: string; readonly text?: string }>) =>
  content.map((block) => (block.type === "text" ? block.text ?? "" : "")).join("\n")

const clamp = (value: number | undefined, fallback: number, max: number) => Math.min(max, Math.max(1, Math.floor(value ?? fallback)))

/**
 * Cron's script runtime over the agent's tool registry: a trigger gate (`{ fire, message?, state? }`)
 * and a script payload (`{ notify?, wake?, state?, nextCheck? }`), each in its own process, each tool
 * call going through the same registry (and exec approvals policy) as an agent turn's.
 */
export const makeCronScripts = (registry: ToolRegistry["Type"], limits: TriggerLimits) => {
  const run = (caller: ScriptCaller, input: { readonly label: string; readonly source: string; readonly state: unknown; readonly streamBatch: string | undefined; readonly wallClockMs: number; readonly maxToolCalls: number }) =>
    Effect.gen(function*() {
      const tools = (yield* registry.specs).map((spec) => spec.name)
      let calls = 0
      return yield* runScript({
        label: input.label,
        source: input.source,
        trigger: { ...(input.state === undefined ? {} : { state: input.state }), ...(input.streamBatch === undefined ? {} : { streamBatch: input.streamBatch }) },
        wallClockMs: input.wallClockMs,
        maxToolCalls: input.maxToolCalls,
        tools,
        callTool: (name, args) =>
          Effect.flatMap(
            registry.invoke(
              { type: "toolCall", id: `${caller.runId}:tool:${++calls}`, name, arguments: typeof args === "object" && args !== null && !Array.isArray(args) ? args as Record<string, unknown> : {} },
              { runId: caller.runId, sessionKey: caller.sessionKey, sessionId: `cron-script:${caller.jobId}`, provider: "cron", model: "script" }
            ),
            (outcome) => (outcome.isError ? Effect.fail(textOf(outcome.content)) : Effect.succeed(outcome.details ?? { content: outcome.content }))
          )
      })
    })

  return {
    evaluateTrigger: (caller: ScriptCaller, input: { readonly script: string; readonly state: unknown; readonly streamBatch?: string | undefined }): Effect.Effect<TriggerResult> =>
      Effect.map(
        run(caller, { label: "cron trigger evaluation", source: input.script, state: input.state, streamBatch: input.streamBatch, ...limits }),
        (result) => (result.kind === "completed" ? parseTriggerResult(result) : result)
      ),
    runPayload: (caller: ScriptCaller, payload: ScriptPayload, input: { readonly state: unknown; readonly streamBatch?: string | undefined }): Effect.Effect<ScriptPayloadResult> =>
      Effect.map(
        run(caller, {
          label: "cron script payload",
          source: payload.script,
          state: input.state,
          streamBatch: input.streamBatch,
          wallClockMs: clamp(payload.timeoutSeconds, SCRIPT_TIMEOUT_DEFAULT_S, SCRIPT_TIMEOUT_MAX_S) * 1000,
          maxToolCalls: clamp(payload.toolBudget, SCRIPT_TOOL_BUDGET_DEFAULT, SCRIPT_TOOL_BUDGET_MAX)
        }),
        (result) => (result.kind === "completed" ? parseScriptPayloadResult(result) : result)
      )
  }
}
