import { type Context, Effect, Stream } from "effect"
import { AgentRunFailed } from "../../domain/agent/errors.js"
import { diagnoseProviderError } from "../../domain/models/diagnosis.js"
import { attemptOf } from "../../domain/models/errors.js"
import type { ModelInput } from "../../domain/models/messages.js"
import type { ModelResponse } from "../../domain/models/response.js"
import type { ModelPlan } from "../../domain/models/selection.js"
import type { ModelClient } from "../../services/ModelClient.js"

/** A run's failure: its message, the cause code and the runbook hint when there is one. */
export const runFailed = (runId: string, cause: string, message: string, hint?: string, target?: { readonly provider: string; readonly model: string }) =>
  new AgentRunFailed({
    message,
    runId,
    cause,
    ...(hint === undefined ? {} : { hint }),
    ...(target === undefined ? {} : { provider: target.provider, model: target.model })
  })

/**
 * One model call of a run over the plan's chain: streams visible deltas to `onDelta`, answers the
 * completed response; a failed chain becomes `AgentRunFailed` naming the last model tried.
 */
export const modelAttempt = (
  client: Context.Tag.Service<ModelClient>,
  plan: ModelPlan,
  input: ModelInput,
  onDelta: (delta: string) => Effect.Effect<void>,
  runId: string
): Effect.Effect<ModelResponse, AgentRunFailed> =>
  client.stream({ target: plan.selected, fallbacks: plan.fallbacks, input }).pipe(
    Stream.runFoldEffect(undefined as ModelResponse | undefined, (found, event) => {
      if (event._tag === "TextDelta") return Effect.as(onDelta(event.text), found)
      if (event._tag === "Completed") return Effect.succeed(event.response)
      return Effect.succeed(found)
    }),
    Effect.mapError((error) => {
      const attempts = error._tag === "ModelFailover" ? error.attempts : [attemptOf(error)]
      const last = attempts.at(-1)
      const target = [plan.selected, ...plan.fallbacks].find((t) => t.provider === last?.provider && t.model === last?.model) ?? plan.selected
      return runFailed(runId, error.code, error.message, last === undefined ? undefined : diagnoseProviderError(target, last), target)
    }),
    Effect.flatMap((response) =>
      response === undefined ? Effect.fail(runFailed(runId, "MODEL_EMPTY_RESPONSE", "the model stream ended without a response")) : Effect.succeed(response)
    )
  )
