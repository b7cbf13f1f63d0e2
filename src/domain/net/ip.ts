/** IP address text: parsing, canonical form, loopback and allow-list checks (one place for the whole gateway). */

const parseIpv4 = (ip: string): ReadonlyArray<number> | undefined => {
  const parts = ip.split(".")
  if (parts.length !== 4) return undefined
  const octets: Array<number> = []
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    octets.push(n)
  }
  return octets
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 tail allowed), or undefined. */
const parseIpv6 = (ip: string): ReadonlyArray<number> | undefined => {
  let text = ip
  const lastColon = text.lastIndexOf(":")
  if (lastColon < 0) return undefined
  const tail = text.slice(lastColon + 1)
  if (tail.includes(".")) {
    const v4 = parseIpv4(tail)
    if (v4 === undefined) return undefined
    const [a = 0, b = 0, c = 0, d = 0] = v4
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const groups = (part: string): Array<number> | undefined => {
    if (part === "") return []
    const out: Array<number> = []
    for (const group of part.split(":")) {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined
      out.push(parseInt(group, 16))
    }
    return out
  }
  const head = groups(halves[0] ?? "")
  if (head === undefined) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const rest = groups(halves[1] ?? "")
  if (rest === undefined || head.length + rest.length > 7) return undefined
  return [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest]
}

const bareIp = (ip: string): string => {
  let v = ip.trim().toLowerCase()
  if (v.startsWith("[") && v.endsWith("]")) v = v.slice(1, -1)
  const zone = v.indexOf("%")
  return zone >= 0 ? v.slice(0, zone) : v
}

/** Canonical form of an address: lowercased, brackets and zone dropped, `::ffff:a.b.c.d` → `a.b.c.d`. */
export const normalizeIp = (ip: string): string => {
  const v = bareIp(ip)
  if (v.startsWith("::ffff:") && parseIpv4(v.slice(7)) !== undefined) return v.slice(7)
  return v
}

/** True for `127.0.0.0/8`, `::1` and IPv4-mapped loopback (`::ffff:127.x.x.x`, `::ffff:7f00:1`). */
export const isLoopbackAddress = (ip: string | undefined): boolean => {
  if (ip === undefined) return false
  const v = bareIp(ip)
  const v4 = parseIpv4(v)
  if (v4 !== undefined) return v4[0] === 127
  const v6 = parseIpv6(v)
  if (v6 === undefined) return false
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7] = v6
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return true
  return zeroPrefix && g5 === 0xffff && g6 >> 8 === 127
}

const ipv4ToInt = (ip: string): number | undefined => {
  const octets = parseIpv4(ip)
  return octets === undefined ? undefined : octets.reduce((n, octet) => n * 256 + octet, 0)
}

/** True when `ip` is one of `entries` (plain addresses, compared in canonical form, or IPv4 CIDRs). */
export const ipInList = (ip: string, entries: ReadonlyArray<string>): boolean => {
  const v = normalizeIp(ip)
  return entries.some((entry) => {
    const [base, bits] = entry.split("/")
    if (bits === undefined) return normalizeIp(entry) === v
    const a = ipv4ToInt(v)
    const b = ipv4ToInt(base ?? "")
    const n = Number(bits)
    if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0
    return ((a & mask) >>> 0) === ((b & mask) >>> 0)
  })
}
