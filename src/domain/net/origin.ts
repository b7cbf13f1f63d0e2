/** Browser `Origin` and `Host` header text, normalised for comparison. */

/**
 * Scheme and host of a browser page `Origin`, lowercased, default port dropped; `undefined` for a
 * missing, `null` or unparseable origin and for any scheme but http(s): a browser sends the origin of
 * the page that opened the socket, never a `ws:` one (spec 3.5 compares scheme+host of that page).
 */
export const normalizeOrigin = (origin: string | undefined | null): string | undefined => {
  if (origin === undefined || origin === null) return undefined
  const text = origin.trim()
  if (text === "" || text.toLowerCase() === "null") return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.host === "") return undefined
  // WHATWG URL already drops the default port of http(s).
  return `${url.protocol}//${url.host}`.toLowerCase()
}

/** The host name of a `Host` header (or URL host), lowercased, port dropped, IPv6 kept in brackets. */
export const hostHeaderName = (host: string | undefined): string | undefined => {
  if (host === undefined) return undefined
  const h = host.trim().toLowerCase()
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1)
  return h.split(":")[0]
}
