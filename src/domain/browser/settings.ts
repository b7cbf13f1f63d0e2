import type { OpenClawConfig } from "../config/ConfigSchema.js"

/** How a profile reaches its browser. */
export type BrowserDriver = "openclaw" | "existing-session" | "extension"

/** A profile as the browser service uses it: config, built-ins and the port family merged. */
export interface BrowserProfile {
  readonly name: string
  readonly driver: BrowserDriver
  readonly cdpPort: number | null
  readonly cdpUrl: string | null
  /** `cdpUrl` came from config: we attach to that browser, never launch one. */
  readonly remote: boolean
  readonly attachOnly: boolean
  readonly executablePath: string | undefined
  readonly headless: boolean | undefined
  readonly userDataDir: string | undefined
  readonly relayPort: number | undefined
  readonly color: string
}

/** The browser section resolved: what `status`, `profiles` and `start` work from. */
export interface BrowserSettings {
  readonly enabled: boolean
  readonly evaluateEnabled: boolean
  readonly defaultProfile: string
  readonly noSandbox: boolean
  readonly extraArgs: ReadonlyArray<string>
  readonly executablePath: string | undefined
  readonly headless: boolean | undefined
  readonly controlPort: number
  readonly profiles: ReadonlyArray<BrowserProfile>
  readonly ssrf: { readonly allowPrivateNetwork: boolean; readonly allowedHostnames: ReadonlyArray<string> }
}

/** The original's profile colour (every built-in profile shows it). */
export const PROFILE_COLOR = "#FF4500"
const DEFAULT_GATEWAY_PORT = 18789
/** Managed CDP ports: 100 ports starting 9 above the control port (gateway + 2): 18800-18899 by default. */
const CDP_RANGE_SIZE = 100

/** The control port family of a gateway port (spec 5.1): control = gateway + 2, CDP from control + 9, relay at control + 8. */
export const portFamily = (gatewayPort: number) => ({
  controlPort: gatewayPort + 2,
  cdpRangeStart: gatewayPort + 11,
  relayPort: gatewayPort + 10
})

/** `browser.cdpUrl must be http(s) or ws(s), got: ftp` and `... has invalid port: 70000` (spec 5.2). */
export const cdpUrlProblem = (label: string, raw: string): string | undefined => {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw.trim())?.[1]?.toLowerCase()
  if (scheme === undefined) return `${label} must be http(s) or ws(s), got: ${raw}`
  if (!["http", "https", "ws", "wss"].includes(scheme)) return `${label} must be http(s) or ws(s), got: ${scheme}`
  // The URL class refuses a port above 65535 outright; read it ourselves to name it.
  const port = /^[a-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)/i.exec(raw.trim())?.[1]
  if (port !== undefined && port !== "") {
    const n = Number(port)
    if (!/^\d+$/.test(port) || n <= 0 || n > 65535) return `${label} has invalid port: ${port}`
  }
  try {
    new URL(raw.trim())
  } catch {
    return `${label} must be http(s) or ws(s), got: ${raw}`
  }
  return undefined
}

