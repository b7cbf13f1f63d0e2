import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import { resolveGatewayPort } from "../Paths.js"

/** Where and how the CLI connects. */
export interface ClientTarget {
  readonly url: string
  readonly token: string | undefined
  readonly password: string | undefined
  /** `--url` was given: no config, env or stored credentials are used. */
  readonly explicitUrl: boolean
  readonly source: "flag" | "env" | "remote-config" | "local-config"
}

const nonEmpty = (v: string | undefined) => (v !== undefined && v.trim() !== "" ? v.trim() : undefined)

/**
 * Target and credentials of spec 3.3: `--url` > `OPENCLAW_GATEWAY_URL` > `gateway.remote.url` (remote
 * mode) > local loopback; secrets from flags, then env, then `gateway.remote.*` or `gateway.auth.*`.
 */
export const resolveClientTarget = (input: {
  readonly flags: { readonly url?: string | undefined; readonly token?: string | undefined; readonly password?: string | undefined }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly config: OpenClawConfig | undefined
  readonly dev?: boolean
}): ClientTarget => {
  const { flags, env, config } = input
  const flagUrl = nonEmpty(flags.url)
  if (flagUrl !== undefined) {
    return { url: flagUrl, token: nonEmpty(flags.token), password: nonEmpty(flags.password), explicitUrl: true, source: "flag" }
  }
  const remote = config?.gateway?.mode === "remote"
  const envUrl = nonEmpty(env["OPENCLAW_GATEWAY_URL"])
  const remoteUrl = remote ? nonEmpty(config?.gateway?.remote?.url) : undefined
  const { port } = resolveGatewayPort({ env, configPort: config?.gateway?.port, dev: input.dev })
  const url = envUrl ?? remoteUrl ?? `ws://127.0.0.1:${port}`
  const configToken = remote ? resolveSecret(config?.gateway?.remote?.token, env).value : resolveSecret(config?.gateway?.auth?.token, env).value
  const configPassword = remote ? resolveSecret(config?.gateway?.remote?.password, env).value : resolveSecret(config?.gateway?.auth?.password, env).value
  return {
    url,
    token: nonEmpty(flags.token) ?? nonEmpty(env["OPENCLAW_GATEWAY_TOKEN"]) ?? configToken,
    password: nonEmpty(flags.password) ?? nonEmpty(env["OPENCLAW_GATEWAY_PASSWORD"]) ?? configPassword,
    explicitUrl: false,
    source: envUrl !== undefined ? "env" : remote ? "remote-config" : "local-config"
  }
}

/** Loopback targets (and pinned TLS) may receive a stored device token on the one-shot retry. */
export const isTrustedEndpoint = (url: string, pinnedFingerprint: boolean) => {
  try {
    const parsed = new URL(url)
    const host = parsed.hostname.replace(/^\[|\]$/g, "")
    return host === "127.0.0.1" || host === "localhost" || host === "::1" || (parsed.protocol === "wss:" && pinnedFingerprint)
  } catch {
    return false
  }
}
