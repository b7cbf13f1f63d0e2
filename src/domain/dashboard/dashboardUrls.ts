import type { OpenClawConfig } from "../config/ConfigSchema.js"
import { normalizeBasePath } from "../controlUi/routing.js"

/** Where the Control UI lives, and the launch URL carrying the shared token in its fragment. */
export interface DashboardUrls {
  readonly httpUrl: string
  readonly wsUrl: string
  readonly port: number
  /** `httpUrl#token=<token>` when a plain token can be shared; else `httpUrl`. */
  readonly url: string
  readonly tokenIncluded: boolean
}

/**
 * Browsers need a concrete, secure-context host: wildcard and plaintext non-loopback binds open on
 * 127.0.0.1. Only a plain-string config token (or `OPENCLAW_GATEWAY_TOKEN`) goes into the fragment;
 * a SecretRef-managed token never does.
 */
export const dashboardUrls = (config: OpenClawConfig | undefined, env: Readonly<Record<string, string | undefined>>, port: number): DashboardUrls => {
  const basePath = normalizeBasePath(config?.gateway?.controlUi?.basePath)
  const httpUrl = `http://127.0.0.1:${port}${basePath}/`
  const configured = config?.gateway?.auth?.token
  const token = typeof configured === "string" && configured.trim() !== ""
    ? configured.trim()
    : configured === undefined ? env["OPENCLAW_GATEWAY_TOKEN"]?.trim() || undefined : undefined
  const tokenMode = (config?.gateway?.auth?.mode ?? "token") === "token"
  const tokenIncluded = tokenMode && token !== undefined
  return {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}${basePath}`,
    port,
    url: tokenIncluded ? `${httpUrl}#token=${encodeURIComponent(token)}` : httpUrl,
    tokenIncluded
  }
}

/**
 * Remote mode: the Control UI of the gateway at `gateway.remote.url` (ws -> http, wss -> https), with
 * the plain-string `gateway.remote.token` in the browser's fragment; undefined for a URL that does not parse.
 */
export const remoteDashboardUrls = (remoteUrl: string, config: OpenClawConfig | undefined): DashboardUrls | undefined => {
  let parsed: URL
  try {
    parsed = new URL(remoteUrl)
  } catch {
    return undefined
  }
  const secure = parsed.protocol === "wss:" || parsed.protocol === "https:"
  const port = parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port)
  const httpUrl = `${secure ? "https" : "http"}://${parsed.host}${parsed.pathname.endsWith("/") ? parsed.pathname : `${parsed.pathname}/`}`
  const configured = config?.gateway?.remote?.token
  const token = typeof configured === "string" && configured.trim() !== "" ? configured.trim() : undefined
  return { httpUrl, wsUrl: remoteUrl, port, url: token === undefined ? httpUrl : `${httpUrl}#token=${encodeURIComponent(token)}`, tokenIncluded: token !== undefined }
}
