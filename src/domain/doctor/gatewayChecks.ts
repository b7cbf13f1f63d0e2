import { resolveSecret } from "../auth/resolveAuth.js"
import { substituteEnv } from "../config/envSubstitution.js"
import { CheckId } from "./checks.js"
import type { Finding } from "./Finding.js"
import { GATEWAY_MODE_UNSET } from "./messages.js"
import { gatewayModeFix, type RestorableMode } from "./modeRestore.js"
import { redactCommandLine } from "../text/redactCommandLine.js"
import { formatConnection, type GatewayConnection } from "../net/procNetTcp.js"
import { type BindMode, bindHostFor, defaultBindMode } from "../gateway/startGuards.js"
import { isRecord } from "../isRecord.js"

type Env = Readonly<Record<string, string | undefined>>

/** The gateway settings doctor needs, read defensively so an invalid config still gets checked. */
export interface GatewayView {
  readonly mode: string | undefined
  readonly port: number | undefined
  readonly bind: string | undefined
  readonly customBindHost: string | undefined
  readonly authMode: string | undefined
  /** `gateway.auth.token` as written: a string, a SecretRef object, or undefined. */
  readonly token: unknown
  readonly password: unknown
}

const str = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined)

/** Reads `gateway.*` from a parsed config after `${VAR}` substitution (best effort: wrong types read as unset). */
export const gatewayViewOf = (authored: unknown, env: Env): GatewayView => {
  const config = substituteEnv(authored, env).value
  const gateway = isRecord(config) && isRecord(config["gateway"]) ? config["gateway"] : {}
  const auth = isRecord(gateway["auth"]) ? gateway["auth"] : {}
  const port = gateway["port"]
  return {
    mode: str(gateway["mode"]),
    port: typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
    bind: str(gateway["bind"]),
    customBindHost: str(gateway["customBindHost"]),
    authMode: str(auth["mode"]),
    token: auth["token"],
    password: auth["password"]
  }
}

/** A SecretRef-shaped object (`{source, provider, id}`). */
export const isSecretRef = (value: unknown): value is { readonly source: string; readonly provider: string; readonly id: string } =>
  isRecord(value) && typeof value["source"] === "string" && typeof value["provider"] === "string" && typeof value["id"] === "string"

const secretInput = (value: unknown) => (typeof value === "string" || isSecretRef(value) ? value : undefined)

/**
 * `core/doctor/gateway-config`: gateway.mode is set (else how to get it back: from a backup that has
 * it, or the command that sets it); token and password are not both set without a mode.
 */
export const gatewayConfigFindings = (view: GatewayView, restorable?: RestorableMode): ReadonlyArray<Finding> => {
  const findings: Array<Finding> = []
  if (view.mode === undefined) {
    findings.push({ checkId: CheckId.gatewayConfig, severity: "warning", message: GATEWAY_MODE_UNSET, path: "gateway.mode", fixHint: gatewayModeFix(restorable) })
  }
  if (view.mode !== "remote" && view.authMode === undefined && view.token !== undefined && view.password !== undefined) {
    findings.push({
      checkId: CheckId.gatewayConfig,
      severity: "warning",
      message: "gateway.auth.token and gateway.auth.password are both configured while gateway.auth.mode is unset; auth selection is ambiguous.",
      path: "gateway.auth.mode",
      fixHint: "Set an explicit mode: `openclaw config set gateway.auth.mode token` or `... password`."
    })
  }
  return findings
}

/** What the gateway-auth check decided: fine, no token at all, or a SecretRef that does not resolve. */
export type TokenState = "ok" | "missing" | "secret-ref-unavailable" | "not-token-mode"

/**
 * Whether a local gateway in token mode (explicit, or inferred when no password is set) has a usable
 * token from `gateway.auth.token` or `OPENCLAW_GATEWAY_TOKEN`. A remote-mode CLI checks nothing here.
 */
