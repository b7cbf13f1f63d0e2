/**
 * The browser storage keys the original Control UI uses (spec control-ui 2.3), so a browser profile works
 * with either UI. Keys for a gateway end with `norm(url)` = `<protocol>//<host><path without trailing />`.
 */
export const normalizeGatewayUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`
  } catch {
    return url.trim().replace(/[?#].*$/, "").replace(/\/+$/, "")
  }
}

export const DEVICE_IDENTITY_KEY = "openclaw-device-identity-v1"
export const deviceAuthKey = (gatewayUrl: string) => `openclaw.device.auth.v1:${normalizeGatewayUrl(gatewayUrl)}`
export const sharedTokenKey = (gatewayUrl: string) => `openclaw.control.token.v1:${normalizeGatewayUrl(gatewayUrl)}`
export const settingsKey = (gatewayUrl: string) => `openclaw.control.settings.v1:${normalizeGatewayUrl(gatewayUrl)}`
export const currentGatewayKey = (pageWsUrl: string) => `openclaw.control.currentGateway.v1:${normalizeGatewayUrl(pageWsUrl)}`

/** The part of Web Storage these modules use (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** One stored device token, as the original keeps it under `tokens[role]`. */
export interface StoredDeviceToken {
  readonly token: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly updatedAtMs: number
}

interface DeviceAuthRecord {
  readonly version: 1
  readonly deviceId: string
  readonly tokens: Record<string, StoredDeviceToken>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const readRecord = (store: KeyValueStore, gatewayUrl: string): DeviceAuthRecord | undefined => {
  try {
    const parsed: unknown = JSON.parse(store.getItem(deviceAuthKey(gatewayUrl)) ?? "null")
    if (!isObject(parsed) || parsed["version"] !== 1 || typeof parsed["deviceId"] !== "string" || !isObject(parsed["tokens"])) return undefined
    return parsed as unknown as DeviceAuthRecord
  } catch {
    return undefined
  }
}

/** The stored device token for (gateway, device, role), if any. */
export const loadDeviceToken = (store: KeyValueStore, gatewayUrl: string, deviceId: string, role: string): StoredDeviceToken | undefined => {
  const record = readRecord(store, gatewayUrl)
  if (record === undefined || record.deviceId !== deviceId) return undefined
  const entry = record.tokens[role]
  return entry !== undefined && typeof entry.token === "string" && Array.isArray(entry.scopes) ? entry : undefined
}

/** Stores hello's device token; a record of another device is replaced. */
export const storeDeviceToken = (store: KeyValueStore, gatewayUrl: string, deviceId: string, entry: StoredDeviceToken): void => {
  const record = readRecord(store, gatewayUrl)
  const tokens = record !== undefined && record.deviceId === deviceId ? { ...record.tokens } : {}
  tokens[entry.role] = entry
  store.setItem(deviceAuthKey(gatewayUrl), JSON.stringify({ version: 1, deviceId, tokens }))
}

/** Drops the stored token for one role (after `AUTH_DEVICE_TOKEN_MISMATCH`). */
export const clearDeviceToken = (store: KeyValueStore, gatewayUrl: string, deviceId: string, role: string): void => {
  const record = readRecord(store, gatewayUrl)
  if (record === undefined || record.deviceId !== deviceId || record.tokens[role] === undefined) return
  const tokens = { ...record.tokens }
  delete tokens[role]
  store.setItem(deviceAuthKey(gatewayUrl), JSON.stringify({ version: 1, deviceId, tokens }))
}
