import { describe, expect, it } from "@effect/vitest"
import { createPrivateKey, createPublicKey } from "node:crypto"
import { Effect } from "effect"
import { checkDeviceClaims, payloadV2, payloadV3, signatureInvalid } from "../../src/domain/protocol/deviceAuth.js"
import { nodeDeviceCrypto, signPayload, verifyOffLoop } from "../../src/layers/crypto/ed25519.js"

// The test vector of gateway-protocol.md section 4.
const SEED = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
const PKCS8_PREFIX = "302e020100300506032b657004220420"
const VECTOR = {
  rawPublicHex: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
  publicKey: "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg",
  deviceId: "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c",
  v3:
    "v3|56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c|cli|cli|operator|operator.read,operator.write|1737264000000|example-shared-token|7b0c8a9e-4f1d-4c2a-9b3e-5d6f7a8b9c0d|linux|",
  v3Signature: "H-_yBZoHGXCBd9VTPwyDbxtG64Aq1UaU1pmcBKr4DKO__dcB34eM5TlRapRZxd1A1Lf1Dkc8Rq0h9YA-bXJnBg",
  v2:
    "v2|56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c|cli|cli|operator|operator.read,operator.write|1737264000000|example-shared-token|7b0c8a9e-4f1d-4c2a-9b3e-5d6f7a8b9c0d",
  v2Signature: "Ur6UEDF2nG7X4UZ4ci_-hgiDr1bjm5NOGKCyxA22S_mUduhUVpOb3-S5Phfe7gBbUn63dYhn3z5cfpTPwL0yAA"
}
const NONCE = "7b0c8a9e-4f1d-4c2a-9b3e-5d6f7a8b9c0d"
const SIGNED_AT = 1737264000000

const privateKey = createPrivateKey({ key: Buffer.from(PKCS8_PREFIX + SEED, "hex"), format: "der", type: "pkcs8" })
const privateKeyPem = privateKey.export({ format: "pem", type: "pkcs8" }).toString()
const publicKeyPem = createPublicKey(privateKey).export({ format: "pem", type: "spki" }).toString()

const inputs = {
  deviceId: VECTOR.deviceId,
  clientId: "cli",
  clientMode: "cli",
  role: "operator",
  scopes: ["operator.read", "operator.write"],
  signedAt: SIGNED_AT,
  token: "example-shared-token",
  nonce: NONCE,
  platform: "Linux"
}

/** The gateway's whole check: the claims, then the signature over v3 or v2 in the thread pool. */
const proof = async (signature: string, publicKey = VECTOR.publicKey) => {
  const claims = checkDeviceClaims({
    device: { id: VECTOR.deviceId, publicKey, signature, signedAt: SIGNED_AT, nonce: NONCE },
    challengeNonce: NONCE,
    now: SIGNED_AT + 1000,
    inputs: { clientId: "cli", clientMode: "cli", role: "operator", scopes: inputs.scopes, token: inputs.token, platform: "Linux" },
    crypto: nodeDeviceCrypto
  })
  if ("_tag" in claims) return claims
  return (await Effect.runPromise(verifyOffLoop(claims.raw, claims.payloads, signature))) ? { raw: claims.raw } : signatureInvalid()
}

describe("device signature: the spec's test vector", () => {
  it("derives the raw key, the b64url public key and the device id from the seed", () => {
    const raw = nodeDeviceCrypto.rawPublicKey(publicKeyPem)
    expect(Buffer.from(raw!).toString("hex")).toBe(VECTOR.rawPublicHex)
    expect(Buffer.from(raw!).toString("base64url")).toBe(VECTOR.publicKey)
    expect(nodeDeviceCrypto.deviceIdOf(raw!)).toBe(VECTOR.deviceId)
  })

  it("builds the v3 and v2 payloads byte for byte (platform lowercased, trailing | for no deviceFamily)", () => {
    expect(payloadV3(inputs)).toBe(VECTOR.v3)
    expect(payloadV2(inputs)).toBe(VECTOR.v2)
  })

  it("signs both payloads to the published signatures", () => {
    expect(signPayload(privateKeyPem, VECTOR.v3)).toBe(VECTOR.v3Signature)
    expect(signPayload(privateKeyPem, VECTOR.v2)).toBe(VECTOR.v2Signature)
  })

  it("verifies the published signatures, with the key as b64url or PEM", async () => {
    expect(await proof(VECTOR.v3Signature)).not.toHaveProperty("_tag")
    expect(await proof(VECTOR.v2Signature)).not.toHaveProperty("_tag")
    expect(await proof(VECTOR.v3Signature, publicKeyPem)).not.toHaveProperty("_tag")
  })

  it("refuses a signature with one byte changed", async () => {
    const bytes = Buffer.from(VECTOR.v3Signature, "base64url")
    bytes[10] = (bytes[10] ?? 0) ^ 1
    expect(await proof(bytes.toString("base64url"))).toMatchObject({ code: "DEVICE_AUTH_SIGNATURE_INVALID", reason: "device-signature" })
  })

  it.effect("the gateway's check off the event loop: the claims give v3 then v2, and the signature must cover one", () =>
    Effect.gen(function*() {
      const claims = checkDeviceClaims({
        device: { id: VECTOR.deviceId, publicKey: VECTOR.publicKey, signature: VECTOR.v3Signature, signedAt: SIGNED_AT, nonce: NONCE },
        challengeNonce: NONCE,
        now: SIGNED_AT + 1000,
        inputs: { clientId: "cli", clientMode: "cli", role: "operator", scopes: inputs.scopes, token: inputs.token, platform: "Linux" },
        crypto: nodeDeviceCrypto
      })
      if ("_tag" in claims) return expect.fail(claims.message)
      expect(claims.payloads).toEqual([VECTOR.v3, VECTOR.v2])
      const changed = Buffer.from(VECTOR.v3Signature, "base64url")
      changed[10] = (changed[10] ?? 0) ^ 1
      const verdicts = yield* Effect.all([VECTOR.v3Signature, VECTOR.v2Signature, changed.toString("base64url"), "A".repeat(86), "short"].map((signature) =>
        verifyOffLoop(claims.raw, claims.payloads, signature)))
      expect(verdicts).toEqual([true, true, false, false, false])
      // A signature over v2 does not pass as one over v3 alone.
      expect(yield* verifyOffLoop(claims.raw, [VECTOR.v3], VECTOR.v2Signature)).toBe(false)
    }))

  it("also reproduces the third-party vector's device id", () => {
    const raw = nodeDeviceCrypto.rawPublicKey("kNeQYMUWDXzuYR3hVvnYwIHRQqsxxefxmqEZEyZupB0")
    expect(nodeDeviceCrypto.deviceIdOf(raw!)).toBe("dc6ba159fbbaa3549c8eb997b6ac1062ef433c8fc233b1ac17ea3cf0aa96b8ad")
  })
})
