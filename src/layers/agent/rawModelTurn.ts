import { Clock, type Context, Effect } from "effect"
import type { AgentRunFailed } from "../../domain/agent/errors.js"
import type { AgentRunEvent } from "../../domain/agent/events.js"
import { type ModelInput, outputText } from "../../domain/models/messages.js"
import type { AgentRunRequest, AgentRunResult } from "../../services/AgentRunner.js"
import type { ModelCatalog } from "../../services/ModelCatalog.js"
import type { ModelClient } from "../../services/ModelClient.js"
import { runSelection } from "../../domain/models/selection.js"
import { modelAttempt, runFailed } from "./modelAttempt.js"

/**
 * A raw model run (`agent` with `modelRun: true`): the message and its images, alone, to the model
 * chain. No system prompt, no tools, no transcript read or written, no empty-turn retry: an empty
 * answer is an empty result, for the caller to report. An explicit model never falls back.
 */
export const rawModelTurn = (
  deps: { readonly catalog: Context.Tag.Service<ModelCatalog>; readonly client: Context.Tag.Service<ModelClient> },
  request: AgentRunRequest,
  hooks: {
    readonly startedAt: number
    readonly emit: (event: AgentRunEvent) => Effect.Effect<void>
    readonly onDelta: (delta: string) => Effect.Effect<void>
    readonly onResponse: (provider: string, model: string) => Effect.Effect<void>
  }
): Effect.Effect<AgentRunResult, AgentRunFailed> =>
  Effect.gen(function*() {
    const { runId, sessionKey } = request
    yield* hooks.emit({ stream: "lifecycle", phase: "start", startedAt: hooks.startedAt })
    const plan = yield* deps.catalog.plan(runSelection(request)).pipe(Effect.mapError((e) => runFailed(runId, e.code, e.message)))
    const input: ModelInput = {
      messages: [{ role: "user", content: [{ type: "text", text: request.message }, ...(request.images ?? [])] }],
      ...(request.thinking === undefined ? {} : { thinking: request.thinking })
    }
    const response = yield* modelAttempt(deps.client, plan, input, hooks.onDelta, runId)
    yield* hooks.onResponse(response.provider, response.model)
    if (response.fallback !== undefined) yield* hooks.emit({ stream: "fallback", fallback: response.fallback })
    const text = outputText(response.output.content)
    const endedAt = yield* Clock.currentTimeMillis
    yield* hooks.emit({ stream: "lifecycle", phase: "end", startedAt: hooks.startedAt, endedAt, aborted: false })
    return {
      runId,
      sessionKey,
      sessionId: request.sessionId ?? runId,
      status: "ok",
      payloads: text.trim() === "" ? [] : [text],
      text,
      stopReason: response.output.stopReason,
      provider: response.provider,
      model: response.model,
      usage: response.output.usage,
      fallback: response.fallback,
      startedAt: hooks.startedAt,
      endedAt
    } satisfies AgentRunResult
  })
