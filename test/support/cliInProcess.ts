import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import { CliPresentation, runCli } from "../../src/cli/app.js"
import { splitRootOptions } from "../../src/cli/rootOptions.js"
import { CliServicesLive } from "../../src/layers/CliLive.js"
import type { DoctorPolicy } from "../../src/services/Doctor.js"
import type { ServiceManager } from "../../src/services/ServiceManager.js"
import type { ConfigTestEnv } from "./configTestLayer.js"
import { DoctorPolicyTest } from "./doctorTestLayer.js"

/** What one in-process `openclaw` run printed and its exit code. */
export interface CliRun {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/**
 * The CLI's services over a throwaway install: the real config files of `env`, the live lazy services
 * (gateway client, probe, status, models, ...), a fake or recording service manager, short doctor timings.
 */
export const cliTestLayer = (env: ConfigTestEnv, parts: { readonly serviceManager: Layer.Layer<ServiceManager>; readonly doctorPolicy?: Layer.Layer<DoctorPolicy> }) =>
  CliServicesLive({ serviceManager: parts.serviceManager, doctorPolicy: parts.doctorPolicy ?? DoctorPolicyTest }).pipe(
    Layer.provideMerge(env.layer),
    Layer.provideMerge(NodeContext.layer),
    Layer.provideMerge(CliPresentation)
  )

/** Runs `openclaw <args>` in this process, as `main` would, capturing what it prints. */
export const runInProcess = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const console = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(parts.map(String).join(" "))),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(parts.map(String).join(" ")))
    }
    const { rest } = splitRootOptions(args)
    const code = yield* runCli(["node", "openclaw", ...rest]).pipe(Effect.withConsole(console))
    return { stdout: stdout.join("\n"), stderr: stderr.join("\n"), code } satisfies CliRun
  })
