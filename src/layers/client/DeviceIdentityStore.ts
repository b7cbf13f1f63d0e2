import { Clock, Effect, Either, Schema } from "effect"
import * as path from "node:path"
import { opt } from "../../domain/opt.js"
import { StateFiles } from "../../services/StateFiles.js"
import { generateDeviceKeyPair } from "../crypto/ed25519.js"
import { jsonFileText } from "../../domain/jsonFile.js"

/** The CLI's device identity, as the reference clients persist it (`identity/device.json`). */
export const StoredIdentity = Schema.Struct({
  version: Schema.Literal(1),
  deviceId: Schema.String,
  publicKey: Schema.String,
  privateKeyPem: Schema.String,
  // Not needed to sign: a file without them still identifies the device.
  publicKeyPem: opt(Schema.String),
  createdAtMs: opt(Schema.Number)
})
export type StoredIdentity = typeof StoredIdentity.Type

const StoredToken = Schema.Struct({
  token: Schema.String,
  scopes: Schema.Array(Schema.String),
  updatedAtMs: Schema.Number
})

/** `identity/device-auth.json`: device tokens keyed by `<gateway url>|<deviceId>|<role>`. */
const TokensFile = Schema.Struct({
  version: Schema.optionalWith(Schema.Literal(1), { exact: true }),
  tokens: Schema.optionalWith(Schema.Record({ key: Schema.String, value: StoredToken }), { exact: true, default: () => ({}) })
})

/** An unreadable or foreign file counts as absent: the CLI then starts over rather than failing. */
const decodeOrUndefined = <A, I>(schema: Schema.Schema<A, I>) => {
  // Fields this version does not know are kept when the file is written back.
  const decode = Schema.decodeUnknownEither(Schema.parseJson(schema), { onExcessProperty: "preserve" })
  return (text: string | undefined): A | undefined => (text === undefined ? undefined : Either.getOrUndefined(decode(text)))
}
const decodeIdentity = decodeOrUndefined(StoredIdentity)
const decodeTokens = decodeOrUndefined(TokensFile)

/** Files under `<stateDir>/identity/` (0700), each 0600. */
export const makeIdentityStore = (stateDir: string) =>
  Effect.gen(function*() {
    const files = yield* StateFiles
    const dir = path.join(stateDir, "identity")
    const identityFile = path.join(dir, "device.json")
    const tokensFile = path.join(dir, "device-auth.json")

    /** The identity, if one exists; never creates one. */
    const find = Effect.map(files.readIfExists(identityFile), decodeIdentity)

    /** The identity, created once on first use. */
    const ensure = Effect.gen(function*() {
      const existing = yield* find
      if (existing !== undefined) return existing
      const identity: StoredIdentity = { version: 1, ...generateDeviceKeyPair(), createdAtMs: yield* Clock.currentTimeMillis }
      yield* files.ensurePrivateDir(dir)
      yield* files.atomicWrite(identityFile, jsonFileText(identity))
      return identity
    })

    const readTokens = Effect.map(files.readIfExists(tokensFile), (text) => decodeTokens(text)?.tokens ?? {})

    const key = (gateway: string, deviceId: string, role: string) => `${gateway}|${deviceId}|${role}`

    const storedToken = (gateway: string, deviceId: string, role: string) => Effect.map(readTokens, (tokens) => tokens[key(gateway, deviceId, role)])

    const saveToken = (gateway: string, deviceId: string, role: string, token: string, scopes: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const tokens = yield* readTokens
        if (tokens[key(gateway, deviceId, role)]?.token === token) return
        const updatedAtMs = yield* Clock.currentTimeMillis
        yield* files.ensurePrivateDir(dir)
        yield* files.atomicWrite(tokensFile, jsonFileText({ version: 1, tokens: { ...tokens, [key(gateway, deviceId, role)]: { token, scopes, updatedAtMs } } }))
      })

    const dropToken = (gateway: string, deviceId: string, role: string) =>
      Effect.gen(function*() {
        const tokens = yield* readTokens
        if (tokens[key(gateway, deviceId, role)] === undefined) return
        const { [key(gateway, deviceId, role)]: _dropped, ...rest } = tokens
        yield* files.atomicWrite(tokensFile, jsonFileText({ version: 1, tokens: rest }))
      })

    return { find, ensure, storedToken, saveToken, dropToken }
  })
