import { CliConfig } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import type * as Terminal from "@effect/platform/Terminal"
import { Effect, Layer, Logger, LogLevel } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCli } from "../../src/cli/app.js"
import { splitRootOptions } from "../../src/cli/rootOptions.js"
import { CliServicesLive } from "../../src/layers/CliLive.js"
import { ConfigLive } from "../../src/layers/ConfigLive.js"
import { TerminalLive } from "../../src/layers/TerminalLive.js"
import type { DoctorPolicy } from "../../src/services/DoctorPolicy.js"
import type { NodeServiceManager, ServiceManager } from "../../src/services/ServiceManager.js"
import type { ConfigTestEnv } from "./configTestLayer.js"
import { DoctorPolicyTest } from "./doctorTestLayer.js"
import { fakeServiceState, NodeServiceManagerTest, ServiceManagerTest } from "./serviceManagerTest.js"

/** What one in-process `openclaw` run printed (each line ends in a newline, as on a terminal) and its exit code. */
export interface CliRun {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** Help without @effect/cli's built-in options, as `openclaw` shows it. */
const Presentation = CliConfig.layer({ showBuiltIns: false })

/**
 * The CLI's services over a throwaway install: the real config files of `env`, the live lazy services
 * (gateway client, probe, status, models, ...), a fake or recording service manager, short doctor timings.
 */
export const cliTestLayer = (env: ConfigTestEnv, parts: {
  readonly serviceManager: Layer.Layer<ServiceManager>
  readonly nodeServiceManager?: Layer.Layer<NodeServiceManager>
  readonly doctorPolicy?: Layer.Layer<DoctorPolicy>
}) =>
  CliServicesLive({
    serviceManager: () => Promise.resolve(parts.serviceManager),
    nodeServiceManager: () => Promise.resolve(parts.nodeServiceManager ?? NodeServiceManagerTest(fakeServiceState())),
    doctorPolicy: parts.doctorPolicy ?? DoctorPolicyTest
  }).pipe(
    Layer.provideMerge(env.layer),
    Layer.provideMerge(NodeContext.layer),
    Layer.provideMerge(Presentation)
  )

/**
 * Runs `openclaw <args>` in this process as `main` would (root options split off first), capturing what
 * it prints: Console output, and warnings that the CLI's logger sends to stderr.
 */
export const runInProcess = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const line = (parts: ReadonlyArray<unknown>) => `${parts.map(String).join(" ")}\n`
    const console = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(line(parts))),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(line(parts)))
    }
    const warnings = Logger.make(({ logLevel, message }) => {
      if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) stderr.push(line(Array.isArray(message) ? message : [message]))
    })
    const { rest } = splitRootOptions(args)
    const code = yield* runCli(["node", "openclaw", ...rest]).pipe(Effect.withConsole(console), Effect.provide(Logger.replace(Logger.defaultLogger, warnings)))
    return { stdout: stdout.join(""), stderr: stderr.join(""), code } satisfies CliRun
  })

/**
 * Runs `openclaw <args>` in this process over the install in `home` (root options, `HOME`, `OPENCLAW_*`
 * env as the process would see them): the in-process twin of spawning the built CLI there.
 */
export const runAt = (
  home: string,
  args: ReadonlyArray<string>,
  extraEnv: Record<string, string | undefined> = {},
  terminal: Layer.Layer<Terminal.Terminal> = TerminalLive
): Promise<CliRun> => {
  const { options } = splitRootOptions(args)
  const env = Object.fromEntries(Object.entries({ HOME: home, OPENCLAW_HOME: home, ...extraEnv }).filter((entry): entry is [string, string] => entry[1] !== undefined))
  const layer = CliServicesLive({
    serviceManager: () => Promise.resolve(ServiceManagerTest(fakeServiceState())),
    nodeServiceManager: () => Promise.resolve(NodeServiceManagerTest(fakeServiceState())),
    doctorPolicy: DoctorPolicyTest
  }).pipe(
    Layer.provideMerge(ConfigLive({ ...options, host: { env, osHome: home, cwd: home } })),
    Layer.provideMerge(NodeContext.layer),
    Layer.provideMerge(Presentation),
    // The CLI's own terminal (interactive only at a real one), or a scripted one.
    (services) => Layer.merge(services, terminal)
  )
  return Effect.runPromise(Effect.scoped(runInProcess(args).pipe(Effect.provide(layer))))
}

/** A throwaway home, like `tempHome()` of the spawned tests, whose `run` executes the command tree in this process. */
export const inProcessHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-home-"))
  const run = (args: ReadonlyArray<string>, extraEnv: Record<string, string> = {}, terminal?: Layer.Layer<Terminal.Terminal>) => runAt(home, args, extraEnv, terminal)
  return { home, stateDir: path.join(home, ".openclaw"), configPath: path.join(home, ".openclaw", "openclaw.json"), run }
}

/**
 * `openclaw <args> --url <gateway> --token <token>` run in `home`, and `json` for the same with its stdout
 * parsed. The URL is read at each call: a suite starts its gateway after defining these.
 */
export const gatewayCli = (home: ReturnType<typeof inProcessHome>, url: () => string, token: string) => {
  const cli = (...args: ReadonlyArray<string>) => home.run([...args, "--url", url(), "--token", token])
  const json = async (...args: ReadonlyArray<string>) => {
    const result = await cli(...args)
    return { ...result, body: JSON.parse(result.stdout) }
  }
  return { cli, json }
}