/** The port a CDP URL points at (its scheme's default when it names none). */
export const cdpUrlPort = (raw: string): number => {
  const url = new URL(raw)
  if (url.port !== "") return Number(url.port)
  return url.protocol === "https:" || url.protocol === "wss:" ? 443 : 80
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"])
/** Whether a CDP URL is on this machine. */
export const isLoopbackUrl = (raw: string) => {
  try {
    return LOOPBACK_HOSTS.has(new URL(raw).hostname) || new URL(raw).hostname.startsWith("127.")
  } catch {
    return false
  }
}

/**
 * The profiles: the built-in `openclaw` (managed), `user` (existing-session) and `chrome` (extension),
 * then the configured ones (a configured built-in name replaces its defaults). A local profile without
 * a port takes the next free port of the managed range. Fails with the spec's message for a bad cdpUrl.
 */
export const resolveBrowserSettings = (
  config: OpenClawConfig,
  gatewayPort: number = config.gateway?.port ?? DEFAULT_GATEWAY_PORT
): { readonly settings: BrowserSettings } | { readonly error: string } => {
  const browser = config.browser ?? {}
  const family = portFamily(gatewayPort)
  const configured = browser.profiles ?? {}
  const names = [...new Set(["openclaw", "user", "chrome", ...Object.keys(configured)])]
  const taken = new Set(Object.values(configured).flatMap((p) => (p.cdpPort === undefined ? [] : [p.cdpPort])))
  let next = family.cdpRangeStart
  const nextPort = () => {
    while (taken.has(next) && next < family.cdpRangeStart + CDP_RANGE_SIZE) next++
    taken.add(next)
    return next
  }
  const profiles: Array<BrowserProfile> = []
  for (const name of names) {
    const own = configured[name] ?? {}
    const driver: BrowserDriver = own.driver ?? (name === "user" ? "existing-session" : name === "chrome" ? "extension" : "openclaw")
    // The legacy root `browser.cdpUrl` is the default profile's endpoint.
    const label = own.cdpUrl !== undefined ? `browser.profiles.${name}.cdpUrl` : "browser.cdpUrl"
    const explicitUrl = own.cdpUrl ?? (name === (browser.defaultProfile ?? "openclaw") && driver === "openclaw" ? browser.cdpUrl : undefined)
    if (explicitUrl !== undefined) {
      const problem = cdpUrlProblem(label, explicitUrl)
      if (problem !== undefined) return { error: problem }
    }
    const base = {
      name,
      driver,
      attachOnly: own.attachOnly ?? browser.attachOnly ?? false,
      executablePath: own.executablePath ?? browser.executablePath,
      headless: own.headless,
      userDataDir: own.userDataDir,
      color: PROFILE_COLOR
    }
    if (driver === "extension") {
      profiles.push({ ...base, cdpPort: null, cdpUrl: null, remote: false, relayPort: family.relayPort })
    } else if (driver === "existing-session") {
      profiles.push({ ...base, cdpPort: null, cdpUrl: explicitUrl ?? null, remote: explicitUrl !== undefined, relayPort: undefined })
    } else if (explicitUrl !== undefined) {
      profiles.push({ ...base, cdpPort: cdpUrlPort(explicitUrl), cdpUrl: explicitUrl.trim().replace(/\/$/, ""), remote: true, relayPort: undefined })
    } else {
      const port = own.cdpPort ?? nextPort()
      profiles.push({ ...base, cdpPort: port, cdpUrl: `http://127.0.0.1:${port}`, remote: false, relayPort: undefined })
    }
  }
  const policy = browser.ssrfPolicy ?? {}
  return {
    settings: {
      enabled: browser.enabled ?? true,
      evaluateEnabled: browser.evaluateEnabled ?? true,
      defaultProfile: browser.defaultProfile ?? "openclaw",
      noSandbox: browser.noSandbox ?? false,
      extraArgs: browser.extraArgs ?? [],
      executablePath: browser.executablePath,
      headless: browser.headless,
      controlPort: family.controlPort,
      profiles,
      ssrf: {
        allowPrivateNetwork: policy.dangerouslyAllowPrivateNetwork ?? policy.allowPrivateNetwork ?? false,
        allowedHostnames: policy.allowedHostnames ?? []
      }
    }
  }
}

/** Where `headless` came from, as `openclaw browser --json status` reports it. */
export type HeadlessSource = "env" | "request" | "profile" | "config" | "linux-display-fallback" | "default"

/**
 * Headless or headed for a local launch: a one-shot request wins, then `OPENCLAW_BROWSER_HEADLESS`,
 * the profile, `browser.headless`; a Linux host without a display falls back to headless.
 */
export const resolveHeadless = (input: {
  readonly request: boolean | undefined
  readonly env: string | undefined
  readonly profile: boolean | undefined
  readonly config: boolean | undefined
  readonly platform: string
  readonly displayPresent: boolean
}): { readonly headless: boolean; readonly source: HeadlessSource } => {
  if (input.request !== undefined) return { headless: input.request, source: "request" }
  const env = input.env?.trim().toLowerCase()
  if (env === "1" || env === "true") return { headless: true, source: "env" }
  if (env === "0" || env === "false") return { headless: false, source: "env" }
  if (input.profile !== undefined) return { headless: input.profile, source: "profile" }
  if (input.config !== undefined) return { headless: input.config, source: "config" }
  if (input.platform === "linux" && !input.displayPresent) return { headless: true, source: "linux-display-fallback" }
  return { headless: false, source: "default" }
}

/** The executables tried, in order, when no `executablePath` is configured (Linux names, then macOS). */
export const BROWSER_CANDIDATES: ReadonlyArray<{ readonly kind: string; readonly path: string }> = [
  { kind: "chrome", path: "/usr/bin/google-chrome" },
  { kind: "chrome", path: "/usr/bin/google-chrome-stable" },
  { kind: "brave", path: "/usr/bin/brave-browser" },
  { kind: "edge", path: "/usr/bin/microsoft-edge" },
  { kind: "chromium", path: "/usr/bin/chromium" },
  { kind: "chromium", path: "/usr/bin/chromium-browser" },
  { kind: "chromium", path: "/snap/bin/chromium" },
  { kind: "chrome", path: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" },
  { kind: "brave", path: "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser" },
  { kind: "edge", path: "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge" },
  { kind: "chromium", path: "/Applications/Chromium.app/Contents/MacOS/Chromium" },
  { kind: "canary", path: "/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary" }
]

export const NO_BROWSER_FOUND = "No supported browser found (Chrome/Brave/Edge/Chromium on macOS, Linux, or Windows)."

/** What a configured path is called (`chromium` for /usr/bin/chromium), as status shows it. */
export const browserKindOf = (path: string): string => {
  const lower = path.toLowerCase()
  if (lower.includes("brave")) return "brave"
  if (lower.includes("edge")) return "edge"
  if (lower.includes("canary")) return "canary"
  if (lower.includes("chromium")) return "chromium"
  if (lower.includes("chrome")) return "chrome"
  return "custom"
}

/**
 * The executable to launch: the configured one (which must exist), else the first candidate that does.
 * `exists` is the caller's file check, so this stays pure.
 */
export const detectExecutable = (
  configured: string | undefined,
  exists: (path: string) => boolean,
  home: string
): { readonly path: string; readonly kind: string } | { readonly error: string; readonly path: string | undefined } => {
  if (configured !== undefined) {
    const path = configured.startsWith("~/") ? `${home}${configured.slice(1)}` : configured
    return exists(path) ? { path, kind: browserKindOf(path) } : { error: `browser.executablePath not found: ${path}`, path }
  }
  const found = BROWSER_CANDIDATES.find((candidate) => exists(candidate.path))
  return found === undefined ? { error: NO_BROWSER_FOUND, path: undefined } : { path: found.path, kind: found.kind }
}
