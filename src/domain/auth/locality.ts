import { forwardedClientIp } from "../net/forwardedFor.js"
import { ipInList, isLoopbackAddress, normalizeIp } from "../net/ip.js"
import { isPrivateHost } from "../browser/ssrf.js"
import { hostHeaderName, normalizeOrigin } from "../net/origin.js"
import { OriginNotAllowed } from "../protocol/errors.js"
import type { ResolvedAuth } from "./resolveAuth.js"
import type { SharedAuthResult } from "./connectAuth.js"

/** What the gateway knows about the socket's peer and its HTTP upgrade request. */
export interface PeerInfo {
  readonly ip: string
  readonly host: string | undefined
  readonly origin: string | undefined
  readonly headers: Readonly<Record<string, string | undefined>>
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"])

const FORWARDING = ["forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "x-forwarded-proto"]

/** The upgrade request carries proxy evidence (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`). */
export const hasForwardingHeaders = (peer: PeerInfo) => FORWARDING.some((h) => peer.headers[h] !== undefined)

/**
 * Local-direct: loopback peer, a local Host header, and no forwarding headers (spec 3.5). Through a trusted
 * proxy the caller is the client it forwards for (the same right-most-untrusted rule as the rate limiter):
 * local only when that client is loopback too.
 */
export const isLocalDirect = (peer: PeerInfo, trustedProxies: ReadonlyArray<string>, allowRealIpFallback: boolean = false): boolean => {
  if (!isLoopbackAddress(peer.ip)) return false
  const host = hostHeaderName(peer.host)
  if (host === undefined || !(LOCAL_HOSTS.has(host) || host.endsWith(".ts.net"))) return false
  if (!hasForwardingHeaders(peer)) return true
  if (!ipInList(peer.ip, trustedProxies)) return false
  const client = forwardedClientIp(forwardingOf(peer), trustedProxies, allowRealIpFallback)
  return client !== undefined && isLoopbackAddress(client)
}

const forwardingOf = (peer: PeerInfo) => ({ xForwardedFor: peer.headers["x-forwarded-for"], xRealIp: peer.headers["x-real-ip"] })

/**
 * The address to hold a connection to account for (rate limits): the peer itself, or, behind a trusted
 * proxy, the client it forwards for (`forwardedClientIp`), else the proxy.
 */
export const attributedClientIp = (peer: PeerInfo, trustedProxies: ReadonlyArray<string>, allowRealIpFallback: boolean): string => {
  if (!ipInList(peer.ip, trustedProxies)) return peer.ip
  return forwardedClientIp(forwardingOf(peer), trustedProxies, allowRealIpFallback) ?? peer.ip
}

/**
 * `x-openclaw-scopes` from a trusted proxy caps the session's scopes: only those listed survive
 * (present but empty leaves none); absent leaves them as they are.
 */
export const capScopesByHeader = (scopes: ReadonlyArray<string>, header: string | undefined): ReadonlyArray<string> => {
  if (header === undefined) return scopes
  const allowed = new Set(header.split(",").map((scope) => scope.trim()).filter((scope) => scope !== ""))
  return scopes.filter((scope) => allowed.has(scope))
}

/**
 * A local client for the browser-origin check (control-ui spec §4, as 2026.9.6 does it): a loopback peer
 * with no forwarding headers, or a trusted proxy forwarding for a loopback client. Unlike `isLocalDirect`,
 * the Host header is not consulted: a page opened as `http://gateway.local:18789` from this machine is local.
 */
export const isLocalClient = (peer: PeerInfo, trustedProxies: ReadonlyArray<string>, allowRealIpFallback: boolean = false): boolean => {
  if (!isLoopbackAddress(peer.ip)) return false
  if (!hasForwardingHeaders(peer)) return true
  if (!ipInList(peer.ip, trustedProxies)) return false
  const client = forwardedClientIp(forwardingOf(peer), trustedProxies, allowRealIpFallback)
  return client !== undefined && isLoopbackAddress(client)
}

/** `host[:port]` of a Host header as a URL would write it (lowercased, default port dropped). */
const hostOf = (host: string | undefined): string | undefined => {
  if (host === undefined || host.trim() === "") return undefined
  try {
    const url = new URL(`http://${host.trim()}`)
    return url.username === "" && url.password === "" && url.pathname === "/" ? url.host.toLowerCase() : undefined
  } catch {
    return undefined
  }
}

const isLoopbackName = (hostname: string) => hostname === "localhost" || hostname === "[::1]" || isLoopbackAddress(hostname.replace(/^\[|\]$/gu, ""))
const isIpLiteral = (hostname: string) => /^\d{1,3}(?:\.\d{1,3}){3}$/u.test(hostname) || hostname.startsWith("[")

/** A page served from this same host may connect: loopback (local clients only), private IPs, `*.local`, `*.ts.net`. */
const trustedSameOriginHost = (hostname: string, localClient: boolean) => {
  if (isLoopbackName(hostname)) return localClient
  if (isIpLiteral(hostname)) return isPrivateHost(hostname)
  return hostname.endsWith(".local") || hostname.endsWith(".ts.net")
}

/** The browser-origin check (control-ui spec §4), in the original's order; undefined when the origin may connect. */
export const checkOrigin = (input: {
  readonly peer: PeerInfo
  readonly allowedOrigins: ReadonlyArray<string>
  readonly hostHeaderFallback: boolean
  readonly localClient: boolean
}): OriginNotAllowed | undefined => {
  const fail = (reason: string) =>
    new OriginNotAllowed({
      message: "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)",
      reason
    })
  const origin = normalizeOrigin(input.peer.origin)
  if (origin === undefined) return fail("origin missing or invalid")
  if (input.allowedOrigins.some((allowed) => allowed.trim() === "*")) return undefined
  if (input.allowedOrigins.some((allowed) => normalizeOrigin(allowed) === origin)) return undefined
  const originUrl = new URL(origin)
  const requestHost = hostOf(input.peer.host)
  const sameHost = requestHost !== undefined && originUrl.host === requestHost
  if (input.hostHeaderFallback && sameHost) return undefined
  if (sameHost && trustedSameOriginHost(originUrl.hostname, input.localClient)) return undefined
  if (input.localClient && isLoopbackName(originUrl.hostname)) return undefined
  return fail("origin not allowed")
}

/** Trusted-proxy identity check (spec 3.1): the proxy's peer address, required headers and user. */
export const checkTrustedProxy = (auth: ResolvedAuth, peer: PeerInfo, localAddresses: ReadonlyArray<string>): SharedAuthResult => {
  const tp = auth.trustedProxy
  if (tp === undefined || !ipInList(peer.ip, auth.trustedProxies)) return { ok: false, reason: "trusted_proxy_untrusted_source", presented: false }
  if (isLoopbackAddress(peer.ip)) {
    if (!tp.allowLoopback) return { ok: false, reason: "trusted_proxy_loopback_source", presented: false }
  } else if (localAddresses.includes(normalizeIp(peer.ip))) {
    // A non-loopback source that is one of our own addresses could be any local process: a spoof guard.
    return { ok: false, reason: "trusted_proxy_local_interface_source", presented: false }
  }
  for (const header of tp.requiredHeaders) {
    const value = peer.headers[header.toLowerCase()]
    if (value === undefined || value.trim() === "") return { ok: false, reason: `trusted_proxy_missing_header_${header.toLowerCase()}`, presented: false }
  }
  const user = peer.headers[tp.userHeader.toLowerCase()]?.trim()
  if (user === undefined || user === "") return { ok: false, reason: "trusted_proxy_user_missing", presented: false }
  if (tp.allowUsers.length > 0 && !tp.allowUsers.includes(user)) return { ok: false, reason: "trusted_proxy_user_not_allowed", presented: true }
  return { ok: true, method: "trusted-proxy", user }
}
