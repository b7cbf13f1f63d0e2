import { Layer } from "effect"
import * as os from "node:os"
import type { HostFacts } from "../domain/Paths.js"
import { Host } from "../services/Host.js"

/** The real process: its environment, the OS home directory and the working directory. */
export const HostLive = Layer.sync(Host, (): HostFacts => ({ env: { ...process.env }, osHome: os.homedir(), cwd: process.cwd() }))

/** A fixed host for embedding and tests. */
export const HostFrom = (facts: HostFacts) => Layer.succeed(Host, facts)
