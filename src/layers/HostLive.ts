import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import { CONTAINER_SENTINELS, looksLikeContainer } from "../domain/gateway/container.js"
import type { HostFacts } from "../domain/Paths.js"
import { Host } from "../services/Host.js"

const readOrUndefined = (file: string) => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return undefined
  }
}

/** The real process: its environment, the OS home directory, the working directory and whether it is containerised. */
export const HostLive = Layer.sync(Host, (): HostFacts => {
  const env = { ...process.env }
  let inContainer: boolean | undefined
  return {
    env,
    osHome: os.homedir(),
    cwd: process.cwd(),
    // Only the gateway's bind and a few diagnostics ask: detect on first use, not on every CLI start.
    get inContainer() {
      inContainer ??= process.platform === "linux" &&
        looksLikeContainer({ env, sentinels: CONTAINER_SENTINELS.filter((file) => fs.existsSync(file)), pid1Cgroup: readOrUndefined("/proc/1/cgroup") })
      return inContainer
    }
  }
})

/** A fixed host for embedding and tests. */
export const HostFrom = (facts: HostFacts) => Layer.succeed(Host, facts)
