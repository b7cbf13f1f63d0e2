import { Layer } from "effect"
import { AgentPolicy } from "../../services/AgentPolicy.js"

/** Default agent numbers: 12 tool rounds; 600 s per run (the documented `--timeout` default). */
export const AgentPolicyLive = Layer.succeed(AgentPolicy, { maxToolRounds: 12, runTimeout: "600 seconds" })
