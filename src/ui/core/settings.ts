import { type KeyValueStore, normalizeGatewayUrl, settingsKey } from "./storageKeys.js"

/**
 * The chat session remembered per gateway, in the original's settings record
 * (`openclaw.control.settings.v1:<norm>`, `sessionsByGateway[norm].sessionKey`). Other fields of that
 * record (theme, locale, ...) belong to the original UI and are kept as they are.
 */
const read = (store: KeyValueStore, gatewayUrl: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(store.getItem(settingsKey(gatewayUrl)) ?? "{}")
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined)

export const rememberedSessionKey = (store: KeyValueStore, gatewayUrl: string): string | undefined => {
  const settings = read(store, gatewayUrl)
  const byGateway = settings["sessionsByGateway"]
  const entry = typeof byGateway === "object" && byGateway !== null ? (byGateway as Record<string, unknown>)[normalizeGatewayUrl(gatewayUrl)] : undefined
  const fromEntry = typeof entry === "object" && entry !== null ? text((entry as Record<string, unknown>)["sessionKey"]) : undefined
  return fromEntry ?? text(settings["sessionKey"])
}

export const rememberSessionKey = (store: KeyValueStore, gatewayUrl: string, sessionKey: string): void => {
  const settings = read(store, gatewayUrl)
  const norm = normalizeGatewayUrl(gatewayUrl)
  const previous = typeof settings["sessionsByGateway"] === "object" && settings["sessionsByGateway"] !== null ? (settings["sessionsByGateway"] as Record<string, unknown>) : {}
  // The original keeps the last ten gateways.
  const sessionsByGateway = Object.fromEntries([...Object.entries(previous).filter(([key]) => key !== norm), [norm, { sessionKey, lastActiveSessionKey: sessionKey }]].slice(-10))
  store.setItem(settingsKey(gatewayUrl), JSON.stringify({ ...settings, sessionKey, lastActiveSessionKey: sessionKey, sessionsByGateway }))
}
