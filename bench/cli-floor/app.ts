// The CLI's floor: what an @effect/cli program costs to start when it does nothing of its own. One command
// with one subcommand and one argument, on the platform layers openclaw's CLI provides (CliLive's, without
// the worker manager) and NodeRuntime.runMain, as openclaw's tree runs. bench/cli-start times it beside each
// command, as bench/gateway times the bare `ws` server beside the gateway.
import { Args, Command } from "@effect/cli"
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Console, Effect, Layer } from "effect"

const get = Command.make("get", { path: Args.text({ name: "path" }) }, ({ path }) => Console.log(path))
const root = Command.make("openclaw").pipe(Command.withSubcommands([Command.make("config").pipe(Command.withSubcommands([get]))]))
const platform = Layer.mergeAll(NodePath.layer, NodeCommandExecutor.layer, NodeTerminal.layer).pipe(Layer.provideMerge(NodeFileSystem.layer))

export const main = (argv: ReadonlyArray<string>) =>
  Command.run(root, { name: "openclaw", version: "0" })(argv).pipe(Effect.provide(platform), NodeRuntime.runMain)
