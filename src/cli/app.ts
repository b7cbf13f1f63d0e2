import { CliConfig, Command, ValidationError } from "@effect/cli"
// Deep imports: the @effect/platform-node barrel pulls undici into the bundle.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect, Layer, Logger, LogLevel } from "effect"
import { VERSION } from "../domain/BuildInfo.js"
import { profileNameError } from "../domain/Paths.js"
import { CliLive } from "../layers/CliLive.js"
import { CliExit } from "./CliExit.js"
import { COMMAND_LOADERS, COMMAND_NAMES, isCommandName, type TopCommand } from "./commandLoaders.js"
import type { CommandName } from "./commandSummaries.js"
import { commandPath, frontDoor } from "./frontDoor.js"
import { originalArgs } from "./originalArgs.js"
import { type CliError, renderError } from "./render.js"
import { splitRootOptions } from "./rootOptions.js"

/** The command tree with `names` as its top-level commands (all of them unless named), each loaded from its module. */
export const loadRootCommand = (names: ReadonlyArray<CommandName> = COMMAND_NAMES) =>
  Promise.all(names.map((name) => COMMAND_LOADERS[name]())).then((commands) =>
    Command.make("openclaw").pipe(
      Command.withDescription("Clawgate: the OpenClaw gateway and its operator CLI"),
      Command.withSubcommands(commands as unknown as readonly [TopCommand, ...Array<TopCommand>])
    ))

type RootCommand = Awaited<ReturnType<typeof loadRootCommand>>

// Warnings from services (hot reload, comment stripping) go to stderr as plain lines.
const stderrLogger = Logger.make(({ logLevel, message }) => {
  const text = Array.isArray(message) ? message.map(String).join(" ") : String(message)
  if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) process.stderr.write(`${text}\n`)
})

/**
 * Runs the command tree over argv (root options already split off) to an exit code: expected failures
 * print and map to their code, never throw. The services come from the caller: `CliLive` on the real
 * host, test layers in tests.
 */
export const runCli = (rawArgv: ReadonlyArray<string>) => {
  const argv = [...rawArgv.slice(0, 2), ...originalArgs(rawArgv.slice(2))]
  const args = argv.slice(2)
  // A line that names a command loads that command alone; any other line (a typo, options only) the whole tree.
  const first = commandPath(args).words[0]
  return Effect.flatMap(Effect.promise(() => loadRootCommand(isCommandName(first) ? [first] : undefined)), (root) =>
    Effect.flatMap(frontDoor(root.descriptor, args), (answered) => (answered !== undefined ? Effect.succeed(answered) : runTree(root, argv))))
}

/** Prints a typed failure as a person reads it and returns its exit code. */
const reportError = (error: CliError) => {
  const rendered = renderError(error)
  return Effect.as(Effect.forEach(rendered.lines, (line) => Console.error(line), { discard: true }), rendered.exitCode)
}

const runTree = (root: RootCommand, argv: ReadonlyArray<string>) =>
  Command.run(root, { name: "openclaw", version: VERSION })(argv).pipe(
    Effect.as(0),
    Effect.catchAll((error) => {
      if (ValidationError.isValidationError(error)) return Effect.succeed(2)
      if (error instanceof CliExit) return Effect.succeed(error.code)
      return reportError(error)
    }),
    Effect.catchAllDefect((defect) => Effect.as(Console.error(`error[INTERNAL]: ${Cause.pretty(Cause.die(defect))}`), 70))
  )

/** How the CLI presents itself: warnings as plain stderr lines; help without @effect/cli's built-ins. */
export const CliPresentation = Layer.mergeAll(Logger.replace(Logger.defaultLogger, stderrLogger), CliConfig.layer({ showBuiltIns: false }))

/** Runs argv on the real host: the one place the CLI's services are provided. */
export const runArgv = (argv: ReadonlyArray<string>) => {
  const { options, rest } = splitRootOptions(argv.slice(2))
  // Checked before any layer resolves paths: an unsafe name would put state outside the home.
  const badProfile = profileNameError({ env: process.env }, options)
  if (badProfile !== undefined) return reportError(badProfile).pipe(Effect.provide(CliPresentation))
  // `exec-approvals` is the original's alias of `approvals` (one command in the tree, not two in the help).
  const [first, ...others] = rest
  const words = first === "exec-approvals" ? ["approvals", ...others] : rest
  return runCli([argv[0] ?? "node", argv[1] ?? "openclaw", ...words]).pipe(Effect.provide(Layer.merge(CliLive(options), CliPresentation)))
}

/** The process entry: run, set the exit code, let Node exit once output is flushed. */
export const main = (argv: ReadonlyArray<string>) =>
  NodeRuntime.runMain(Effect.map(runArgv(argv), (code) => {
    process.exitCode = code
  }), { disableErrorReporting: true, disablePrettyLogger: true })
