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

/** A tool result with machine-readable `details` beside the model's text (a cron script's tool call returns the details). */
export interface DetailedToolResult {
  readonly text: string
  readonly details: unknown
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
  readonly execute: (args: A, context: ToolContext) => Effect.Effect<string | ReadonlyArray<UserBlock> | DetailedToolResult, ToolFailed>
}

/** Declares a tool; keeps the parameter type tied to `execute`. */
export const defineTool = <A, I>(tool: AgentTool<A, I>): AgentTool<A, I> => tool

// Local backends (llama.cpp grammars, some vLLM builds) reject `$ref`: definitions are inlined.
const inline = (node: unknown, defs: Readonly<Record<string, unknown>>, depth: number): unknown => {
  if (Array.isArray(node)) return node.map((item) => inline(item, defs, depth))
  if (typeof node !== "object" || node === null) return node
  const record = node as Record<string, unknown>
  const ref = record["$ref"]
  if (typeof ref === "string" && ref.startsWith("#/$defs/") && depth < 32) {
    const { $ref: _ref, ...siblings } = record
    const target = defs[ref.slice("#/$defs/".length)]
    if (target !== undefined) return inline({ ...(target as Record<string, unknown>), ...siblings }, defs, depth + 1)
  }
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, inline(value, defs, depth)]))
}

/** The provider-facing JSON Schema of a tool's parameters: an object schema, self-contained, without `$schema`. */
export const toolParametersJson = (parameters: Schema.Schema.Any): Record<string, unknown> => {
  const { $schema: _ignored, $defs, ...rest } = JSONSchema.make(parameters) as unknown as Record<string, unknown>
  const inlined = inline(rest, ($defs ?? {}) as Record<string, unknown>, 0) as Record<string, unknown>
  return inlined["type"] === undefined ? { type: "object", properties: {}, ...inlined } : inlined
}

/** The tool as offered to the model. */
export const toolSpecOf = (tool: AgentTool<any, any>): ToolSpec => ({
  name: tool.name,
  description: tool.description,
  parameters: toolParametersJson(tool.parameters)
})
