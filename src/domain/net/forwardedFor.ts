import { ipInList } from "./ip.js"

/** What a proxy says about the client it forwards for. */
export interface ForwardingHeaders {
  readonly xForwardedFor: string | undefined
  readonly xRealIp: string | undefined
}

/**
 * The client a trusted proxy forwards for: the right-most `X-Forwarded-For` hop that is not itself a
 * trusted proxy (hops to its left are whatever the client wrote, so they prove nothing); when every hop is
 * a trusted proxy, the left-most one; without `X-Forwarded-For`, `X-Real-IP` when `allowRealIpFallback`.
 * `undefined` when the headers name no client. Locality and the rate limiter both use this one rule.
 */
export const forwardedClientIp = (headers: ForwardingHeaders, trustedProxies: ReadonlyArray<string>, allowRealIpFallback: boolean): string | undefined => {
  const hops = (headers.xForwardedFor ?? "").split(",").map((hop) => hop.trim()).filter((hop) => hop !== "")
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!ipInList(hop, trustedProxies)) return hop
  }
  if (hops.length > 0) return hops[0]
  const realIp = headers.xRealIp?.trim()
  return allowRealIpFallback && realIp !== undefined && realIp !== "" ? realIp : undefined
}
