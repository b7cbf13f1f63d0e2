import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { THINKING_LEVELS } from "../../domain/models/thinkingLevels.js"
import { summaryOf } from "../commandSummaries.js"
import { optionalText as text } from "./optionKinds.js"


/** `openclaw agent`: run one agent turn via the gateway (or `--local`) and print the reply. */
export const agentCommand = Command.make(
  "agent",
  {
    message: text("message", "Message body").pipe(Options.withAlias("m")),
    messageFile: text("message-file", "Read the message body from a UTF-8 file"),
    to: text("to", "Recipient used to derive the session key (direct messages share the main session)").pipe(Options.withAlias("t")),
    sessionKey: text("session-key", "Explicit session key (e.g. agent:ops:incident-42)"),
    sessionId: text("session-id", "Explicit session id"),
    agent: text("agent", "Agent id (its main session unless --session-key is given)"),
    model: text("model", "Model override for this run (provider/model); explicit, never falls back"),
    thinking: Options.choice("thinking", THINKING_LEVELS).pipe(Options.optional, Options.withDescription("Thinking level for this run")),
    timeout: Options.integer("timeout").pipe(Options.optional, Options.withDescription("Agent timeout in seconds (default 600 or agents.defaults.timeoutSeconds)")),
    local: Options.boolean("local").pipe(Options.withDescription("Run the embedded agent in this process instead of via the gateway")),
    deliver: Options.boolean("deliver").pipe(Options.withDescription("Send the reply back to the selected channel/target")),
    channel: text("channel", "Delivery channel: telegram|discord|slack|last (omit to use the main session's last channel)"),
    replyTo: text("reply-to", "Delivery target override (separate from session routing)"),
    replyChannel: text("reply-channel", "Delivery channel override (separate from routing)"),
    replyAccount: text("reply-account", "Delivery account id override"),
    json: Options.boolean("json").pipe(Options.withDescription("Print the result as JSON")),
    verbose: text("verbose", "Verbose output on stderr for this run: on|full|off (where it connects; tool calls of a local run, with results when full)"),
    url: text("url", "Gateway WebSocket URL (an explicit URL uses only the credentials given here)"),
    token: text("token", "Gateway token"),
    password: text("password", "Gateway password")
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/agent.js")), (m) =>
      m.agentCommand({
        message: Option.getOrUndefined(args.message),
        messageFile: Option.getOrUndefined(args.messageFile),
        to: Option.getOrUndefined(args.to),
        sessionKey: Option.getOrUndefined(args.sessionKey),
        sessionId: Option.getOrUndefined(args.sessionId),
        agent: Option.getOrUndefined(args.agent),
        model: Option.getOrUndefined(args.model),
        thinking: Option.getOrUndefined(args.thinking),
        timeoutSeconds: Option.getOrUndefined(args.timeout),
        local: args.local,
        deliver: args.deliver,
        channel: Option.getOrUndefined(args.channel),
        replyTo: Option.getOrUndefined(args.replyTo),
        replyChannel: Option.getOrUndefined(args.replyChannel),
        replyAccount: Option.getOrUndefined(args.replyAccount),
        json: args.json,
        verbose: Option.getOrUndefined(args.verbose),
        connection: {
          url: Option.getOrUndefined(args.url),
          token: Option.getOrUndefined(args.token),
          password: Option.getOrUndefined(args.password)
        }
      }))
).pipe(Command.withDescription(summaryOf("agent")))
