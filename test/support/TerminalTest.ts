import * as Terminal from "@effect/platform/Terminal"
import { Effect, Exit, Layer, Mailbox, Option } from "effect"

/** One scripted key press (what Node's keypress events give a Prompt). */
export type Keystroke = Terminal.UserInput

const press = (name: string, input?: string, ctrl = false): Keystroke => ({
  input: Option.fromNullable(input),
  key: { name, ctrl, meta: false, shift: false }
})

/** Key presses for scripts: text typed character by character, and the keys prompts react to. */
export const keys = {
  type: (text: string): ReadonlyArray<Keystroke> => [...text].map((ch) => press(/[a-z]/i.test(ch) ? ch.toLowerCase() : "", ch)),
  enter: press("return", "\r"),
  down: press("down"),
  backspace: press("backspace"),
  ctrlC: press("c", "\u0003", true)
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u0007/g

/**
 * A terminal that answers prompts from a script and records everything drawn on it. The input ends
 * after the script (or at Ctrl-C), as Node's terminal ends at Ctrl-C: a prompt still waiting then quits
 * instead of hanging the test.
 */
export const scriptedTerminal = (script: ReadonlyArray<Keystroke | ReadonlyArray<Keystroke>>) => {
  const shown: Array<string> = []
  const layer = Layer.effect(
    Terminal.Terminal,
    Effect.gen(function*() {
      const input = yield* Mailbox.make<Terminal.UserInput>()
      for (const stroke of script.flat()) {
        input.unsafeOffer(stroke)
        if (stroke.key.ctrl && stroke.key.name === "c") break
      }
      input.unsafeDone(Exit.void)
      return Terminal.Terminal.of({
        columns: Effect.succeed(80),
        rows: Effect.succeed(24),
        isTTY: Effect.succeed(true),
        // Every prompt reads the same script, so one prompt's unread keys are the next one's.
        readInput: Effect.succeed(input),
        readLine: Effect.fail(new Terminal.QuitException()),
        display: (text) => Effect.sync(() => void shown.push(text))
      })
    })
  )
  return { layer, screen: () => shown.join("").replace(ANSI, "") }
}
