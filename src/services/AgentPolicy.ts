import { Context, type Duration } from "effect"

/** The numbers the agent runner reads: tool-loop bound and the default run timeout. Tests swap them. */
export class AgentPolicy extends Context.Tag("openclaw/AgentPolicy")<AgentPolicy, {
  /** Model calls that may end in tool use before the run stops without an answer. */
  readonly maxToolRounds: number
  /** Run timeout when neither the request nor `agents.defaults.timeoutSeconds` sets one. */
  readonly runTimeout: Duration.DurationInput
}>() {}
