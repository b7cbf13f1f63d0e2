// The CLI's floor: what an @effect/cli program costs to start when it does nothing of its own. One command
// with one subcommand and one argument, on NodeContext and NodeRuntime.runMain, as openclaw's tree runs.
// bench/cli-start times it beside each command, as bench/gateway times the bare `ws` server beside the gateway.
import { Args, Command } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect } from "effect"

const get = Command.make("get", { path: Args.text({ name: "path" }) }, ({ path }) => Console.log(path))
const root = Command.make("openclaw").pipe(Command.withSubcommands([Command.make("config").pipe(Command.withSubcommands([get]))]))

export const main = (argv: ReadonlyArray<string>) =>
  Command.run(root, { name: "openclaw", version: "0" })(argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
