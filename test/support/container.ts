import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { CONTAINER_SENTINELS, looksLikeContainer } from "../../src/domain/gateway/container.js"

/** Whether the CLI under test will see a container (it reads the same files); CI may or may not be one. */
export const hostIsContainer = process.platform === "linux" && looksLikeContainer({
  env: process.env,
  sentinels: CONTAINER_SENTINELS.filter((file) => fs.existsSync(file)),
  pid1Cgroup: fs.existsSync("/proc/1/cgroup") ? fs.readFileSync("/proc/1/cgroup", "utf8") : undefined
})

/**
 * Whether the CLI will find a service manager here (macOS, Windows, or Linux with a systemd user
 * session). CI containers have none; tests that assert `no supported service manager detected` need that.
 */
export const hostHasServiceManager = process.platform !== "linux" ||
  spawnSync("systemctl", ["--user", "show-environment"], { encoding: "utf8" }).status === 0
