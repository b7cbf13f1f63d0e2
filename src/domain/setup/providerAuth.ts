import { Either } from "effect"
import type { AuthProfile } from "../auth/authProfiles.js"
import type { EditOp } from "../config/edits.js"
import { parseDurationMs } from "../cron/duration.js"
import { nonEmpty } from "../text/nonEmpty.js"
import { valueAt } from "../valueAt.js"
import { flagOfChoice, PROVIDER_KEY_FLAGS, type ProviderKeyFlag } from "./providerKeyFlags.js"

/** The provider-credential flags of `onboard`/`setup` as given (values by flag name, without dashes). */
export interface ProviderAuthFlags {
  readonly keys: Readonly<Record<string, string | undefined>>
  readonly cloudflareAccountId?: string | undefined
  readonly cloudflareGatewayId?: string | undefined
  readonly authChoice?: string | undefined
  readonly secretInputMode?: "plaintext" | "ref" | undefined
  readonly tokenProvider?: string | undefined
  readonly token?: string | undefined
  readonly tokenProfileId?: string | undefined
  readonly tokenExpiresIn?: string | undefined
}

/** What onboarding stores: profiles for the store, config edits (`auth.profiles`, maybe a default model). */
export interface ProviderAuthPlan {
  readonly profiles: Readonly<Record<string, AuthProfile>>
  readonly ops: ReadonlyArray<Extract<EditOp, { readonly _tag: "Set" }>>
  readonly paths: ReadonlyArray<string>
  readonly profileId: string
  readonly provider: string
  /** `env:NAME` when a SecretRef was stored instead of the value. */
  readonly ref: string | undefined
  /** The default model set because none was configured. */
  readonly model: string | undefined
}

// The default model the original sets for a provider when the config has none (built-in providers here).
const DEFAULT_MODEL: Readonly<Record<string, string>> = {
  anthropic: "anthropic/claude-opus-5",
  openai: "openai/gpt-6-astra"
}

const PROFILE_ID = /^[a-z0-9][a-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._@-]*$/

const firstSet = (names: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>) => names.find((name) => nonEmpty(env[name]) !== undefined)

/** The value or env SecretRef a flag's credential is stored as, or why it cannot be. */
const credentialInput = (
  row: ProviderKeyFlag,
  given: string | undefined,
  mode: "plaintext" | "ref",
  env: Readonly<Record<string, string | undefined>>
): Either.Either<{ readonly value: string } | { readonly envVar: string }, string> => {
  const envVar = firstSet(row.envVars, env)
  const primary = row.envVars[0] ?? ""
  if (mode === "ref") {
    if (envVar !== undefined) return Either.right({ envVar })
    return Either.left(given !== undefined
      ? `--${row.flag} cannot be used with --secret-input-mode ref unless ${primary} is set in env.\nSet ${primary} in env and omit --${row.flag}, or use --secret-input-mode plaintext.`
      : `--secret-input-mode ref needs ${primary} set in env for ${row.provider}.\nExport ${primary}, or pass --${row.flag} with --secret-input-mode plaintext.`)
  }
  const value = given ?? (envVar === undefined ? undefined : nonEmpty(env[envVar]))
  return value === undefined ? Either.left(`Missing --${row.flag} (or ${primary} in env).`) : Either.right({ value })
}

const configOps = (authored: unknown, profileId: string, provider: string, mode: "api_key" | "token", setModel: boolean) => {
  const edits: Array<[ReadonlyArray<string>, unknown]> = []
  const entry = { provider, mode }
  if (JSON.stringify(valueAt(authored, "auth", "profiles", profileId)) !== JSON.stringify(entry)) edits.push([["auth", "profiles", profileId], entry])
  const model = setModel && valueAt(authored, "agents", "defaults", "model") === undefined ? DEFAULT_MODEL[provider] : undefined
  if (model !== undefined) {
    edits.push([["agents", "defaults", "model"], { primary: model }])
    if (valueAt(authored, "agents", "defaults", "models", model) === undefined) edits.push([["agents", "defaults", "models", model], {}])
  }
  return {
    ops: edits.map(([path, value]) => ({ _tag: "Set" as const, path, value, mode: "plain" as const })),
    paths: edits.map(([path]) => path.join(".")),
    model
  }
}

