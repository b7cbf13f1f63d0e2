import { Effect, Schema } from "effect"
import { defineTool, ToolFailed } from "../../domain/agent/tools.js"
import { formatDurationMs, parseDurationMs } from "../../domain/cron/duration.js"
import type { CronPacing } from "../../domain/cron/pacing.js"

/**
 * The automation agent turns in progress and the next-check delay each proposed (one registry per
 * gateway, shared by the cron executor and the agent's `automations` tool, keyed by run id).
 */
export interface PacingProposals {
  /** An automation's agent turn starts (`pacing` undefined when the job is not paced). */
  readonly begin: (runId: string, pacing: CronPacing | undefined) => Effect.Effect<void>
  readonly propose: (runId: string, delayMs: number) => Effect.Effect<"recorded" | "not-paced" | "not-automation">
  /** The turn ended: its proposal, if any (the scheduler clamps it and applies it only to a successful run). */
  readonly end: (runId: string) => Effect.Effect<number | undefined>
}

export const makePacingProposals = (): PacingProposals => {
  const runs = new Map<string, { readonly paced: boolean; proposal?: number }>()
  return {
    begin: (runId, pacing) => Effect.sync(() => void runs.set(runId, { paced: pacing !== undefined })),
    propose: (runId, delayMs) =>
      Effect.sync(() => {
        const run = runs.get(runId)
        if (run === undefined) return "not-automation" as const
        if (!run.paced) return "not-paced" as const
        run.proposal = delayMs
        return "recorded" as const
      }),
    end: (runId) =>
      Effect.sync(() => {
        const proposal = runs.get(runId)?.proposal
        runs.delete(runId)
        return proposal
      })
  }
}

const Params = Schema.Struct({
  action: Schema.Literal("next_check").annotations({ description: "next_check: propose when this paced automation runs next" }),
  in: Schema.String.annotations({ description: "Delay from the end of this run, e.g. 30m or 2h" })
})

/**
 * The agent's `automations` tool, `next_check` action: a paced job's running turn proposes its next
 * check. Other automation actions are not offered here.
 */
export const automationsTool = (proposals: PacingProposals) =>
  defineTool({
    name: "automations",
    description: "Automations. action \"next_check\" with in: \"30m\" proposes when the currently running paced automation checks again (measured from this run's successful end, kept within the job's pacing bounds).",
    parameters: Params,
    mutating: false,
    execute: (args, context) =>
      Effect.gen(function*() {
        const delayMs = parseDurationMs(args.in)
        if (delayMs === undefined || delayMs <= 0) return yield* new ToolFailed({ message: `Invalid in "${args.in}": use a duration like 30m or 2h` })
        const result = yield* proposals.propose(context.runId, delayMs)
        if (result === "not-automation") return yield* new ToolFailed({ message: "next_check applies only inside a running automation turn" })
        if (result === "not-paced") return yield* new ToolFailed({ message: "next_check needs pacing on this automation (openclaw automations edit <id> --pacing-min/--pacing-max)" })
        return `Next check proposed in ${formatDurationMs(delayMs)} after this run completes.`
      })
  })
