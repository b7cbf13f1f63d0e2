import type { OpenClawConfig } from "./ConfigSchema.js"

/** Channels the gateway runs (the others are validated and kept). */
const RUN_CHANNELS: ReadonlyArray<string> = ["telegram", "discord", "slack"]

/**
 * Sections this version validates strictly (a typo there is still an error) but does not run yet:
 * no channel adapters but Telegram, Discord and Slack, or plugin host (cron, heartbeat and the browser section run).
 */
const validatedNotRun = (config: OpenClawConfig): ReadonlyArray<string> => [
  ...Object.keys(config.channels ?? {}).filter((name) => name !== "defaults" && !RUN_CHANNELS.includes(name)).map((name) => `channels.${name}`),
  ...(config.plugins === undefined ? [] : ["plugins"])
]

/**
 * Every configured path this version keeps in `openclaw.json` but does not run: the sections it
 * validates without running, then the preserved keys it does not implement at all (`unsupported`).
 * `config validate`, `gateway run` (stderr and its log) and `status` all report this one list.
 */
export const notRunPaths = (config: OpenClawConfig, unsupported: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set([...validatedNotRun(config), ...unsupported])]
