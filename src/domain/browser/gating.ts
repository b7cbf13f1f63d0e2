import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { isRecord } from "../isRecord.js"

/**
 * Why the bundled browser plugin is not loaded, as the original says it (undefined: it is loaded).
 * One decision for the CLI surface, the `browser.request` method and the agent tool: they come and go
 * together (spec 5.1). A root `browser` block activates the plugin even under a restrictive allowlist.
 */
export const browserPluginBlocked = (config: OpenClawConfig | undefined): string | undefined => {
  const plugins = config?.plugins
  const entry = plugins?.entries?.["browser"]
  if (isRecord(entry) && entry["enabled"] === false) {
    return "The `openclaw browser` command is unavailable because `plugins.entries.browser.enabled=false`. Re-enable that entry if you want the bundled plugin command surface."
  }
  if (plugins?.allow !== undefined && !plugins.allow.includes("browser") && config?.browser === undefined) {
    return "The `openclaw browser` command is unavailable because `plugins.allow` excludes \"browser\". Add \"browser\" to `plugins.allow` if you want that bundled plugin CLI surface."
  }
  return undefined
}
