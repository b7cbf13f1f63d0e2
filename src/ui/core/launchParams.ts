/** What a launch URL carries for the page (spec control-ui 2.2), and the URL with those parts removed. */
export interface LaunchParams {
  readonly token?: string
  /** The token came from `?token=` (the original warns: query strings end up in logs and history). */
  readonly tokenFromQuery: boolean
  readonly bootstrapToken?: string
  readonly bootstrapProfile?: string
  readonly gatewayUrl?: string
  /** `search` and `hash` without the consumed parameters ("" when nothing is left). */
  readonly search: string
  readonly hash: string
  /** Whether anything was consumed (so the URL must be rewritten). */
  readonly changed: boolean
}

const CONSUMED = ["token", "bootstrapToken", "bootstrapProfile", "gatewayUrl", "password"] as const

const nonBlank = (value: string | null): string | undefined => (value === null || value.trim() === "" ? undefined : value.trim())

const rest = (params: URLSearchParams, prefix: "?" | "#") => {
  const text = params.toString()
  return text === "" ? "" : `${prefix}${text}`
}

/** Reads the launch parameters from `location.search` and `location.hash`; `password` is removed, never used. */
export const readLaunchParams = (search: string, hash: string): LaunchParams => {
  const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search)
  const fragment = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash)
  const fragmentToken = nonBlank(fragment.get("token"))
  const queryToken = nonBlank(query.get("token"))
  const token = fragmentToken ?? queryToken
  const bootstrapToken = nonBlank(fragment.get("bootstrapToken"))
  const bootstrapProfile = nonBlank(fragment.get("bootstrapProfile"))
  const gatewayUrl = nonBlank(fragment.get("gatewayUrl")) ?? nonBlank(query.get("gatewayUrl"))
  const changed = CONSUMED.some((key) => query.has(key) || fragment.has(key))
  for (const key of CONSUMED) {
    query.delete(key)
    fragment.delete(key)
  }
  return {
    ...(token === undefined ? {} : { token }),
    tokenFromQuery: fragmentToken === undefined && queryToken !== undefined,
    ...(bootstrapToken === undefined ? {} : { bootstrapToken }),
    ...(bootstrapProfile === undefined ? {} : { bootstrapProfile }),
    ...(gatewayUrl === undefined ? {} : { gatewayUrl }),
    search: rest(query, "?"),
    hash: rest(fragment, "#"),
    changed
  }
}

/** The page's routes; the original's deep links (`/cron`, `/settings/...`, `/debug`) map onto them. */
export const ROUTES = ["overview", "chat", "sessions", "channels", "devices", "logs", "automations", "config"] as const
export type Route = (typeof ROUTES)[number]

const ALIASES: Record<string, Route> = {
  "": "overview", overview: "overview", debug: "overview", chat: "chat", sessions: "sessions", channels: "channels",
  devices: "devices", nodes: "devices", systems: "devices", logs: "logs", automations: "automations", cron: "automations", config: "config",
  "settings/channels": "channels", "settings/devices": "devices", "settings/advanced": "config", "settings/connection": "overview"
}

/** The first segments of a path below the base that name a route (for base path inference). */
const ROUTE_PREFIXES = Object.keys(ALIASES).filter((key) => key !== "")

/** The route a path (below the base path) names, and what follows it (e.g. the chat's session). */
export const routeOf = (pathBelowBase: string): { readonly route: Route; readonly rest: string } => {
  const clean = pathBelowBase.replace(/^\/+|\/+$/g, "")
  const parts = clean.split("/")
  const two = parts.slice(0, 2).join("/")
  if (ALIASES[two] !== undefined && parts.length >= 2) return { route: ALIASES[two], rest: parts.slice(2).join("/") }
  const one = parts[0] ?? ""
  return { route: ALIASES[one] ?? "overview", rest: parts.slice(1).join("/") }
}

/** Normalizes a base path: leading `/`, no trailing `/`, `/` means none. */
export const normalizeBasePath = (value: string): string => {
  const trimmed = value.trim().replace(/\/+$/, "")
  if (trimmed === "" || trimmed === "/") return ""
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

/** The base path inferred from the page path when the server named none: everything before a route segment. */
export const inferBasePath = (pathname: string): string => {
  const parts = pathname.split("/").filter((part) => part !== "")
  if (parts[parts.length - 1] === "index.html") parts.pop()
  const index = parts.findIndex((part, i) => ROUTE_PREFIXES.includes(part) || ROUTE_PREFIXES.includes(`${part}/${parts[i + 1] ?? ""}`))
  return normalizeBasePath(`/${(index === -1 ? parts : parts.slice(0, index)).join("/")}`)
}
