import { Schema } from "effect"
import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { hasNetworkAuth, type ResolvedAuth } from "../auth/resolveAuth.js"

/** `gateway run` refused to start; `exitCode` is 1 for blocked starts, 78 for invalid config or service-mode guards. */
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
    "GATEWAY_BIND_FAILED"
  ),
  message: Schema.String,
  exitCode: Schema.Number
}) {}

export type BindMode = "loopback" | "lan" | "tailnet" | "auto" | "custom"

const BIND_MODES: ReadonlyArray<string> = ["loopback", "lan", "tailnet", "auto", "custom"]

const blocked = (code: GatewayStartBlocked["code"], message: string, exitCode = 1) => new GatewayStartBlocked({ code, message, exitCode })

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
  if (!input.exists) return blocked("GATEWAY_CONFIG_MISSING", "Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).")
  const mode = input.config.gateway?.mode
  if (mode === "remote") return blocked("GATEWAY_MODE_NOT_LOCAL", "Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.")
  if (mode === undefined) return blocked("GATEWAY_MODE_MISSING", "Gateway start blocked: existing config is missing gateway.mode.")
  return undefined
}

/** The host to listen on for a bind mode; tailnet needs Tailscale, which this host does not offer. */
export const bindHostFor = (bind: BindMode, customBindHost: string | undefined) => {
  switch (bind) {
    case "loopback":
      return "127.0.0.1"
    case "lan":
    case "auto":
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
}) => {
  const { auth } = input
  if (!input.explicitMode && auth.token !== undefined && auth.password !== undefined && auth.source !== "flag") {
    return blocked("GATEWAY_AUTH_AMBIGUOUS", "Gateway auth has both a token and a password configured; set gateway.auth.mode to \"token\" or \"password\".")
  }
  if (auth.mode === "token" && auth.token === undefined && input.explicitMode) {
    return blocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to token, but no token is configured.\nSet gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or pass --token.")
  }
  if (auth.mode === "password" && auth.password === undefined) {
    return blocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to password, but no password is configured.\nSet gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password.")
  }
  if (auth.mode === "trusted-proxy" && auth.trustedProxies.length === 0) {
    return blocked("GATEWAY_AUTH_SECRET_MISSING", "Gateway auth is set to trusted-proxy, but gateway.trustedProxies is empty.\nList the proxy addresses in gateway.trustedProxies.")
  }
  if (auth.mode === "trusted-proxy" && auth.token !== undefined && auth.source !== "env") {
    return blocked("GATEWAY_AUTH_AMBIGUOUS", "Gateway auth is set to trusted-proxy, but a shared token is also configured; remove gateway.auth.token.")
  }
  const loopback = input.bindHost === "127.0.0.1" || input.bindHost === "::1" || input.bindHost === "localhost"
  if (!loopback && !hasNetworkAuth(auth)) {
    const lines = [
      `Refusing to bind gateway to ${input.bind} without auth.`,
      "Set gateway.auth.token/password (or OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD) or pass --token/--password."
    ]
    if (input.legacyTokenPresent) lines.push("Found legacy gateway.token: move it to gateway.auth.token (openclaw doctor --fix does this).")
    return blocked("GATEWAY_BIND_WITHOUT_AUTH", lines.join("\n"))
  }
  return undefined
}
