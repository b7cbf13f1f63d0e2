import { Schema } from "effect"
import { SecretRef } from "../config/fields.js"
import { opt } from "../opt.js"
import { resolveSecret } from "./resolveAuth.js"

/** A stored API key: the key itself, or an env SecretRef to it (`--secret-input-mode ref`). */
export const ApiKeyProfile = Schema.Struct({
  type: Schema.Literal("api_key"),
  provider: Schema.String,
  key: opt(Schema.String),
  keyRef: opt(SecretRef),
  /** Provider extras, e.g. Cloudflare AI Gateway's `accountId` and `gatewayId`. */
  metadata: opt(Schema.Record({ key: Schema.String, value: Schema.String }))
})

/** A stored bearer token (`--auth-choice token`, `--github-copilot-token`), with an optional expiry. */
export const TokenProfile = Schema.Struct({
  type: Schema.Literal("token"),
  provider: Schema.String,
  token: opt(Schema.String),
  tokenRef: opt(SecretRef),
  /** Epoch milliseconds after which the token is not used. */
  expires: opt(Schema.Number)
})

export const AuthProfile = Schema.Union(ApiKeyProfile, TokenProfile)
export type AuthProfile = typeof AuthProfile.Type

/**
 * `<stateDir>/agents/<agentId>/agent/auth-profiles.json`: the original's canonical auth-profile store
 * shape (version 1, profiles by id), which its `doctor --fix` imports into its SQLite store.
 */
export const AuthProfileFile = Schema.Struct({
  version: Schema.Literal(1),
  profiles: Schema.Record({ key: Schema.String, value: AuthProfile })
})
export type AuthProfileFile = typeof AuthProfileFile.Type

export const emptyAuthProfiles: AuthProfileFile = { version: 1, profiles: {} }

/** The store with `id` set to `profile` (replacing what was there). */
export const withProfile = (file: AuthProfileFile, id: string, profile: AuthProfile): AuthProfileFile => ({
  ...file,
  profiles: { ...file.profiles, [id]: profile }
})

/** A credential taken from the store for one provider (the value stays with the caller to redact). */
export interface StoredCredential {
  readonly profileId: string
  readonly type: AuthProfile["type"]
  readonly value: string | undefined
  /** `env:NAME` when the profile holds a SecretRef (resolved or not). */
  readonly ref: string | undefined
  /** Why the profile could not be used (unresolved ref, expired token), when `value` is undefined. */
  readonly problem: string | undefined
}

const refName = (ref: SecretRef) => (ref.source === "env" ? `env:${ref.id}` : `${ref.source}:${ref.provider}:${ref.id}`)

const usableValue = (profile: AuthProfile, env: Readonly<Record<string, string | undefined>>, now: number): Omit<StoredCredential, "profileId" | "type"> => {
  const ref = profile.type === "api_key" ? profile.keyRef : profile.tokenRef
  const inline = profile.type === "api_key" ? profile.key : profile.token
  if (profile.type === "token" && profile.expires !== undefined && profile.expires <= now) {
    return { value: undefined, ref: ref === undefined ? undefined : refName(ref), problem: `expired ${new Date(profile.expires).toISOString()}` }
  }
  const resolved = resolveSecret(ref ?? inline, env)
  if (resolved.value !== undefined) return { value: resolved.value, ref: ref === undefined ? undefined : refName(ref), problem: undefined }
  return { value: undefined, ref: ref === undefined ? undefined : refName(ref), problem: ref === undefined ? "empty" : `unresolved ${refName(ref)}` }
}

// Tokens before API keys, as the original orders a provider's profiles when no order is configured.
const rank = (profile: AuthProfile) => (profile.type === "token" ? 0 : 1)

/**
 * The credential a provider uses from the store: the profiles of `order` (config `auth.order.<provider>`)
 * in that order when given, else the provider's profiles, tokens first, then by id. The first one with a
 * usable value wins; when none has one, the first candidate is returned with its problem.
 */
export const storedCredential = (
  file: AuthProfileFile,
  provider: string,
  order: ReadonlyArray<string> | undefined,
  env: Readonly<Record<string, string | undefined>>,
  now: number
): StoredCredential | undefined => {
  const wanted = provider.toLowerCase()
  const mine = Object.entries(file.profiles).filter(([, profile]) => profile.provider.toLowerCase() === wanted)
  const candidates = order === undefined
    ? mine.sort(([a, pa], [b, pb]) => rank(pa) - rank(pb) || a.localeCompare(b))
    : order.flatMap((id) => mine.filter(([candidate]) => candidate === id))
  let first: StoredCredential | undefined
  for (const [profileId, profile] of candidates) {
    const credential = { profileId, type: profile.type, ...usableValue(profile, env, now) }
    if (credential.value !== undefined) return credential
    first ??= credential
  }
  return first
}

/** When the next stored token expires after `now` (a credential resolved before then may change then); Infinity when none does. */
export const nextTokenExpiry = (file: AuthProfileFile, now: number): number => {
  let next = Number.POSITIVE_INFINITY
  for (const profile of Object.values(file.profiles)) {
    if (profile.type === "token" && profile.expires !== undefined && profile.expires > now && profile.expires < next) next = profile.expires
  }
  return next
}

/** Providers that have at least one stored profile. */
export const storedProviders = (file: AuthProfileFile): ReadonlyArray<string> =>
  [...new Set(Object.values(file.profiles).map((profile) => profile.provider.toLowerCase()))]

/** The auth-profile store file exists but does not hold the store's shape; it is left as it is. */
export class AuthStoreInvalid extends Schema.TaggedError<AuthStoreInvalid>()("AuthStoreInvalid", {
  code: Schema.tag("AUTH_STORE_INVALID"),
  message: Schema.String,
  path: Schema.String
}) {}
