import { lookup } from "node:dns/promises"
import { isIP } from "node:net"

/** Resolves a hostname to its addresses (the system resolver, or a test's). */
export type ResolveHost = (hostname: string) => Promise<ReadonlyArray<string>>

export const systemResolve: ResolveHost = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

/**
 * How long a name keeps the addresses it was first checked with. Within it, every check and every
 * connection of the browser uses the same answer, so a DNS server that answers a public address first
 * and a private one next (rebinding) is never asked twice for one navigation.
 */
export const DNS_PIN_MS = 60_000

export interface PinnedResolver {
  /** The host's pinned addresses; resolved (once, shared by concurrent callers) when not pinned or expired. */
  readonly addressesOf: (host: string) => Promise<ReadonlyArray<string>>
}

export const makePinnedResolver = (resolve: ResolveHost, pinMs = DNS_PIN_MS, now: () => number = Date.now): PinnedResolver => {
  const pins = new Map<string, { readonly addresses: Promise<ReadonlyArray<string>>; readonly until: number }>()
  return {
    addressesOf: (rawHost) => {
      const host = rawHost.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "")
      if (isIP(host) !== 0) return Promise.resolve([host])
      const pinned = pins.get(host)
      if (pinned !== undefined && pinned.until > now()) return pinned.addresses
      const addresses = resolve(host).catch(() => [] as ReadonlyArray<string>)
      const pin = { addresses, until: now() + pinMs }
      pins.set(host, pin)
      // A name that did not resolve is asked again next time, not refused for the whole pin.
      void addresses.then((found) => {
        if (found.length === 0 && pins.get(host) === pin) pins.delete(host)
      })
      return addresses
    }
  }
}
