/** One row of /proc/net/tcp or tcp6, decoded. */
export interface TcpRow {
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  /** Kernel state: `01` ESTABLISHED, `0A` LISTEN, ... */
  readonly state: string
  readonly inode: string
}

// /proc/net/tcp stores IPv4 as one little-endian 32-bit word.
const ipv4 = (hex: string) => [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".")

// tcp6: four little-endian 32-bit words; an IPv4-mapped address prints as its IPv4 form.
const ipv6 = (hex: string) => {
  const bytes: Array<number> = []
  for (let word = 0; word < 4; word++) {
    const chunk = hex.slice(word * 8, word * 8 + 8)
    for (const i of [6, 4, 2, 0]) bytes.push(parseInt(chunk.slice(i, i + 2), 16))
  }
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  if (mapped) return bytes.slice(12).join(".")
  const groups: Array<string> = []
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::")
}

const endpoint = (text: string | undefined): { readonly address: string; readonly port: number } | undefined => {
  if (text === undefined) return undefined
  const [addr, port] = text.split(":")
  if (addr === undefined || port === undefined) return undefined
  return { address: addr.length === 8 ? ipv4(addr) : ipv6(addr), port: parseInt(port, 16) }
}

/** Decodes the table text; malformed rows are skipped. */
export const parseProcNetTcp = (text: string): ReadonlyArray<TcpRow> =>
  text.split("\n").slice(1).flatMap((line) => {
    const cols = line.trim().split(/\s+/)
    const local = endpoint(cols[1])
    const remote = endpoint(cols[2])
    const state = cols[3]
    const inode = cols[9]
    if (local === undefined || remote === undefined || state === undefined || inode === undefined) return []
    return [{ localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state, inode }]
  })

/** Established sockets whose far end is `port`: the client side of connections to a local server there. */
export const clientSocketsTo = (rows: ReadonlyArray<TcpRow>, port: number): ReadonlyArray<TcpRow> =>
  rows.filter((row) => row.state === "01" && row.remotePort === port && row.inode !== "0")

/** A process holding a client connection to the gateway port. */
export interface GatewayConnection {
  readonly pid: number | undefined
  readonly direction: "client"
  readonly address: string
  readonly commandLine: string | undefined
}

/** `pid=N client 127.0.0.1:51234->127.0.0.1:18789 cmd=...`, the original's connection line. */
export const formatConnection = (connection: GatewayConnection) =>
  `pid=${connection.pid ?? "?"} ${connection.direction} ${connection.address}${connection.commandLine === undefined ? "" : ` cmd=${connection.commandLine}`}`
