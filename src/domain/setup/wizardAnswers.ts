import { Either } from "effect"
import { isRecord } from "../isRecord.js"
import { nonEmpty } from "../text/nonEmpty.js"
import { valueAt } from "../valueAt.js"
import { planRemote, type RemoteFlags } from "./onboardFlags.js"
import type { ProviderAuthFlags } from "./providerAuth.js"
import { PROVIDER_KEY_FLAGS, type ProviderKeyFlag } from "./providerKeyFlags.js"
import type { SetupFlags } from "./setupPlan.js"

/** The binds the wizard offers (`custom` needs a host it does not ask for: `--gateway-bind custom` does). */
export const WIZARD_BINDS = ["loopback", "lan", "tailnet", "auto"] as const
export type WizardBind = typeof WIZARD_BINDS[number]

/** The model providers the wizard offers a key for: a short list of common ones, by their key flag. */
export const WIZARD_PROVIDERS: ReadonlyArray<{ readonly title: string; readonly row: ProviderKeyFlag }> = [
  ["Anthropic", "anthropic-api-key"],
  ["OpenAI", "openai-api-key"],
  ["Google Gemini", "gemini-api-key"],
  ["OpenRouter", "openrouter-api-key"]
].flatMap(([title, flag]) => PROVIDER_KEY_FLAGS.filter((row) => row.flag === flag).map((row) => ({ title: title ?? flag ?? "", row })))

export const DEFAULT_GATEWAY_PORT = 18789

/** What the person answered. Secrets are here only until they are handed to the setup plan. */
export type WizardAnswers =
  | {
    readonly mode: "local"
    readonly port: number
    readonly bind: WizardBind
    readonly auth: "token" | "password"
    /** Undefined keeps the configured password. */
    readonly password: string | undefined
    readonly providerKey: { readonly flag: string; readonly key: string } | undefined
  }
  | { readonly mode: "remote"; readonly url: string; readonly token: string | undefined }

/** Where each question starts: the flag given, else the config's current value, else the default. */
export interface WizardDefaults {
  readonly mode: "local" | "remote"
  readonly port: number
  readonly bind: WizardBind
  readonly auth: "token" | "password"
  readonly hasToken: boolean
  readonly hasPassword: boolean
  readonly remoteUrl: string
}

const hasSecret = (value: unknown) => (typeof value === "string" && value.trim() !== "") || isRecord(value)

export const wizardDefaults = (
  authored: unknown,
  given: { readonly mode: "local" | "remote" | undefined; readonly gateway: SetupFlags; readonly remote: RemoteFlags }
): WizardDefaults => {
  const port = valueAt(authored, "gateway", "port")
  const bind = given.gateway.bind ?? valueAt(authored, "gateway", "bind")
  const remoteUrl = valueAt(authored, "gateway", "remote", "url")
  return {
    mode: given.mode ?? (valueAt(authored, "gateway", "mode") === "remote" ? "remote" : "local"),
    port: given.gateway.port ?? (typeof port === "number" ? port : DEFAULT_GATEWAY_PORT),
    bind: WIZARD_BINDS.find((b) => b === bind) ?? "loopback",
    auth: given.gateway.auth ?? (valueAt(authored, "gateway", "auth", "mode") === "password" ? "password" : "token"),
    hasToken: given.gateway.token !== undefined || hasSecret(valueAt(authored, "gateway", "auth", "token")),
    hasPassword: given.gateway.password !== undefined || hasSecret(valueAt(authored, "gateway", "auth", "password")),
    remoteUrl: given.remote.url ?? (typeof remoteUrl === "string" ? remoteUrl : "")
  }
}

/** A typed gateway port, or why it is not one. */
export const parsePort = (text: string): Either.Either<number, string> => {
  const trimmed = text.trim()
  const port = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? Either.right(port) : Either.left("Enter a port number from 1 to 65535.")
}

/** Why a typed remote URL would be refused by the plan, or undefined. */
export const remoteUrlProblem = (url: string): string | undefined =>
  Either.match(planRemote({ url }), { onLeft: (problem) => problem, onRight: () => undefined })

/** What the wizard is about to write, as lines; never a secret. */
export const wizardSummary = (answers: WizardAnswers, defaults: WizardDefaults): ReadonlyArray<string> => {
  if (answers.mode === "remote") {
    return [`Gateway: remote, ${answers.url.trim()}`, `Remote token: ${nonEmpty(answers.token) === undefined ? "none" : "set (hidden)"}`]
  }
  const auth = answers.auth === "password"
    ? (answers.password === undefined ? "password (the configured one is kept)" : "password (set, hidden)")
    : defaults.hasToken ? "token (the configured one is kept)" : "token (a new one is generated)"
  const provider = WIZARD_PROVIDERS.find((p) => p.row.flag === answers.providerKey?.flag)
  return [
    `Gateway: local, port ${answers.port}, bind ${answers.bind}`,
    `Auth: ${auth}`,
    `Model provider key: ${provider === undefined ? "skipped" : `${provider.title} (hidden; saved to the auth-profile store)`}`
  ]
}

/** The part of the setup options the wizard answers. */
export interface WizardTarget {
  readonly interactive: boolean
  readonly nonInteractive: boolean
  readonly mode: "local" | "remote" | undefined
  readonly authChoice: string | undefined
  readonly gateway: SetupFlags
  readonly remote: RemoteFlags
  readonly providerAuth: ProviderAuthFlags
}

/**
 * The setup options with the answers in place of the matching flags, as if they had been given
 * non-interactively: the flags the wizard does not ask about stay as given. A provider chosen here
 * replaces any provider key flag.
 */
export const withWizardAnswers = <O extends WizardTarget>(options: O, answers: WizardAnswers): O => {
  const base = { ...options, interactive: false, nonInteractive: true }
  if (answers.mode === "remote") return { ...base, mode: "remote", remote: { ...options.remote, url: answers.url.trim(), token: nonEmpty(answers.token) } }
  const gateway: SetupFlags = {
    ...options.gateway,
    port: answers.port,
    bind: answers.bind,
    auth: answers.auth,
    password: answers.auth === "password" ? answers.password ?? options.gateway.password : options.gateway.password
  }
  const chosen = PROVIDER_KEY_FLAGS.find((row) => row.flag === answers.providerKey?.flag)
  if (answers.providerKey === undefined || chosen === undefined) return { ...base, mode: "local", gateway }
  const keys = Object.fromEntries(PROVIDER_KEY_FLAGS.map((row) => [row.flag, row === chosen ? answers.providerKey?.key : undefined]))
  const choice = chosen.choices[0]
  return {
    ...base,
    mode: "local",
    gateway,
    authChoice: choice,
    providerAuth: { ...options.providerAuth, keys, authChoice: choice, secretInputMode: "plaintext", token: undefined, tokenProvider: undefined }
  }
}
