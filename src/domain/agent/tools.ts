import { Data, type Effect, JSONSchema, type Schema } from "effect"
import type { ToolSpec, UserBlock } from "../models/messages.js"

/** A tool's own failure; the runner turns it into an error tool result the model sees. */
export class ToolFailed extends Data.TaggedError("ToolFailed")<{ readonly message: string }> {}

/** Where a tool call happens. */
export interface ToolContext {
  readonly runId: string
  readonly sessionKey: string
  readonly sessionId: string
  readonly provider: string
  readonly model: string
}

/**
 * A tool the agent may call: parameters are an effect Schema (decoded from the model's arguments and
 * sent to the provider as JSON Schema); `mutating` tools make a turn unsafe to replay.
 */
export interface AgentTool<A = unknown, I = unknown> {
  readonly name: string
  readonly description: string
  readonly parameters: Schema.Schema<A, I>
  readonly mutating: boolean
  readonly execute: (args: A, context: ToolContext) => Effect.Effect<string | ReadonlyArray<UserBlock>, ToolFailed>
}

/** Declares a tool; keeps the parameter type tied to `execute`. */
export const defineTool = <A, I>(tool: AgentTool<A, I>): AgentTool<A, I> => tool

/** The provider-facing JSON Schema of a tool's parameters (an object schema, without `$schema`). */
export const toolParametersJson = (parameters: Schema.Schema.Any): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = JSONSchema.make(parameters) as unknown as Record<string, unknown>
  return rest["type"] === undefined && rest["$ref"] === undefined ? { type: "object", properties: {}, ...rest } : rest
}

/** The tool as offered to the model. */
export const toolSpecOf = (tool: AgentTool<any, any>): ToolSpec => ({
  name: tool.name,
  description: tool.description,
  parameters: toolParametersJson(tool.parameters)
})
