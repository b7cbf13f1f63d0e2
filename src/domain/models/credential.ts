import { Redacted } from "effect"
import { resolveSecret } from "../auth/resolveAuth.js"
import type { SecretRef } from "../config/fields.js"
import type { StoredCredential } from "../auth/authProfiles.js"

/** Where a provider's credential came from; the value itself is kept redacted. */
export interface Credential {
  readonly kind: "api-key" | "token" | "marker" | "none"
  /** `profile:<id>` (the auth-profile store), `config` (models.providers.<id>.apiKey), `env:<NAME>`, or `none`. */
  readonly source: string
  readonly value: Redacted.Redacted<string> | undefined
  /** A SecretRef that could not be resolved (named, never valued). */
  readonly unresolved: string | undefined
}

// Non-secret placeholders that stand for "a local server that needs no real key" (spec 1.1).
const MARKERS = new Set(["ollama-local", "lmstudio", "lm-studio", "secretref-managed", "local", "none"])

/** True for placeholder values that are shown as `marker(<value>)` rather than masked. */
export const isMarker = (value: string): boolean => MARKERS.has(value.toLowerCase()) || /^[A-Z][A-Z0-9_]*_API_KEY$/.test(value)

/** The env var a provider's key is read from when config has none: `<PROVIDER>_API_KEY`. */
export const providerEnvVar = (provider: string): string => `${provider.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`

const kindOf = (value: string): Credential["kind"] =>
  isMarker(value) ? "marker" : value.startsWith("sk-ant-oat") ? "token" : "api-key"

/**
 * The auth-profile store first (a profile the original's onboarding wrote), then config `apiKey` (a
 * string or an env SecretRef), then `<PROVIDER>_API_KEY` from the environment. A stored profile that
 * cannot be used (unresolved ref, expired token) is skipped and named in `unresolved`.
 */
export const resolveCredential = (
  provider: string,
  apiKey: string | SecretRef | undefined,
  env: Readonly<Record<string, string | undefined>>,
  stored?: StoredCredential
): Credential => {
  if (stored?.value !== undefined) {
    const source = `profile:${stored.profileId}${stored.ref === undefined ? "" : ` (${stored.ref})`}`
    const kind = stored.type === "token" ? "token" : kindOf(stored.value)
    return { kind, source, value: Redacted.make(stored.value), unresolved: undefined }
  }
  const storedProblem = stored === undefined ? undefined : `profile ${stored.profileId}: ${stored.problem ?? "unusable"}`
  const fromConfig = resolveSecret(apiKey, env)
  if (fromConfig.value !== undefined) {
    const source = typeof apiKey === "object" ? `${apiKey.source}:${apiKey.id}` : "config"
    return { kind: kindOf(fromConfig.value), source, value: Redacted.make(fromConfig.value), unresolved: storedProblem }
  }
  const name = providerEnvVar(provider)
  const fromEnv = env[name]?.trim()
  const unresolved = fromConfig.unresolved ?? storedProblem
  if (fromEnv !== undefined && fromEnv !== "") {
    return { kind: kindOf(fromEnv), source: `env:${name}`, value: Redacted.make(fromEnv), unresolved }
  }
  return { kind: "none", source: "none", value: undefined, unresolved }
}

/** How a credential reads in status output: never any character of a real secret. */
export const describeCredential = (credential: Credential): string => {
  if (credential.value === undefined) return credential.unresolved === undefined ? "missing" : `missing (unresolved ${credential.unresolved})`
  const value = Redacted.value(credential.value)
  if (credential.kind === "marker") return `marker(${value}) via ${credential.source}`
  return `${credential.kind} via ${credential.source}`
}