/** `--auth-choice token --token-provider <id> --token <t> [--token-profile-id] [--token-expires-in]`. */
const tokenPlan = (authored: unknown, flags: ProviderAuthFlags, now: number): Either.Either<ProviderAuthPlan, string> => {
  const provider = nonEmpty(flags.tokenProvider)?.toLowerCase()
  const token = nonEmpty(flags.token)
  if (provider === undefined || token === undefined) return Either.left("Auth choice \"token\" requires --token-provider and --token.")
  if (flags.secretInputMode === "ref") return Either.left("--token cannot be stored as a reference; use --secret-input-mode plaintext, or paste the token into a SecretRef-backed config value.")
  const profileId = nonEmpty(flags.tokenProfileId) ?? `${provider}:manual`
  if (!PROFILE_ID.test(profileId)) return Either.left(`Invalid --token-profile-id "${profileId}". Use <provider>:<name>, e.g. ${provider}:manual.`)
  const expiresIn = nonEmpty(flags.tokenExpiresIn)
  const ms = expiresIn === undefined ? undefined : parseDurationMs(expiresIn)
  if (expiresIn !== undefined && (ms === undefined || ms <= 0)) return Either.left(`Invalid --token-expires-in "${expiresIn}". Use a duration like 365d or 12h.`)
  const profile: AuthProfile = { type: "token", provider, token, ...(ms === undefined ? {} : { expires: now + ms }) }
  return Either.right({ profiles: { [profileId]: profile }, ...configOps(authored, profileId, provider, "token", true), profileId, provider, ref: undefined })
}

/**
 * What the provider flags store, as the original's non-interactive onboarding decides it: one provider
 * (the `--auth-choice` one, else the single key flag given), its key (flag, else its env var) stored as
 * plaintext or, with `--secret-input-mode ref`, as an env SecretRef. `undefined` when no provider
 * credential was asked for. The error texts are the original's where it has them.
 */
export const planProviderAuth = (
  authored: unknown,
  flags: ProviderAuthFlags,
  env: Readonly<Record<string, string | undefined>>,
  now: number
): Either.Either<ProviderAuthPlan | undefined, string> => {
  const given = PROVIDER_KEY_FLAGS.filter((row) => nonEmpty(flags.keys[row.flag]) !== undefined)
  const rawChoice = nonEmpty(flags.authChoice)
  const choice = rawChoice === undefined ? undefined : (flagOfChoice(rawChoice) !== undefined ? rawChoice : rawChoice.toLowerCase())
  const tokenFlags = [flags.tokenProvider, flags.token].some((v) => nonEmpty(v) !== undefined)
  if (choice === "token" || (choice === undefined && tokenFlags && given.length === 0)) return tokenPlan(authored, flags, now)
  if (choice === "skip" || choice === "custom-api-key") return Either.right(undefined)
  let row: ProviderKeyFlag | undefined
  if (choice !== undefined) {
    row = flagOfChoice(choice)
    if (row === undefined) {
      return Either.left(`--auth-choice ${choice}: not available in this version (its OAuth, device-login, CLI or local-server flow is not built). Use a provider key flag such as --anthropic-api-key, --auth-choice token with --token-provider/--token, or --auth-choice custom-api-key with the --custom-* flags.`)
    }
  } else if (given.length > 1) {
    return Either.left(`Multiple API key flags were provided for non-interactive setup.\nUse a single provider flag or pass --auth-choice explicitly.\nFlags: ${given.map((r) => `--${r.flag}`).join(", ")}`)
  } else row = given[0]
  const cloudflare = [flags.cloudflareAccountId, flags.cloudflareGatewayId].some((v) => nonEmpty(v) !== undefined)
  if (row === undefined) {
    return cloudflare ? Either.left("--cloudflare-ai-gateway-account-id and --cloudflare-ai-gateway-gateway-id go with --cloudflare-ai-gateway-api-key.") : Either.right(undefined)
  }
  if (tokenFlags) return Either.left(`--token-provider/--token go with --auth-choice token, not with --${row.flag}.`)
  const input = credentialInput(row, nonEmpty(flags.keys[row.flag]), flags.secretInputMode ?? "plaintext", env)
  if (Either.isLeft(input)) return Either.left(input.left)
  let metadata: Record<string, string> | undefined
  if (row.provider === "cloudflare-ai-gateway") {
    const accountId = nonEmpty(flags.cloudflareAccountId)
    const gatewayId = nonEmpty(flags.cloudflareGatewayId)
    if (accountId === undefined || gatewayId === undefined) return Either.left("Cloudflare AI Gateway needs --cloudflare-ai-gateway-account-id and --cloudflare-ai-gateway-gateway-id.")
    metadata = { accountId, gatewayId }
  }
  const ref = "envVar" in input.right ? { source: "env" as const, provider: "default", id: input.right.envVar } : undefined
  const value = "value" in input.right ? input.right.value : undefined
  const profile: AuthProfile = row.type === "token"
    ? { type: "token", provider: row.provider, ...(ref === undefined ? { token: value ?? "" } : { tokenRef: ref }) }
    : { type: "api_key", provider: row.provider, ...(ref === undefined ? { key: value ?? "" } : { keyRef: ref }), ...(metadata === undefined ? {} : { metadata }) }
  return Either.right({
    profiles: { [row.profileId]: profile },
    ...configOps(authored, row.profileId, row.provider, row.type, true),
    profileId: row.profileId,
    provider: row.provider,
    ref: ref === undefined ? undefined : `env:${ref.id}`
  })
}
