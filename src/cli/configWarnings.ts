import { Console, Effect } from "effect"
import type { ConfigSnapshot } from "../services/ConfigStore.js"

/** Prints a config snapshot's warnings once, on stderr, so stdout stays clean for scripts. */
export const printConfigWarnings = (snapshot: ConfigSnapshot | undefined) =>
  Effect.forEach(snapshot?.warnings ?? [], (line) => Console.error(line), { discard: true })
