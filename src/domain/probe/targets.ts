import { resolveSecret } from "../auth/resolveAuth.js"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { nonEmpty } from "../text/nonEmpty.js"

/** Where a probe connects, with the credentials that belong to that route. */
export interface ProbeTarget {
  readonly id: "explicit" | "sshTunnel" | "configRemote" | "localLoopback"
  readonly kind: "explicit" | "sshTunnel" | "configRemote" | "localLoopback"
  readonly label: string
  readonly url: string
  readonly active: boolean
  readonly token: string | undefined
  readonly password: string | undefined
  /** Config-derived routes may reuse the cached device token; explicit URLs never do. */
  readonly storedToken: boolean
  /** SecretRefs that could not be resolved for this target's credentials. */
  readonly unresolved: ReadonlyArray<string>
}

/**
 * The targets of spec 10 in priority order: `--url` (explicit), the SSH tunnel, the configured remote
 * (inactive unless `gateway.mode=remote`), and always local loopback. A `--port` without `--url`
 * probes only loopback on that port.
 */
export const probeTargets = (input: {
  readonly flags: { readonly url?: string | undefined; readonly token?: string | undefined; readonly password?: string | undefined; readonly port?: number | undefined }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly config: OpenClawConfig | undefined
  readonly loopbackPort: number
  readonly sshTunnelUrl?: string | undefined
}): ReadonlyArray<ProbeTarget> => {
  const { flags, env, config } = input
  const gateway = config?.gateway
  const remoteMode = gateway?.mode === "remote"
  const flagToken = nonEmpty(flags.token)
  const flagPassword = nonEmpty(flags.password)
  const localToken = resolveSecret(gateway?.auth?.token, env)
  const localPassword = resolveSecret(gateway?.auth?.password, env)
  const remoteToken = resolveSecret(gateway?.remote?.token, env)
  const remotePassword = resolveSecret(gateway?.remote?.password, env)
  const unresolvedOf = (...refs: ReadonlyArray<string | undefined>) => refs.filter((r): r is string => r !== undefined)
  const targets: Array<ProbeTarget> = []
  const explicitUrl = nonEmpty(flags.url)
  if (explicitUrl !== undefined) {
    targets.push({ id: "explicit", kind: "explicit", label: "URL (explicit)", url: explicitUrl, active: true, token: flagToken, password: flagPassword, storedToken: false, unresolved: [] })
  }
  // Explicit --token/--password are used alone; otherwise each route takes the original's probe
  // precedence: remote routes only the remote token (env first for the password), loopback config-first.
  const explicitCreds = flagToken !== undefined || flagPassword !== undefined
  const envToken = nonEmpty(env["OPENCLAW_GATEWAY_TOKEN"])
  const envPassword = nonEmpty(env["OPENCLAW_GATEWAY_PASSWORD"])
  const remoteCreds = {
    token: explicitCreds ? flagToken : remoteToken.value,
    password: explicitCreds ? flagPassword : envPassword ?? remotePassword.value ?? localPassword.value,
    unresolved: explicitCreds ? [] : unresolvedOf(remoteToken.unresolved, remotePassword.unresolved)
  }
  if (input.sshTunnelUrl !== undefined) {
    targets.push({ id: "sshTunnel", kind: "sshTunnel", label: "Remote over SSH", url: input.sshTunnelUrl, active: true, ...remoteCreds, storedToken: true })
  }
  const remoteUrl = nonEmpty(gateway?.remote?.url)
  const portOnly = flags.port !== undefined && explicitUrl === undefined
  if (remoteUrl !== undefined && !portOnly) {
    targets.push({
      id: "configRemote",
      kind: "configRemote",
      label: remoteMode ? "Remote (configured)" : "Remote (configured, inactive)",
      url: remoteUrl,
      active: remoteMode,
      ...remoteCreds,
      storedToken: true
    })
  }
  targets.push({
    id: "localLoopback",
    kind: "localLoopback",
    label: "Local loopback",
    url: `ws://127.0.0.1:${input.loopbackPort}`,
    active: !remoteMode || explicitUrl !== undefined,
    ...(explicitCreds && explicitUrl === undefined
      ? { token: flagToken, password: flagPassword }
      : { token: localToken.value ?? envToken, password: localPassword.value ?? envPassword }),
    storedToken: true,
    unresolved: unresolvedOf(localToken.unresolved, localPassword.unresolved)
  })
  // One route probed once: an explicit URL that is the loopback URL is not a second target.
  return targets.filter((t, i) => targets.findIndex((o) => o.url === t.url) === i)
}