export const tokenState = (view: GatewayView, env: Env): TokenState => {
  if (view.mode === "remote") return "not-token-mode"
  const password = resolveSecret(secretInput(view.password), env).value ?? str(env["OPENCLAW_GATEWAY_PASSWORD"])
  const mode = view.authMode ?? (password !== undefined ? "password" : "token")
  if (mode !== "token") return "not-token-mode"
  if (isSecretRef(view.token)) return resolveSecret(view.token, env).value === undefined ? "secret-ref-unavailable" : "ok"
  const token = resolveSecret(secretInput(view.token), env).value ?? str(env["OPENCLAW_GATEWAY_TOKEN"])
  return token === undefined ? "missing" : "ok"
}

/**
 * A shell `OPENCLAW_GATEWAY_TOKEN` that differs from the configured `gateway.auth.token`: local clients
 * and the service use the config, but env-URL and node-host targets still send the stale value.
 */
export const envTokenConflict = (view: GatewayView, env: Env): Finding | undefined => {
  const envToken = str(env["OPENCLAW_GATEWAY_TOKEN"])
  if (envToken === undefined || env["OPENCLAW_SERVICE_KIND"]?.trim() === "gateway" || view.mode === "remote") return undefined
  if (view.authMode === "password" || view.authMode === "none" || view.authMode === "trusted-proxy") return undefined
  if (isSecretRef(view.token) && view.token.source === "env" && view.token.id === "OPENCLAW_GATEWAY_TOKEN") return undefined
  const configured = isSecretRef(view.token) ? resolveSecret(view.token, env).value : str(secretInput(view.token) as string | undefined)
  if (!isSecretRef(view.token) && configured === undefined) return undefined
  if (configured === envToken) return undefined
  return {
    checkId: CheckId.gatewayAuth,
    severity: "warning",
    message: "OPENCLAW_GATEWAY_TOKEN conflicts with gateway.auth.token: OPENCLAW_GATEWAY_TOKEN is set while gateway.auth.token uses a different configured source. Configured local Gateway clients and the managed gateway service prefer gateway.auth.token; environment credentials remain active for explicit environment URL and node-host targets.",
    path: "gateway.auth.token",
    fixHint: "Remove OPENCLAW_GATEWAY_TOKEN from the shell, ~/.openclaw/.env, or launchctl env if gateway.auth.token is intended, or point gateway.auth.token at ${OPENCLAW_GATEWAY_TOKEN} if the env var should be canonical."
  }
}

const BIND_MODES: ReadonlyArray<string> = ["loopback", "lan", "tailnet", "auto", "custom"]

/** Whether a connecting client could authenticate: a resolvable token or password for its mode, or a trusted proxy. */
const hasSharedSecret = (view: GatewayView, env: Env) => {
  if (view.authMode === "trusted-proxy") return true
  if (view.authMode === "none") return false
  const password = resolveSecret(secretInput(view.password), env).value ?? str(env["OPENCLAW_GATEWAY_PASSWORD"])
  if (view.authMode === "password" || (view.authMode === undefined && password !== undefined)) return password !== undefined
  return tokenState(view, env) === "ok"
}

/**
 * `gateway run` refuses a non-loopback bind without auth (exit 78): say so before the user finds out
 * from a start that fails. In a container no `gateway.bind` means `auto`, which is all interfaces.
 */
