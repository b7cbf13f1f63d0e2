import * as path from "node:path"

/**
 * Which HTTP requests the Control UI answers, and which file a path names (spec control-ui §1.1, §1.2).
 * Pure string work, shaped after the original's `control-ui-routing.ts` and `control-ui.ts`.
 */

/** `""` or a leading-slash prefix without a trailing slash; `"/"` and blanks mean no prefix. */
export const normalizeBasePath = (basePath: string | undefined): string => {
  const value = basePath?.trim() ?? ""
  if (value === "" || value === "/") return ""
  const withSlash = value.startsWith("/") ? value : `/${value}`
  return withSlash.endsWith("/") ? withSlash.slice(0, -1) : withSlash
}

export type ControlUiRoute =
  | { readonly kind: "not-control-ui" }
  | { readonly kind: "not-found" }
  | { readonly kind: "redirect"; readonly location: string }
  | { readonly kind: "config" }
  | { readonly kind: "serve"; readonly spaFallback: boolean }

/** Probe routes and their namespaces belong to the gateway itself (`/healthz`, `/readyz/...`). */
export const PROBE_PATHS = ["/health", "/healthz", "/ready", "/readyz", "/startup", "/startupz"] as const

/** Gateway-owned prefixes the UI never shadows (worker, MCP app, transfer routes, APIs). */
const GATEWAY_PREFIXES = ["/api", "/j", "/v1", "/__openclaw__/mcp-app", "/__openclaw__/worker", "/__openclaw__/worker-bundle", "/__openclaw__/worker-transfer", "/__openclaw__/worker-bootstrap"]

const under = (pathname: string, root: string) => pathname === root || pathname.startsWith(`${root}/`)

export const isReadMethod = (method: string | undefined) => method === "GET" || method === "HEAD"

/** The runtime-config endpoint and its legacy aliases under a base path. */
export const isConfigPath = (pathname: string, basePath: string) =>
  pathname === `${basePath}/control-ui-config.json` ||
  pathname === `${basePath}/__openclaw/control-ui-config.json` ||
  (basePath === "" && pathname === "/__openclaw__/control-ui-config.json")

/** First match wins, in the original's order. */
export const classifyControlUiRequest = (input: {
  readonly basePath: string
  readonly pathname: string
  readonly search: string
  readonly method: string | undefined
  readonly accept: string | undefined
}): ControlUiRoute => {
  const { basePath, pathname, method } = input
  const pluginManager = isReadMethod(method) && (pathname === `${basePath}/settings/plugins` || pathname === `${basePath}/settings/plugins/`)
  const spaFallback = pluginManager || acceptsHtml(input.accept)
  if (basePath === "") {
    if (under(pathname, "/ui")) return { kind: "not-found" }
    if (PROBE_PATHS.some((probe) => under(pathname, probe))) return { kind: "not-control-ui" }
    if (GATEWAY_PREFIXES.some((prefix) => under(pathname, prefix))) return { kind: "not-control-ui" }
    // No plugins run here, so only the plugin manager's own list page is a UI document.
    if (under(pathname, "/plugins") && !((pathname === "/plugins" || pathname === "/plugins/") && isReadMethod(method) && spaFallback)) {
      return { kind: "not-control-ui" }
    }
    if (!isReadMethod(method)) return { kind: "not-control-ui" }
  } else {
    if (!under(pathname, basePath)) return { kind: "not-control-ui" }
    if (!isReadMethod(method)) return { kind: "not-control-ui" }
    if (pathname === basePath) return { kind: "redirect", location: `${basePath}/${input.search}` }
  }
  if (isConfigPath(pathname, basePath)) return { kind: "config" }
  // Public session previews need shared sessions, which this gateway does not have: nothing to preview.
  if (under(pathname, `${basePath}/share`) && pathname !== `${basePath}/share/card.png`) return { kind: "not-found" }
  return { kind: "serve", spaFallback }
}

