/** The browser's navigation policy: private-network targets are refused unless config allows them. */
export interface SsrfPolicy {
  readonly allowPrivateNetwork: boolean
  readonly allowedHostnames: ReadonlyArray<string>
  /** A proxy of the user's (browser.extraArgs) decides where a managed browser's requests go: nothing can be checked. */
  readonly proxyRouted?: boolean
}

const ipv4 = (host: string): ReadonlyArray<number> | undefined => {
  const parts = host.split(".")
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined
  const octets = parts.map(Number)
  return octets.every((o) => o <= 255) ? octets : undefined
}

/** Loopback, RFC 1918, link-local, CGNAT, unspecified, IPv6 local ranges and local-only names. */
export const isPrivateHost = (rawHost: string): boolean => {
  const host = rawHost.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "")
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true
  const v4 = ipv4(host)
  if (v4 !== undefined) {
    const [a = 0, b = 0] = v4
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  }
  if (host.includes(":")) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1]
    if (mapped !== undefined) return isPrivateHost(mapped)
    return host === "::1" || host === "::" || /^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)
  }
  return false
}

const hostAllowed = (host: string, patterns: ReadonlyArray<string>) =>
  patterns.some((pattern) => {
    const p = pattern.toLowerCase()
    return p.startsWith("*.") ? host.endsWith(p.slice(1)) : host === p
  })

/**
 * Why navigating to `raw` is refused (undefined: allowed). `about:blank` is always fine; other
 * non-http(s) schemes (file:, chrome:, javascript:) are refused outright.
 */
export const navigationProblem = (raw: string, policy: SsrfPolicy): string | undefined => {
  if (raw === "about:blank") return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `Invalid URL: ${raw}`
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `Navigation blocked by browser policy: only http(s) URLs may be opened, got: ${url.protocol.replace(/:$/, "")}`
  if (policy.proxyRouted === true && !policy.allowPrivateNetwork) return PROXY_ROUTED_STRICT_POLICY
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "")
  if (policy.allowPrivateNetwork || hostAllowed(host, policy.allowedHostnames) || !isPrivateHost(host)) return undefined
  return `Navigation blocked by browser SSRF policy: ${host} is a private-network address. Allow it with browser.ssrfPolicy.allowedHostnames (e.g. ["${host}"]) or browser.ssrfPolicy.dangerouslyAllowPrivateNetwork: true.`
}

/** Whether the policy lets `host` through without looking at its addresses (private network allowed, or the name listed). */
export const hostTrusted = (rawHost: string, policy: SsrfPolicy) =>
  policy.allowPrivateNetwork || hostAllowed(rawHost.toLowerCase().replace(/^\[|\]$/g, ""), policy.allowedHostnames)

/**
 * Why connecting to `host` at the addresses it resolved to is refused (undefined: allowed). A name
 * with any private address among its answers is private: the browser must not get there by DNS.
 */
export const resolvedProblem = (rawHost: string, addresses: ReadonlyArray<string>, policy: SsrfPolicy): string | undefined => {
  const host = rawHost.toLowerCase().replace(/^\[|\]$/g, "")
  if (hostTrusted(host, policy)) return undefined
  if (isPrivateHost(host)) return navigationProblem(`http://${host.includes(":") ? `[${host}]` : host}/`, policy)
  const privateAddress = addresses.find((address) => isPrivateHost(address))
  if (privateAddress !== undefined) {
    return `Navigation blocked by browser SSRF policy: ${host} resolves to the private-network address ${privateAddress}. Allow it with browser.ssrfPolicy.allowedHostnames (e.g. ["${host}"]) or browser.ssrfPolicy.dangerouslyAllowPrivateNetwork: true.`
  }
  return addresses.length === 0 ? `Navigation blocked by browser SSRF policy: ${host} did not resolve to any address.` : undefined
}

const chromeArgName = (arg: string) => arg.trim().split("=", 1)[0]?.toLowerCase() ?? ""
const PROXY_ROUTING_ARGS = new Set(["--proxy-auto-detect", "--proxy-pac-url", "--proxy-server"])

/** Whether the user's `browser.extraArgs` route Chromium through a proxy of their own (the original's "explicit-browser-proxy"). */
export const routesThroughOwnProxy = (extraArgs: ReadonlyArray<string>) => extraArgs.some((arg) => PROXY_ROUTING_ARGS.has(chromeArgName(arg)))

/** Whether the user's `browser.extraArgs` decide Chromium's proxy at all (routing, or `--no-proxy-server`). */
export const controlsProxy = (extraArgs: ReadonlyArray<string>) => extraArgs.some((arg) => chromeArgName(arg) === "--no-proxy-server" || PROXY_ROUTING_ARGS.has(chromeArgName(arg)))

/** The original's refusal when a proxy of the user's decides where requests go and private networks are refused. */
export const PROXY_ROUTED_STRICT_POLICY = "Navigation blocked: strict browser SSRF policy cannot be enforced while this browser profile is proxy-routed"
