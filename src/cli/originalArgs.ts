import { expandVariadicOptions } from "./variadicOptions.js"

// Commands whose `--wizard` is the original's "Run interactive onboarding".
const WIZARD_COMMANDS = new Set(["setup", "onboard"])

/**
 * `setup --wizard` spelled as our `--interactive`: @effect/cli reserves `--wizard` for its own built-in
 * option-by-option wizard, which would take the flag before our command saw it.
 */
export const routeWizardOption = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const firstOption = args.findIndex((arg) => arg.startsWith("-"))
  const words = firstOption === -1 ? args : args.slice(0, firstOption)
  if (words.length !== 1 || !WIZARD_COMMANDS.has(words[0] ?? "")) return args
  return args.map((arg) => (arg === "--wizard" ? "--interactive" : arg))
}

/** `args` (after the program name) with the original's spellings rewritten into ours, before parsing. */
export const originalArgs = (args: ReadonlyArray<string>): ReadonlyArray<string> => routeWizardOption(expandVariadicOptions(args))