/** Root files of the UI build, served under any mount (and under `/__openclaw__/`). */
export const ROOT_PUBLIC_ASSETS = ["apple-touch-icon.png", "favicon-32.png", "favicon.ico", "favicon.svg", "manifest.webmanifest", "sw.js"] as const

export const isRootPublicAsset = (value: string) => ROOT_PUBLIC_ASSETS.some((asset) => asset === value)

/** Root assets whose URL carries `?v=<buildId>` (everything but the service worker, plus fonts/themes/icons). */
export const isVersionedPublicAsset = (value: string) =>
  (isRootPublicAsset(value) && value !== "sw.js") ||
  /^(?:fonts\/[^/]+\.(?:css|woff2)|themes\/[^/]+\.css|(?:provider-icons|cloud-provider-icons|file-icons(?:\/[^/]+)*)\/[^/]+\.svg|(?:app-art|community-art)\/[^/]+\.webp)$/u.test(value)

const isApprovalDocument = (pathname: string, basePath: string) => {
  const root = `${basePath}/approve`
  if (pathname === root || pathname === `${root}/`) return true
  if (!pathname.startsWith(`${root}/`)) return false
  const id = pathname.slice(root.length + 1)
  return id.length > 0 && !id.includes("/")
}

const isFocusDocument = (pathname: string, basePath: string) => {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/u, "") : pathname
  return under(trimmed, `${basePath}/focus`)
}

/**
 * The root-relative file a UI path names, decoded and checked: undefined when it cannot be decoded or
 * escapes the root (`..`, absolute, NUL), which the caller answers with 404.
 */
export const fileForPath = (pathname: string, basePath: string): string | undefined => {
  const uiPath = basePath !== "" && pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : pathname
  const rel = (() => {
    if (uiPath === "/share/card.png") return "social-card.png"
    if (uiPath === "/") return ""
    if (uiPath.startsWith("/__openclaw__/")) {
      const namespaced = uiPath.slice("/__openclaw__/".length)
      if (isRootPublicAsset(namespaced)) return namespaced
    }
    // Deep links resolve relative asset URLs against themselves: `/chat/main/assets/x.js` is `/assets/x.js`.
    const assets = uiPath.indexOf("/assets/")
    if (assets >= 0) return uiPath.slice(assets + 1)
    return uiPath.slice(1)
  })()
  const standalone = isApprovalDocument(pathname, basePath) || isFocusDocument(pathname, basePath)
  const requested = standalone ? "index.html" : rel !== "" && !rel.endsWith("/") ? rel : `${rel}index.html`
  let decoded: string
  try {
    decoded = decodeURIComponent(requested)
  } catch {
    return undefined
  }
  return isSafeRelativePath(decoded) ? decoded : undefined
}

export const isSafeRelativePath = (rel: string): boolean => {
  if (rel === "" || rel.includes("\0")) return false
  const normalized = path.posix.normalize(rel)
  if (path.posix.isAbsolute(normalized) || path.win32.isAbsolute(normalized)) return false
  return !(normalized === ".." || normalized.startsWith("../"))
}

/** The lower-cased extension of a file name, with its dot (`""` when none). */
export const extensionOf = (file: string) => path.posix.extname(file).toLowerCase()

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".woff2": "font/woff2"
}

export const contentTypeOf = (file: string) => CONTENT_TYPES[extensionOf(file)] ?? "application/octet-stream"

/** A missing file with one of these extensions is a 404, never the SPA document. */
export const isStaticAssetExtension = (extension: string) => extension !== ".html" && Object.hasOwn(CONTENT_TYPES, extension)

/** Extensions that get `Content-Encoding` (others are sent as they are). */
export const COMPRESSIBLE_EXTENSIONS: ReadonlySet<string> = new Set([".css", ".html", ".js", ".json", ".svg", ".txt", ".wasm", ".webmanifest"])

export const isPrecompressedSibling = (file: string) => {
  const extension = extensionOf(file)
  return extension === ".br" || extension === ".gz"
}

