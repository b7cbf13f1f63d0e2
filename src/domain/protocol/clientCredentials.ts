import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { resolveSecret } from "../auth/resolveAuth.js"
import { resolveGatewayPort } from "../Paths.js"
import { nonEmpty } from "../text/nonEmpty.js"

/** Where and how the CLI connects. */
export interface ClientTarget {
  readonly url: string
  readonly token: string | undefined
  readonly password: string | undefined
  /** `--url` was given: no config, env or stored credentials are used. */
  readonly explicitUrl: boolean
  readonly source: "flag" | "env" | "remote-config" | "local-config"
}

const first = (...values: ReadonlyArray<string | undefined>) => values.find((v) => v !== undefined)

/**
 * Target and credentials (spec 3.3, with the original's precedence): `--url` > `OPENCLAW_GATEWAY_URL` >
 * `gateway.remote.url` (remote mode) > local loopback. Explicit `--token`/`--password` are used alone.
 * An explicit `--url` takes no stored credentials; an env URL takes only the env ones. Local mode is
 * config-first (`gateway.auth.*`, then `OPENCLAW_GATEWAY_*`, so a stale shell variable cannot shadow
 * the config); remote mode takes `gateway.remote.token` before the env token, the env password first.
 */
export const resolveClientTarget = (input: {
  /** `port`: the original's `--port`, the local gateway on another port (local credentials, no env or remote URL). */
  readonly flags: { readonly url?: string | undefined; readonly token?: string | undefined; readonly password?: string | undefined; readonly port?: number | undefined }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly config: OpenClawConfig | undefined
  readonly dev?: boolean
}): ClientTarget => {
  const { flags, env, config } = input
  const flagToken = nonEmpty(flags.token)
  const flagPassword = nonEmpty(flags.password)
  const explicit = flagToken !== undefined || flagPassword !== undefined
  const flagUrl = nonEmpty(flags.url)
  if (flagUrl !== undefined) {
    return { url: flagUrl, token: flagToken, password: flagPassword, explicitUrl: true, source: "flag" }
  }
  const flagPort = flags.port
  const remote = flagPort === undefined && config?.gateway?.mode === "remote"
  const envUrl = flagPort === undefined ? nonEmpty(env["OPENCLAW_GATEWAY_URL"]) : undefined
  const remoteUrl = remote ? nonEmpty(config?.gateway?.remote?.url) : undefined
  const { port } = resolveGatewayPort({ env, configPort: config?.gateway?.port, dev: input.dev })
  const url = envUrl ?? remoteUrl ?? `ws://127.0.0.1:${flagPort ?? port}`
  const source = envUrl !== undefined ? "env" : remote ? "remote-config" : "local-config"
  const target = (token: string | undefined, password: string | undefined): ClientTarget => ({ url, token, password, explicitUrl: false, source })
  if (explicit) return target(flagToken, flagPassword)
  const envToken = nonEmpty(env["OPENCLAW_GATEWAY_TOKEN"])
  const envPassword = nonEmpty(env["OPENCLAW_GATEWAY_PASSWORD"])
  if (envUrl !== undefined) return target(envToken, envPassword)
  const secret = (value: Parameters<typeof resolveSecret>[0]) => nonEmpty(resolveSecret(value, env).value)
  const localToken = secret(config?.gateway?.auth?.token)
  const localPassword = secret(config?.gateway?.auth?.password)
  const remoteToken = secret(config?.gateway?.remote?.token)
  const remotePassword = secret(config?.gateway?.remote?.password)
  return remote
    ? target(first(remoteToken, envToken, localToken), first(envPassword, remotePassword, localPassword))
    : target(
      first(localToken, envToken, config?.gateway?.auth?.token === undefined ? remoteToken : undefined),
      first(localPassword, envPassword, config?.gateway?.auth?.password === undefined && config?.gateway?.auth?.mode !== "trusted-proxy" ? remotePassword : undefined)
    )
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
