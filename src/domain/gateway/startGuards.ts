import { Schema } from "effect"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { hasNetworkAuth, type ResolvedAuth } from "../auth/resolveAuth.js"

/** `gateway run` refused to start; `exitCode` is 78 for configuration refusals (mode, auth, bind, invalid config, service-mode guards), else 1. */
export class GatewayStartBlocked extends Schema.TaggedError<GatewayStartBlocked>()("GatewayStartBlocked", {
  code: Schema.Literal(
    "GATEWAY_CONFIG_MISSING",
    "GATEWAY_MODE_NOT_LOCAL",
    "GATEWAY_MODE_MISSING",
    "GATEWAY_AUTH_SECRET_MISSING",
    "GATEWAY_AUTH_AMBIGUOUS",
    "GATEWAY_BIND_WITHOUT_AUTH",
    "GATEWAY_BIND_UNAVAILABLE",
    "GATEWAY_INVALID_OPTION",
    "GATEWAY_CONFIG_INVALID",
    "GATEWAY_LOCKED",
    "GATEWAY_PORT_IN_USE",
    "GATEWAY_BIND_FAILED",
    "GATEWAY_ALREADY_RUNNING"
  ),
  message: Schema.String,
  exitCode: Schema.Number
}) {}

export type BindMode = "loopback" | "lan" | "tailnet" | "auto" | "custom"

const BIND_MODES: ReadonlyArray<string> = ["loopback", "lan", "tailnet", "auto", "custom"]

const blocked = (code: GatewayStartBlocked["code"], message: string, exitCode = 1) => new GatewayStartBlocked({ code, message, exitCode })

/**
 * A refusal caused by the configuration (mode, auth, bind): exit 78 (EX_CONFIG) like the original, so a
 * supervisor with `RestartPreventExitStatus=78` stops instead of restart-looping on a config problem.
 */
const configBlocked = (code: GatewayStartBlocked["code"], message: string) => blocked(code, message, 78)

/** Validates `--port` and `--bind` flag values. */
export const checkRunFlags = (flags: { readonly port?: string | undefined; readonly bind?: string | undefined }) => {
  if (flags.port !== undefined && !(/^\d+$/.test(flags.port) && Number(flags.port) >= 1 && Number(flags.port) <= 65535)) {
    return blocked("GATEWAY_INVALID_OPTION", "Invalid port")
  }
  if (flags.bind !== undefined && !BIND_MODES.includes(flags.bind)) {
    return blocked("GATEWAY_INVALID_OPTION", "Invalid --bind (use \"loopback\", \"lan\", \"tailnet\", \"auto\", or \"custom\")")
  }
  return undefined
}

/** gateway.mode must be local (spec section 6, step 2), unless `--allow-unconfigured`. */
export const checkMode = (input: { readonly exists: boolean; readonly config: OpenClawConfig; readonly allowUnconfigured: boolean }) => {
  if (input.allowUnconfigured) return undefined
  if (!input.exists) return configBlocked("GATEWAY_CONFIG_MISSING", "Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).")
  const mode = input.config.gateway?.mode
  if (mode === "remote") return configBlocked("GATEWAY_MODE_NOT_LOCAL", "Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.")
  if (mode === undefined) return configBlocked(
      "GATEWAY_MODE_MISSING",
      "Gateway start blocked: existing config is missing gateway.mode. Treat this as suspicious or clobbered config: run `openclaw doctor --fix` to restore it from the last-known-good copy (it names the command to run when there is none), set it with `openclaw config set gateway.mode local` or `openclaw onboard --mode local`, or pass --allow-unconfigured."
    )
  return undefined
}

/** The bind when neither `--bind` nor `gateway.bind` says: `auto` in a container (port forwarding), else loopback. */
export const defaultBindMode = (inContainer: boolean): BindMode => (inContainer ? "auto" : "loopback")

/**
 * The host to listen on for a bind mode; `auto` is all interfaces in a container, else loopback;
 * tailnet needs Tailscale, which this host does not offer.
 */
export const bindHostFor = (bind: BindMode, customBindHost: string | undefined, inContainer = false) => {
  switch (bind) {
    case "loopback":
      return "127.0.0.1"
    case "auto":
      return inContainer ? "0.0.0.0" : "127.0.0.1"
    case "lan":
      return "0.0.0.0"
    case "custom":
      return customBindHost === undefined || customBindHost.trim() === ""
        ? blocked("GATEWAY_INVALID_OPTION", "gateway.bind=custom needs gateway.customBindHost (an IPv4 address).")
        : customBindHost.trim()
    case "tailnet":
      return blocked("GATEWAY_BIND_UNAVAILABLE", "gateway.bind=tailnet is not available on this host (no Tailscale interface found); use loopback, lan or custom.")
  }
}

/** Auth guards of spec section 6, step 3: a chosen mode needs its secret; off loopback needs auth. */
export const checkAuth = (input: {
  readonly auth: ResolvedAuth
  readonly explicitMode: boolean
  readonly bind: BindMode
  readonly bindHost: string
  readonly legacyTokenPresent: boolean
  readonly inContainer?: boolean | undefined
}) => {
  const { auth } = input
  if (!input.explicitMode && auth.token !== undefined && auth.password !== undefined && auth.source !== "flag") {
    return configBlocked("GATEWAY_AUTH_AMBIGUOUS", "Gateway auth has both a token and a password configured; set gateway.auth.mode to \"token\" or \"password\".")
  }
  if (auth.mode === "token" && auth.token === undefined && input.explicitMode) {
    return configBlocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to token, but no token is configured.\nSet gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or pass --token.")
  }
  if (auth.mode === "password" && auth.password === undefined) {
    return configBlocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to password, but no password is configured.\nSet gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password.")
  }
  if (auth.mode === "trusted-proxy" && auth.trustedProxies.length === 0) {
    return configBlocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to trusted-proxy, but gateway.trustedProxies is empty.\nList the proxy addresses in gateway.trustedProxies.")
  }
  if (auth.mode === "trusted-proxy" && auth.token !== undefined && auth.source !== "env") {
    return configBlocked("GATEWAY_AUTH_AMBIGUOUS", "Gateway auth is set to trusted-proxy, but a shared token is also configured; remove gateway.auth.token.")
  }
  const loopback = input.bindHost === "127.0.0.1" || input.bindHost === "::1" || input.bindHost === "localhost"
  if (!loopback && !hasNetworkAuth(auth)) {
    const lines = [
      `Refusing to bind gateway to ${input.bind} without auth.`,
      ...(input.inContainer === true
        ? [
          "Container environment detected — the gateway defaults to bind=auto (0.0.0.0) for port-forwarding compatibility.",
          "Set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD, or pass --token/--password to start with auth."
        ]
        : ["Set gateway.auth.token/password (or OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD) or pass --token/--password."])
    ]
    if (input.legacyTokenPresent) lines.push("Found legacy gateway.token: move it to gateway.auth.token (openclaw doctor --fix does this).")
    return configBlocked("GATEWAY_BIND_WITHOUT_AUTH", lines.join("\n"))
  }
  return undefined
}