// Accept header: does it allow `text/html; charset=utf-8` (wildcards count) or name application/xhtml+xml?
interface MediaRange {
  readonly type: string
  readonly subtype: string
  readonly params: ReadonlyMap<string, string>
  readonly quality: number
}

const parseRange = (text: string): MediaRange | undefined => {
  const [media, ...rawParams] = text.split(";")
  const [type, subtype] = (media ?? "").trim().toLowerCase().split("/")
  if (type === undefined || subtype === undefined || type === "" || subtype === "") return undefined
  const params = new Map<string, string>()
  let quality = 1
  for (const raw of rawParams) {
    const eq = raw.indexOf("=")
    if (eq < 0) continue
    const key = raw.slice(0, eq).trim().toLowerCase()
    const value = raw.slice(eq + 1).trim().replace(/^"(.*)"$/u, "$1").toLowerCase()
    if (key === "q") {
      const q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/u.test(value) ? Number(value) : 0
      quality = q
    } else params.set(key, value)
  }
  return { type, subtype, params, quality }
}

const accepts = (accept: string, type: string, subtype: string, params: ReadonlyMap<string, string>, wildcards: boolean): boolean => {
  let bestSpecificity = -1
  let bestParams = -1
  let bestQuality = 0
  for (const part of accept.split(",")) {
    const range = parseRange(part)
    if (range === undefined) continue
    const typeOk = range.type === type || (wildcards && range.type === "*" && range.subtype === "*")
    const subtypeOk = range.subtype === subtype || (wildcards && range.subtype === "*")
    if (!typeOk || !subtypeOk) continue
    if ([...range.params].some(([key, value]) => params.get(key) !== value)) continue
    const specificity = range.type === "*" ? 0 : range.subtype === "*" ? 1 : 2
    const comparison = specificity - bestSpecificity || range.params.size - bestParams
    if (comparison > 0) {
      bestSpecificity = specificity
      bestParams = range.params.size
      bestQuality = range.quality
    } else if (comparison === 0) bestQuality = Math.max(bestQuality, range.quality)
  }
  return bestQuality > 0
}

/** Whether a request may get the SPA document: no Accept, or one allowing HTML. */
export const acceptsHtml = (accept: string | undefined): boolean => {
  const value = accept?.trim()
  if (value === undefined || value === "") return true
  return accepts(value, "text", "html", new Map([["charset", "utf-8"]]), true) || accepts(value, "application", "xhtml+xml", new Map(), false)
}

export type ContentCoding = "br" | "gzip" | "identity"

/**
 * The codings a response may use, best first, from `Accept-Encoding` and what is available besides
 * identity. Empty means nothing acceptable (406).
 */
export const negotiateEncodings = (header: string | undefined, available: ReadonlySet<"br" | "gzip">): ReadonlyArray<ContentCoding> => {
  const value = header ?? ""
  if (value.trim() === "") return ["identity"]
  const qualities = new Map<string, number>()
  for (const entry of value.split(",")) {
    const [rawName, ...rawParams] = entry.split(";")
    const name = rawName?.trim().toLowerCase()
    if (name === undefined || name === "") continue
    const qText = rawParams.find((p) => p.trim().toLowerCase().startsWith("q="))?.trim().slice(2)
    const parsed = qText === undefined ? 1 : /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/u.test(qText) ? Number(qText) : 0
    qualities.set(name, Math.max(qualities.get(name) ?? 0, parsed))
  }
  const wildcard = qualities.get("*")
  const identity = qualities.get("identity") ?? (wildcard === 0 ? 0 : 1)
  const qualityOf = (name: ContentCoding) => (name === "identity" ? identity : qualities.get(name) ?? wildcard ?? 0)
  return (["br", "gzip", "identity"] as const)
    .filter((coding) => (coding === "identity" || available.has(coding)) && qualityOf(coding) > 0)
    .sort((a, b) => qualityOf(b) - qualityOf(a))
}
