import { Effect, Either, Layer, ParseResult, Schema } from "effect"
import { type AgentTool, type ToolContext, toolSpecOf } from "../../domain/agent/tools.js"
import type { ToolCallBlock } from "../../domain/models/messages.js"
import { type ToolOutcome, ToolRegistry } from "../../services/ToolRegistry.js"
import { sessionStatusTool } from "./tools/sessionStatus.js"

/** The tools every agent has. Browser and node tools come with their own features. */
export const BUILT_IN_TOOLS: ReadonlyArray<AgentTool<any, any>> = [sessionStatusTool]

const errorOutcome = (text: string, mutating: boolean): ToolOutcome => ({ content: [{ type: "text", text }], isError: true, mutating })

/** A registry of exactly these tools (later names replace earlier ones). */
export const ToolRegistryFrom = (tools: ReadonlyArray<AgentTool<any, any>>) =>
  Layer.sync(ToolRegistry, () => {
    const byName = new Map(tools.map((tool) => [tool.name, tool]))
    const specs = [...byName.values()].map(toolSpecOf).sort((a, b) => a.name.localeCompare(b.name))
    return {
      specs: Effect.succeed(specs).pipe(Effect.withSpan("ToolRegistry.specs")),
      invoke: Effect.fn("ToolRegistry.invoke")(function*(call: ToolCallBlock, context: ToolContext) {
        const tool = byName.get(call.name)
        if (tool === undefined) return errorOutcome(`Tool ${call.name} not found`, false)
        const decoded = Schema.decodeUnknownEither(tool.parameters, { errors: "all" })(call.arguments)
        if (Either.isLeft(decoded)) {
          const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
          return errorOutcome(`Invalid arguments for ${call.name}: ${issues.join("; ")}`, false)
        }
        return yield* tool.execute(decoded.right, context).pipe(
          Effect.map((output): ToolOutcome =>
            typeof output === "string"
              ? { content: [{ type: "text", text: output }], isError: false, mutating: tool.mutating }
              : "details" in output
              ? { content: [{ type: "text", text: output.text }], isError: false, mutating: tool.mutating, details: output.details }
              : { content: output, isError: false, mutating: tool.mutating }
          ),
          Effect.catchTag("ToolFailed", (error) => Effect.succeed(errorOutcome(error.message, tool.mutating))),
          Effect.catchAllDefect((defect) => Effect.succeed(errorOutcome(`Tool ${call.name} crashed: ${String(defect)}`, tool.mutating)))
        )
      })
    }
  })

/** The built-in tools plus `extra` (tests and features add theirs). */
export const ToolRegistryLive = (extra: ReadonlyArray<AgentTool<any, any>> = []) => ToolRegistryFrom([...BUILT_IN_TOOLS, ...extra])
