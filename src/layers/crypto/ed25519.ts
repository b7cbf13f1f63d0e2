import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto"
import { Effect } from "effect"
import type { DeviceCrypto } from "../../domain/protocol/deviceAuth.js"

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key is the 32 bytes after it.
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex")

export const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url")

// Key objects of recently seen devices: a reconnecting device (a CLI, the tabs of one browser) is
// verified without parsing its key again. Bounded; the oldest entry goes first.
const KEY_CACHE_ENTRIES = 1024
const keyCache = new Map<string, KeyObject>()
const keyFromRaw = (raw: Uint8Array) => {
  const id = Buffer.from(raw).toString("base64url")
  const cached = keyCache.get(id)
  if (cached !== undefined) return cached
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" })
  if (keyCache.size >= KEY_CACHE_ENTRIES) keyCache.delete(keyCache.keys().next().value!)
  keyCache.set(id, key)
  return key
}

/** Ed25519 keys through node:crypto (signatures: verifyOffLoop below). */
export const nodeDeviceCrypto: DeviceCrypto = {
  rawPublicKey: (publicKey) => {
    try {
      if (publicKey.includes("BEGIN PUBLIC KEY")) {
        const der = createPublicKey(publicKey).export({ format: "der", type: "spki" })
        return der.length === 44 && der.subarray(0, 12).equals(SPKI_PREFIX) ? new Uint8Array(der.subarray(12)) : undefined
      }
      if (!/^[A-Za-z0-9_-]+={0,2}$/.test(publicKey.trim())) return undefined
      const raw = Buffer.from(publicKey.trim(), "base64url")
      return raw.length === 32 ? new Uint8Array(raw) : undefined
    } catch {
      return undefined
    }
  },
  deviceIdOf: (raw) => createHash("sha256").update(raw).digest("hex")
}

/** One Ed25519 check in libuv's thread pool (node:crypto's callback form). */
const verifyInPool = (key: KeyObject, payload: string, signature: Buffer) =>
  Effect.async<boolean>((resume) => {
    verify(null, Buffer.from(payload, "utf8"), key, signature, (error, ok) => resume(Effect.succeed(error === null && ok)))
  })

/**
 * True when the signature covers one of the payloads, tried in order. The checks run in the thread pool, so
 * the event loop serves other sockets meanwhile; on a machine with a core to spare, a connect storm's
 * verifications run beside it instead of in turn with everything else.
 */
export const verifyOffLoop = (raw: Uint8Array, payloads: ReadonlyArray<string>, signatureB64url: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const signature = Buffer.from(signatureB64url, "base64url")
    if (signature.length !== 64) return Effect.succeed(false)
    let key: KeyObject
    try {
      key = keyFromRaw(raw)
    } catch {
      return Effect.succeed(false)
    }
    return Effect.reduce(payloads, false, (verified, payload) => (verified ? Effect.succeed(true) : verifyInPool(key, payload, signature)))
  })

/** A device key pair as the reference clients persist it. */
export interface DeviceKeyPair {
  readonly deviceId: string
  readonly publicKey: string
  readonly publicKeyPem: string
  readonly privateKeyPem: string
}

export const generateDeviceKeyPair = (): DeviceKeyPair => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  const der = publicKey.export({ format: "der", type: "spki" })
  const raw = der.subarray(12)
  return {
    deviceId: createHash("sha256").update(raw).digest("hex"),
    publicKey: b64url(raw),
    publicKeyPem: String(publicKey.export({ format: "pem", type: "spki" })),
    privateKeyPem: String(privateKey.export({ format: "pem", type: "pkcs8" }))
  }
}

/** Signs a payload with a PEM private key; returns b64url. */
export const signPayload = (privateKeyPem: string, payload: string) =>
  b64url(sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)))
