import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer } from "effect"
import * as os from "node:os"
import { CONTAINER_SENTINELS, looksLikeContainer } from "../domain/gateway/container.js"
import type { HostFacts } from "../domain/Paths.js"
import { Host } from "../services/Host.js"

/** The real process: its environment, the OS home directory, the working directory and whether it is containerised. */
export const HostLive = Layer.effect(
  Host,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const env = { ...process.env }
    const detect = process.platform !== "linux"
      ? Effect.succeed(false)
      : Effect.gen(function*() {
        const sentinels = yield* Effect.filter(CONTAINER_SENTINELS, (file) => fs.exists(file).pipe(Effect.orElseSucceed(() => false)))
        const pid1Cgroup = yield* fs.readFileString("/proc/1/cgroup").pipe(Effect.orElseSucceed(() => undefined))
        return looksLikeContainer({ env, sentinels, pid1Cgroup })
      })
    // Cached, not run: detection happens on first use, not on every CLI start.
    const inContainer = yield* Effect.cached(detect.pipe(Effect.withSpan("Host.inContainer")))
    return { env, osHome: os.homedir(), cwd: process.cwd(), inContainer }
  })
)

/** A fixed host for embedding and tests (`inContainer` defaults to false). */
export const HostFrom = (facts: HostFacts & { readonly inContainer?: boolean | undefined }) =>
  Layer.succeed(Host, { env: facts.env, osHome: facts.osHome, cwd: facts.cwd, inContainer: Effect.succeed(facts.inContainer === true) })
