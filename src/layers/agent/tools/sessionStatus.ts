import { DateTime, Effect, Schema } from "effect"
import { defineTool } from "../../../domain/agent/tools.js"

/** `session_status`: the built-in read-only tool of the `minimal` tool profile (session, model, time). */
export const sessionStatusTool = defineTool({
  name: "session_status",
  description: "Show the current session: session key and id, the model answering, and the current date and time.",
  parameters: Schema.Struct({}),
  mutating: false,
  execute: (_args, context) =>
    Effect.map(DateTime.now, (now) =>
      [
        `Session: ${context.sessionKey}`,
        `Session id: ${context.sessionId}`,
        `Model: ${context.provider}/${context.model}`,
        `Time: ${DateTime.formatIso(now)}`
      ].join("\n")
    )
})
