import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { generateDeviceKeyPair } from "../crypto/ed25519.js"
import { atomicWrite, ensurePrivateDir, readIfExists } from "../fs/files.js"

/** The CLI's device identity, as the reference clients persist it. */
export interface StoredIdentity {
  readonly version: 1
  readonly deviceId: string
  readonly publicKey: string
  readonly publicKeyPem: string
  readonly privateKeyPem: string
  readonly createdAtMs: number
}

interface StoredToken {
  readonly token: string
  readonly scopes: ReadonlyArray<string>
  readonly updatedAtMs: number
}

const parseJson = (text: string | undefined): unknown => {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isIdentity = (value: unknown): value is StoredIdentity =>
  typeof value === "object" && value !== null && (value as StoredIdentity).version === 1 &&
  typeof (value as StoredIdentity).deviceId === "string" && typeof (value as StoredIdentity).privateKeyPem === "string" &&
  typeof (value as StoredIdentity).publicKey === "string"

/** Files under `<stateDir>/identity/` (0700), each 0600. */
export const identityStore = (stateDir: string) => {
  const dir = path.join(stateDir, "identity")
  const identityFile = path.join(dir, "device.json")
  const tokensFile = path.join(dir, "device-auth.json")

  /** The identity, if one exists; never creates one. */
  const find = readIfExists(identityFile).pipe(Effect.map((text) => {
    const parsed = parseJson(text)
    return isIdentity(parsed) ? parsed : undefined
  }))

  /** The identity, created once on first use. */
  const ensure = Effect.gen(function*() {
    const existing = yield* find
    if (existing !== undefined) return existing
    const pair = generateDeviceKeyPair()
    const identity: StoredIdentity = { version: 1, ...pair, createdAtMs: Date.now() }
    yield* ensurePrivateDir(dir)
    yield* atomicWrite(identityFile, `${JSON.stringify(identity, null, 2)}\n`)
    return identity
  })

  const readTokens = readIfExists(tokensFile).pipe(Effect.map((text) => {
    const parsed = parseJson(text) as { tokens?: Record<string, StoredToken> } | undefined
    return parsed?.tokens ?? {}
  }))

  const key = (gateway: string, deviceId: string, role: string) => `${gateway}|${deviceId}|${role}`

  return {
    find,
    ensure,
    storedToken: (gateway: string, deviceId: string, role: string) => Effect.map(readTokens, (tokens) => tokens[key(gateway, deviceId, role)]),
    saveToken: (gateway: string, deviceId: string, role: string, token: string, scopes: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const tokens = yield* readTokens
        const current = tokens[key(gateway, deviceId, role)]
        if (current?.token === token) return
        yield* ensurePrivateDir(dir)
        yield* atomicWrite(tokensFile, `${JSON.stringify({ version: 1, tokens: { ...tokens, [key(gateway, deviceId, role)]: { token, scopes, updatedAtMs: Date.now() } } }, null, 2)}\n`)
      }),
    dropToken: (gateway: string, deviceId: string, role: string) =>
      Effect.gen(function*() {
        const tokens = yield* readTokens
        if (tokens[key(gateway, deviceId, role)] === undefined) return
        const { [key(gateway, deviceId, role)]: _dropped, ...rest } = tokens
        yield* atomicWrite(tokensFile, `${JSON.stringify({ version: 1, tokens: rest }, null, 2)}\n`)
      }),
    remove: Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
  }
}
