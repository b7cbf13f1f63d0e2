import { CliConfig, type CommandDescriptor } from "@effect/cli"
import { Console, Effect } from "effect"
import { VERSION } from "../domain/BuildInfo.js"
import { COMMAND_NAMES, isCommandName } from "./commandLoaders.js"
import { findCommand, subcommandNames } from "./commandTree.js"

// The rare paths (help, a word that is not ours) load their code when taken: every command pays for this door.
const commandWords = () => import("../domain/cli/commandWord.js")

const unknownCommand = (parent: string, word: string, suggestion: string | undefined) =>
  Effect.gen(function*() {
    yield* Console.error(`error: unknown command \`${parent} ${word}\`.`)
    yield* Console.error(suggestion === undefined ? `Run \`${parent} --help\` for the commands.` : `Did you mean \`${parent} ${suggestion}\`?`)
    return 2
  })

/** The words that name a command: after a leading `help`, before the first option (later words may be option values). */
export const commandPath = (args: ReadonlyArray<string>) => {
  const helpWord = args[0] === "help"
  const rest = helpWord ? args.slice(1) : args
  const firstOption = rest.findIndex((arg) => arg.startsWith("-"))
  return { helpWord, words: firstOption === -1 ? rest : rest.slice(0, firstOption) }
}

/**
 * What is answered before the command tree parses: `openclaw help [command]`, `--help` (our plain
 * help), a command word the original has and this version does not, a mistyped command (with the
 * nearest one), and `--wizard` outside `setup`. Resolves to an exit code, or `undefined` to run the tree.
 */
export const frontDoor = (root: CommandDescriptor.Command<unknown>, args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    // `setup --wizard` arrives renamed (originalArgs.ts). Elsewhere the original has no `--wizard`, and
    // @effect/cli would start its own option-by-option wizard.
    if (args.includes("--wizard")) {
      yield* Console.error("error: unknown option '--wizard'. The interactive onboarding is `openclaw setup --wizard`.")
      return 2
    }
    const { helpWord, words } = commandPath(args)
    const asksHelp = helpWord || args.includes("--help") || args.includes("-h")
    const first = words[0]
    if (first === undefined) {
      if (!helpWord) return undefined
      const { rootHelp } = yield* Effect.promise(() => import("./rootHelp.js"))
      yield* Console.log(rootHelp(VERSION).trimEnd())
      return 0
    }
    // Checked against all of ours: `root` may hold only the command this line names.
    if (!isCommandName(first)) {
      const word = (yield* Effect.promise(commandWords)).classifyCommandWord(first, COMMAND_NAMES)
      if (word._tag === "NotYet") {
        yield* Console.error(`error: \`openclaw ${word.word}\` is not available in this version of Clawgate.`)
        yield* Console.error(`Instead: ${word.instead}.`)
        return 1
      }
      if (word._tag === "Unknown") return yield* unknownCommand("openclaw", word.word, word.suggestion)
    }
    const found = findCommand(root, words)
    const next = words[found.depth]
    const subcommands = subcommandNames(found.command)
    // A word after a command group that is none of its subcommands is a typo, not an argument.
    if (next !== undefined && subcommands.length > 0) {
      const { nearestWord } = yield* Effect.promise(commandWords)
      return yield* unknownCommand(`openclaw ${words.slice(0, found.depth).join(" ")}`, next, nearestWord(next, subcommands))
    }
    if (!asksHelp) return undefined
    const config = yield* CliConfig.CliConfig
    const { commandHelp } = yield* Effect.promise(() => import("./help.js"))
    yield* Console.log(commandHelp(found.command, words.slice(0, found.depth), config).trimEnd())
    return 0
  })
