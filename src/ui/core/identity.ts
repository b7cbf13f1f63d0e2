import { b64url, fromB64url, hex } from "./encoding.js"
import { DEVICE_IDENTITY_KEY, type KeyValueStore } from "./storageKeys.js"

/**
 * This browser's Ed25519 device identity, kept as the original keeps it
 * (`{version:1, deviceId, publicKey, privateKey, createdAtMs}`, b64url raw 32-byte key and seed), so a
 * profile paired by either UI stays paired. Signing uses WebCrypto, which exists only in secure contexts.
 */
export interface DeviceIdentity {
  readonly deviceId: string
  readonly publicKey: string
  readonly sign: (payload: string) => Promise<string>
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): WebCrypto imports private keys only in this form.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

/** Whether this page can hold a device identity (WebCrypto with Ed25519; not on plain-HTTP remote pages). */
export const deviceCryptoAvailable = (): boolean => globalThis.isSecureContext === true && globalThis.crypto?.subtle !== undefined

const deviceIdOf = async (raw: Uint8Array) => hex(new Uint8Array(await crypto.subtle.digest("SHA-256", raw as BufferSource)))

const fromSeed = async (seed: Uint8Array, raw: Uint8Array): Promise<DeviceIdentity> => {
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32)
  pkcs8.set(PKCS8_PREFIX)
  pkcs8.set(seed, PKCS8_PREFIX.length)
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"])
  return {
    deviceId: await deviceIdOf(raw),
    publicKey: b64url(raw),
    sign: async (payload) => b64url(new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, new TextEncoder().encode(payload))))
  }
}

const readStored = (store: KeyValueStore): { seed: Uint8Array; raw: Uint8Array } | undefined => {
  try {
    const parsed = JSON.parse(store.getItem(DEVICE_IDENTITY_KEY) ?? "null") as { version?: unknown; publicKey?: unknown; privateKey?: unknown } | null
    if (parsed === null || parsed.version !== 1 || typeof parsed.publicKey !== "string" || typeof parsed.privateKey !== "string") return undefined
    const raw = fromB64url(parsed.publicKey)
    const seed = fromB64url(parsed.privateKey)
    return raw.length === 32 && seed.length === 32 ? { seed, raw } : undefined
  } catch {
    return undefined
  }
}

/** Loads the stored identity (deviceId re-derived) or creates and stores a new one. */
export const loadOrCreateIdentity = async (store: KeyValueStore): Promise<DeviceIdentity> => {
  const stored = readStored(store)
  if (stored !== undefined) {
    const identity = await fromSeed(stored.seed, stored.raw)
    const record = JSON.parse(store.getItem(DEVICE_IDENTITY_KEY) ?? "{}") as Record<string, unknown>
    if (record["deviceId"] !== identity.deviceId) store.setItem(DEVICE_IDENTITY_KEY, JSON.stringify({ ...record, deviceId: identity.deviceId }))
    return identity
  }
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey))
  const seed = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)).slice(-32)
  const identity = await fromSeed(seed, raw)
  store.setItem(DEVICE_IDENTITY_KEY, JSON.stringify({ version: 1, deviceId: identity.deviceId, publicKey: identity.publicKey, privateKey: b64url(seed), createdAtMs: Date.now() }))
  return identity
}
