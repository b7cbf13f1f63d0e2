import type { ToolSpec } from "../models/messages.js"

/**
 * The run's system prompt: who the agent is, its tools, the time and the session (spec silent: our
 * wording). `minimal` (promptMode "minimal") leaves out the conversational sections (silent replies).
 */
export const buildSystemPrompt = (input: {
  readonly agentId: string
  readonly sessionKey: string
  readonly tools: ReadonlyArray<ToolSpec>
  readonly now: Date
  readonly extra?: string | undefined
  readonly minimal?: boolean | undefined
}): string => {
  const sections = [
    "You are a personal assistant running inside OpenClaw.",
    input.tools.length === 0
      ? "## Tooling\nNo tools are available in this session."
      : ["## Tooling", "Tool availability (filtered by policy):", ...input.tools.map((tool) => `- ${tool.name}: ${tool.description}`)].join("\n"),
    `## Current Date & Time\n${input.now.toISOString()}`,
    `## Session\nAgent: ${input.agentId}\nSession key: ${input.sessionKey}`
  ]
  if (input.minimal !== true) sections.push("## Silent replies\nWhen you have nothing to say, respond with only: NO_REPLY")
  if (input.extra !== undefined && input.extra.trim() !== "") sections.push(input.extra.trim())
  return sections.join("\n\n")
}
