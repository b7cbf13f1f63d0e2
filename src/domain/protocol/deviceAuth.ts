import { DeviceAuthError } from "./errors.js"
import type { ConnectDevice } from "./frames.js"

/** The allowed clock skew between `device.signedAt` and the gateway's clock. */
export const SIGNATURE_SKEW_MS = 120_000

/** ASCII A-Z lowercased and trimmed; other characters kept (the original's normalization). */
export const normalizeMetadata = (value: string | undefined) =>
  value === undefined ? "" : value.trim().replace(/[A-Z]/g, (c) => c.toLowerCase())

export interface SignatureInputs {
  readonly deviceId: string
  readonly clientId: string
  readonly clientMode: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly signedAt: number
  readonly token: string
  readonly nonce: string
  readonly platform?: string | undefined
  readonly deviceFamily?: string | undefined
}

/** `v3|deviceId|client.id|client.mode|role|scopes|signedAt|token|nonce|platform|deviceFamily` */
export const payloadV3 = (i: SignatureInputs) =>
  ["v3", i.deviceId, i.clientId, i.clientMode, i.role, i.scopes.join(","), String(i.signedAt), i.token, i.nonce, normalizeMetadata(i.platform), normalizeMetadata(i.deviceFamily)].join("|")

/** `v2|deviceId|client.id|client.mode|role|scopes|signedAt|token|nonce` */
export const payloadV2 = (i: SignatureInputs) =>
  ["v2", i.deviceId, i.clientId, i.clientMode, i.role, i.scopes.join(","), String(i.signedAt), i.token, i.nonce].join("|")

/** The key operations the claims' checks need; the live ones use node:crypto (the signature is the caller's, see checkDeviceClaims). */
export interface DeviceCrypto {
  /** Raw 32-byte key from b64url or PEM; undefined when it does not parse. */
  readonly rawPublicKey: (publicKey: string) => Uint8Array | undefined
  /** Lowercase hex SHA-256 of the raw key. */
  readonly deviceIdOf: (raw: Uint8Array) => string
}

const fail = (code: DeviceAuthError["code"], message: string, reason: string) => new DeviceAuthError({ code, message, reason })

/** The last check's failure: no payload the signature may cover verifies. */
export const signatureInvalid = () => fail("DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid", "device-signature")

/** A proof whose claims hold: its normalized raw key and the payloads its signature may cover, v3 first. */
export interface DeviceClaims {
  readonly raw: Uint8Array
  readonly payloads: readonly [v3: string, v2: string]
}

/**
 * Checks a connect's device proof in the spec's order (key, id, skew, nonce) up to the signature, which
 * the caller verifies against `payloads` in order: the gateway does it off the event loop.
 */
export const checkDeviceClaims = (input: {
  readonly device: ConnectDevice
  readonly challengeNonce: string
  readonly now: number
  readonly inputs: Omit<SignatureInputs, "deviceId" | "signedAt" | "nonce">
  readonly crypto: DeviceCrypto
}): DeviceAuthError | DeviceClaims => {
  const { device, crypto } = input
  const raw = crypto.rawPublicKey(device.publicKey)
  if (raw === undefined) return fail("DEVICE_AUTH_PUBLIC_KEY_INVALID", "device public key invalid", "device-public-key")
  if (crypto.deviceIdOf(raw) !== device.id.trim().toLowerCase()) {
    return fail("DEVICE_AUTH_DEVICE_ID_MISMATCH", "device identity mismatch", "device-id-mismatch")
  }
  if (!Number.isFinite(device.signedAt) || Math.abs(input.now - device.signedAt) > SIGNATURE_SKEW_MS) {
    return fail("DEVICE_AUTH_SIGNATURE_EXPIRED", "device signature expired", "device-signature-stale")
  }
  if (device.nonce.trim() === "") return fail("DEVICE_AUTH_NONCE_REQUIRED", "device nonce required", "device-nonce-missing")
  if (device.nonce !== input.challengeNonce) return fail("DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch", "device-nonce-mismatch")
  const signed: SignatureInputs = { ...input.inputs, deviceId: device.id, signedAt: device.signedAt, nonce: device.nonce }
  return { raw, payloads: [payloadV3(signed), payloadV2(signed)] }
}