export const bindWithoutAuthFinding = (view: GatewayView, env: Env, inContainer: boolean): Finding | undefined => {
  if (view.mode === "remote") return undefined
  const bind = (view.bind !== undefined && BIND_MODES.includes(view.bind) ? view.bind : defaultBindMode(inContainer)) as BindMode
  const host = bindHostFor(bind, view.customBindHost, inContainer)
  if (typeof host !== "string" || host === "127.0.0.1" || host === "::1" || host === "localhost") return undefined
  if (hasSharedSecret(view, env)) return undefined
  return {
    checkId: CheckId.gatewayAuth,
    severity: "error",
    message: `Refusing to bind gateway to ${bind} without auth: \`openclaw gateway run\` will not start${view.bind === undefined && inContainer ? " (in a container the default bind is auto, all interfaces)" : ""}.`,
    path: view.bind === undefined ? "gateway.auth" : "gateway.bind",
    fixHint: "Run `openclaw doctor --fix --generate-gateway-token` to generate a token, or bind to loopback with `openclaw config set gateway.bind loopback`."
  }
}

/**
 * `core/doctor/gateway-auth`: a bind the gateway would refuse (error), token mode without a token, a
 * shell token that disagrees with the config.
 */
export const gatewayAuthFindings = (view: GatewayView, env: Env, inContainer = false): ReadonlyArray<Finding> => {
  const conflict = envTokenConflict(view, env)
  const refused = bindWithoutAuthFinding(view, env, inContainer)
  // The refusal already says the token is missing, with the same fix.
  const tokens = refused === undefined ? tokenFindings(view, env) : []
  return [...(conflict === undefined ? [] : [conflict]), ...(refused === undefined ? [] : [refused]), ...tokens]
}

const tokenFindings = (view: GatewayView, env: Env): ReadonlyArray<Finding> => {
  switch (tokenState(view, env)) {
    case "missing":
      return [{
        checkId: CheckId.gatewayAuth,
        severity: "warning",
        message: "Gateway auth is off or missing a token.",
        path: "gateway.auth",
        fixHint: "Run `openclaw doctor --fix --generate-gateway-token` to generate a token."
      }]
    case "secret-ref-unavailable":
      return [{
        checkId: CheckId.gatewayAuth,
        severity: "warning",
        message: "Gateway token is managed via SecretRef and is currently unavailable.",
        path: "gateway.auth.token",
        fixHint: "Resolve or rotate the external secret source, then rerun doctor."
      }]
    default:
      return []
  }
}

/** What probing the configured port found. */
export interface PortProbe {
  readonly port: number
  /** Something accepts TCP connections on the port. */
  readonly listening: boolean
  /** It answered `/healthz` like a gateway. */
  readonly gateway: boolean
  /** Listening processes, where the OS lets us see them. */
  readonly owners: ReadonlyArray<{ readonly pid: number; readonly command: string }>
}


/** `core/doctor/gateway-port`: the port is taken by something that is not a reachable gateway. */
export const gatewayPortFindings = (probe: PortProbe): ReadonlyArray<Finding> => {
  if (!probe.listening || probe.gateway) return []
  const owners = probe.owners.map((owner) => `pid ${owner.pid}: ${redactCommandLine(owner.command)}`).join("; ")
  return [{
    checkId: CheckId.gatewayPort,
    severity: "error",
    message: `Gateway port ${probe.port} is already in use by another process${owners === "" ? "" : ` (${owners})`}; the gateway cannot start on it.`,
    path: "gateway.port",
    fixHint: "Stop the process holding the port, or choose another port with `openclaw config set gateway.port <port>`."
  }]
}

/** `doctor --deep`: local processes connected to the gateway port, so a stale client after a rollback can be stopped. */
export const gatewayClientFindings = (port: number, connections: ReadonlyArray<GatewayConnection>): ReadonlyArray<Finding> => {
  if (connections.length === 0) return []
  const shown = connections.slice(0, 8).map(formatConnection)
  const more = connections.length > 8 ? [`... ${connections.length - 8} more connection(s)`] : []
  return [{
    checkId: CheckId.gatewayPort,
    severity: "info",
    message: `Gateway clients: Established Gateway TCP clients detected on port ${port}: ${[...shown, ...more].join("; ")}`,
    fixHint: "If logs show protocol mismatch after rollback, stop stale OpenClaw client processes listed here and rerun doctor."
  }]
}
