import type { OpenClawConfig } from "../config/ConfigSchema.js"

export type AuthMode = "none" | "token" | "password" | "trusted-proxy"

/** The gateway's effective auth: mode and the secrets it checks against. */
export interface ResolvedAuth {
  readonly mode: AuthMode
  readonly token: string | undefined
  readonly password: string | undefined
  /** Where the secret came from, for status output (never the secret itself). */
  readonly source: "flag" | "config" | "env" | "none"
  readonly trustedProxy: { readonly userHeader: string; readonly requiredHeaders: ReadonlyArray<string>; readonly allowUsers: ReadonlyArray<string>; readonly allowLoopback: boolean } | undefined
  readonly trustedProxies: ReadonlyArray<string>
  /** `gateway.auth.identityScopes`: verified identity -> session-only operator scopes. */
  readonly identityScopes: Readonly<Record<string, ReadonlyArray<string>>>
  /** Secret references that could not be resolved (named, never valued). */
  readonly unresolved: ReadonlyArray<string>
}

export interface AuthOverrides {
  readonly mode?: AuthMode | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
}

type SecretInput = string | { readonly source: string; readonly provider: string; readonly id: string } | undefined

const nonEmpty = (value: string | undefined) => (value !== undefined && value.trim() !== "" ? value : undefined)

/** Resolves a plain secret or an env SecretRef; other sources are not supported yet and stay unresolved. */
export const resolveSecret = (
  input: SecretInput,
  env: Readonly<Record<string, string | undefined>>
): { readonly value: string | undefined; readonly unresolved: string | undefined } => {
  if (input === undefined) return { value: undefined, unresolved: undefined }
  if (typeof input === "string") return { value: nonEmpty(input), unresolved: undefined }
  if (input.source === "env") {
    const value = nonEmpty(env[input.id])
    return { value, unresolved: value === undefined ? `${input.source}:${input.provider}:${input.id}` : undefined }
  }
  return { value: undefined, unresolved: `${input.source}:${input.provider}:${input.id}` }
}

/**
 * Mode: `--auth` > `gateway.auth.mode` > password when one resolves > token. Secrets: flags, then
 * config, then `OPENCLAW_GATEWAY_TOKEN` / `OPENCLAW_GATEWAY_PASSWORD`.
 */
export const resolveGatewayAuth = (
  gateway: OpenClawConfig["gateway"],
  env: Readonly<Record<string, string | undefined>>,
  overrides: AuthOverrides = {}
): ResolvedAuth => {
  const auth = gateway?.auth
  const configToken = resolveSecret(auth?.token, env)
  const configPassword = resolveSecret(auth?.password, env)
  const token = nonEmpty(overrides.token) ?? configToken.value ?? nonEmpty(env["OPENCLAW_GATEWAY_TOKEN"])
  const password = nonEmpty(overrides.password) ?? configPassword.value ?? nonEmpty(env["OPENCLAW_GATEWAY_PASSWORD"])
  const mode: AuthMode = overrides.mode ?? auth?.mode ?? (password !== undefined ? "password" : "token")
  const secretSource = mode === "password"
    ? nonEmpty(overrides.password) !== undefined ? "flag" : configPassword.value !== undefined ? "config" : password !== undefined ? "env" : "none"
    : nonEmpty(overrides.token) !== undefined ? "flag" : configToken.value !== undefined ? "config" : token !== undefined ? "env" : "none"
  const tp = auth?.trustedProxy
  return {
    mode,
    token,
    password,
    source: secretSource,
    trustedProxy: tp === undefined
      ? undefined
      : { userHeader: tp.userHeader, requiredHeaders: tp.requiredHeaders ?? [], allowUsers: tp.allowUsers ?? [], allowLoopback: tp.allowLoopback ?? false },
    trustedProxies: gateway?.trustedProxies ?? [],
    identityScopes: auth?.identityScopes ?? {},
    unresolved: [configToken.unresolved, configPassword.unresolved].filter((r): r is string => r !== undefined)
  }
}

/**
 * The session-only grant for a verified identity: email keys match case-insensitively, others
 * exactly; no identity (token, password, none) gets nothing.
 */
export const identityGrant = (identityScopes: Readonly<Record<string, ReadonlyArray<string>>>, user: string | undefined): ReadonlyArray<string> => {
  if (user === undefined || user === "") return []
  for (const [key, scopes] of Object.entries(identityScopes)) {
    const matches = key.includes("@") ? key.toLowerCase() === user.toLowerCase() : key === user
    if (matches) return scopes
  }
  return []
}

/** True when the gateway has a usable shared secret (or a proxy identity) for a non-loopback bind. */
export const hasNetworkAuth = (auth: ResolvedAuth): boolean =>
  (auth.mode === "token" && auth.token !== undefined) ||
  (auth.mode === "password" && auth.password !== undefined) ||
  (auth.mode === "trusted-proxy" && auth.trustedProxy !== undefined && auth.trustedProxies.length > 0)
