import { Context, type Effect } from "effect"
import type { ToolContext } from "../domain/agent/tools.js"
import type { ToolCallBlock, ToolSpec, UserBlock } from "../domain/models/messages.js"

/** The outcome of one tool call, always delivered to the model (errors included). */
export interface ToolOutcome {
  readonly content: ReadonlyArray<UserBlock>
  readonly isError: boolean
  /** The tool changes the world: a turn that ran it is no longer replay-safe. */
  readonly mutating: boolean
  /** The tool's machine-readable result, when it gives one (what a cron script's call returns). */
  readonly details?: unknown
}

/** The tools an agent may call: their provider-facing specs, and invocation with decoded arguments. */
export class ToolRegistry extends Context.Tag("openclaw/ToolRegistry")<ToolRegistry, {
  readonly specs: Effect.Effect<ReadonlyArray<ToolSpec>>
  /** Decodes the arguments with the tool's schema and runs it; unknown tools and bad arguments are error results. */
  readonly invoke: (call: ToolCallBlock, context: ToolContext) => Effect.Effect<ToolOutcome>
}>() {}
