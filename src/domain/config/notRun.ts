import type { OpenClawConfig } from "./ConfigSchema.js"

/**
 * Sections this version validates strictly (a typo there is still an error) but does not run yet:
 * no channel adapters, cron scheduler, heartbeat runner or plugin host (the browser section runs).
 */
const validatedNotRun = (config: OpenClawConfig): ReadonlyArray<string> => [
  ...Object.keys(config.channels ?? {}).filter((name) => name !== "defaults").map((name) => `channels.${name}`),
  ...(config.cron === undefined ? [] : ["cron"]),
  ...(config.agents?.defaults?.heartbeat === undefined ? [] : ["agents.defaults.heartbeat"]),
  ...(config.plugins === undefined ? [] : ["plugins"])
]

/**
 * Every configured path this version keeps in `openclaw.json` but does not run: the sections it
 * validates without running, then the preserved keys it does not implement at all (`unsupported`).
 * `config validate`, `gateway run` (stderr and its log) and `status` all report this one list.
 */
export const notRunPaths = (config: OpenClawConfig, unsupported: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set([...validatedNotRun(config), ...unsupported])]
