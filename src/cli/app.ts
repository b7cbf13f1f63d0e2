import { CliConfig, Command, ValidationError } from "@effect/cli"
// Deep imports: the @effect/platform-node barrel pulls undici into the bundle.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect, Layer, Logger, LogLevel } from "effect"
import { VERSION } from "../domain/BuildInfo.js"
import { profileNameError } from "../domain/Paths.js"
import { CliLive } from "../layers/CliLive.js"
import { CliExit } from "./CliExit.js"
import { agentCommand } from "./commands/agent.js"
import { channelsCommand } from "./commands/channels.js"
import { browserCommand } from "./commands/browser.js"
import { configCommand } from "./commands/config.js"
import { pairingCommand } from "./commands/pairing.js"
import { automationsCommand, cronCommand } from "./commands/cron.js"
import { systemCommand } from "./commands/system.js"
import { daemonCommand } from "./commands/service.js"
import { devicesCommand } from "./commands/devices.js"
import { doctorCommand } from "./commands/doctor.js"
import { gatewayCommand } from "./commands/gateway.js"
import { healthCommand } from "./commands/health.js"
import { dashboardCommand } from "./commands/dashboard.js"
import { logsCommand } from "./commands/logs.js"
import { modelsCommand } from "./commands/models.js"
import { capabilityCommand, inferCommand } from "./commands/infer.js"
import { onboardCommand, setupCommand } from "./commands/setup.js"
import { statusCommand } from "./commands/status.js"
import { approvalsCommand } from "./commands/approvals.js"
import { nodeCommand } from "./commands/node.js"
import { nodesCommand } from "./commands/nodes.js"
import { frontDoor } from "./frontDoor.js"
import { originalArgs } from "./originalArgs.js"
import { type CliError, renderError } from "./render.js"
import { splitRootOptions } from "./rootOptions.js"

/** The whole command tree. */
export const rootCommand = Command.make("openclaw").pipe(
  Command.withDescription("Clawgate: the OpenClaw gateway and its operator CLI"),
  Command.withSubcommands([setupCommand, onboardCommand, configCommand, gatewayCommand, healthCommand, devicesCommand, statusCommand, logsCommand, dashboardCommand, doctorCommand, daemonCommand, modelsCommand, inferCommand, capabilityCommand, agentCommand, channelsCommand, pairingCommand, cronCommand, automationsCommand, systemCommand, browserCommand, nodesCommand, nodeCommand, approvalsCommand])
)

/** The command tree as a function of argv, for tests and embedding. */
export const cli = Command.run(rootCommand, { name: "openclaw", version: VERSION })

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
  return Effect.flatMap(frontDoor(rootCommand.descriptor, argv.slice(2)), (answered) => (answered !== undefined ? Effect.succeed(answered) : runTree(argv)))
}

/** Prints a typed failure as a person reads it and returns its exit code. */
const reportError = (error: CliError) => {
  const rendered = renderError(error)
  return Effect.as(Effect.forEach(rendered.lines, (line) => Console.error(line), { discard: true }), rendered.exitCode)
}

const runTree = (argv: ReadonlyArray<string>) =>
  cli(argv).pipe(
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
