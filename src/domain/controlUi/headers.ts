import { createHash } from "node:crypto"

/** Header sets of Control UI responses and of the gateway's other routes (spec control-ui §1.3). */

export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"

/** `sha256-<base64>` of each inline `<script>` (no `src`, non-empty), as the CSP lists them. */
export const inlineScriptHashes = (html: string): ReadonlyArray<string> => {
  const hashes: Array<string> = []
  const re = /<script(?:\s[^>]*)?>([^]*?)<\/script>/giu
  for (const match of html.matchAll(re)) {
    const openTag = match[0].slice(0, match[0].indexOf(">") + 1)
    const hasSrc = Array.from(openTag.matchAll(/\s([^\s=/>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/gu)).some((attr) => attr[1]?.toLowerCase() === "src")
    const content = match[1]
    if (hasSrc || content === undefined || content === "") continue
    hashes.push(`sha256-${createHash("sha256").update(content, "utf8").digest("base64")}`)
  }
  return hashes
}

/** The `<Host>` pair of connect-src: the request Host's hostname, when it is a bare host[:port]. */
const hostConnectSources = (host: string | undefined): ReadonlyArray<string> => {
  if (host === undefined || host === "") return []
  try {
    const parsed = new URL(`http://${host}`)
    if (parsed.username !== "" || parsed.password !== "" || parsed.pathname !== "/" || parsed.search !== "" || parsed.hash !== "" || parsed.hostname === "") return []
    return [`http://${parsed.hostname}:*`, `https://${parsed.hostname}:*`]
  } catch {
    return []
  }
}

export const controlUiCsp = (options: { readonly inlineScriptHashes?: ReadonlyArray<string>; readonly allowWasm?: boolean; readonly host?: string | undefined } = {}): string => {
  const script = ["'self'", ...(options.inlineScriptHashes ?? []).map((hash) => `'${hash}'`), ...(options.allowWasm === true ? ["'wasm-unsafe-eval'"] : [])]
  const connect = ["'self'", "ws:", "wss:", "data:", "https://api.openai.com", "https://tweakcn.com", ...hostConnectSources(options.host)]
  return [
    "default-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "frame-src 'self' http: https:",
    `script-src ${script.join(" ")}`,
    "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
    "img-src 'self' data: blob: https:",
    "media-src 'self' data: blob:",
    "font-src 'self' https://fonts.gstatic.com",
    "worker-src 'self'",
    `connect-src ${connect.join(" ")}`
  ].join("; ")
}

/** On every Control UI response (the CSP without hashes; HTML documents replace it). */
export const controlUiSecurityHeaders = (): Readonly<Record<string, string>> => ({
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": controlUiCsp(),
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(self), microphone=*, geolocation=*, clipboard-write=*"
})

/** On the gateway's own routes (`/healthz`, `/api/*`, 404s outside the UI). */
export const gatewayRouteSecurityHeaders: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(self), geolocation=()"
}

/** Last-Modified in whole seconds and never in the future (a clock-skewed file would never revalidate). */
export const lastModifiedMs = (mtimeMs: number, nowMs: number) => Math.floor(Math.min(mtimeMs, nowMs) / 1000) * 1000

/**
 * 304 without entity tags: `If-None-Match: *` (any other If-None-Match disables the date check), or an
 * `If-Modified-Since` at or after the file's second. A date in the future is ignored.
 */
export const isUnmodified = (input: { readonly ifNoneMatch: string | undefined; readonly ifModifiedSince: string | undefined; readonly lastModifiedMs: number; readonly nowMs: number }): boolean => {
  if (input.ifNoneMatch !== undefined) return input.ifNoneMatch.trim() === "*"
  if (input.ifModifiedSince === undefined) return false
  const since = Date.parse(input.ifModifiedSince)
  if (!Number.isFinite(since) || since > input.nowMs) return false
  return Math.floor(input.lastModifiedMs / 1000) * 1000 <= since
}
