import type { OpenClawConfig } from "../config/ConfigSchema.js"

const NON_LOOPBACK_BINDS = new Set(["lan", "tailnet", "custom", "auto"])

/**
 * A non-loopback gateway with no `gateway.controlUi.allowedOrigins` (and no Host-header fallback) would
 * refuse the browser that opened its own page on 127.0.0.1: the original seeds the loopback origins of its
 * port (and a custom bind host) for the running gateway only, without writing the config. Undefined when
 * nothing needs seeding.
 */
export const seededAllowedOrigins = (config: OpenClawConfig, bind: string, port: number): ReadonlyArray<string> | undefined => {
  if (!NON_LOOPBACK_BINDS.has(bind)) return undefined
  const ui = config.gateway?.controlUi
  if (ui?.dangerouslyAllowHostHeaderOriginFallback === true) return undefined
  if ((ui?.allowedOrigins ?? []).some((origin) => origin.trim() !== "")) return undefined
  const origins = new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`])
  const custom = config.gateway?.customBindHost?.trim()
  if (bind === "custom" && custom !== undefined && custom !== "") origins.add(`http://${custom}:${port}`)
  return [...origins]
}

/** The config the running gateway checks origins with: the seeded origins applied when needed. */
export const withSeededOrigins = (config: OpenClawConfig, origins: ReadonlyArray<string> | undefined): OpenClawConfig =>
  origins === undefined ? config : { ...config, gateway: { ...config.gateway, controlUi: { ...config.gateway?.controlUi, allowedOrigins: [...origins] } } }

/** The info line the original logs when it seeds (kept word for word: operators search for it). */
export const seededOriginsLogLine = (origins: ReadonlyArray<string>, bind: string) =>
  `gateway: seeded gateway.controlUi.allowedOrigins ${JSON.stringify(origins)} for bind=${bind} (required since v2026.2.26; see issue #29385). Applied for this runtime without writing config; add other origins to gateway.controlUi.allowedOrigins if needed.`
