import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Terminal from "@effect/platform/Terminal"
import { Effect, Layer } from "effect"

/**
 * The Node terminal, reporting itself interactive only when standard input and output both are
 * terminals: prompts read keys from one and draw on the other (Node's own checks only the output).
 */
export const TerminalLive = Layer.effect(
  Terminal.Terminal,
  Effect.map(Terminal.Terminal, (terminal) => Terminal.Terminal.of({ ...terminal, isTTY: Effect.sync(() => process.stdin.isTTY === true && process.stdout.isTTY === true) }))
).pipe(Layer.provide(NodeTerminal.layer))
