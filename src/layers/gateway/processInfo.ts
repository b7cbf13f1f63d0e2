import * as fs from "node:fs"
import { clientSocketsTo, type GatewayConnection, parseProcNetTcp, type TcpRow } from "../../domain/net/procNetTcp.js"
import { redactCommandLine } from "../../domain/text/redactCommandLine.js"

/** A process listening on a TCP port, as found in /proc (Linux); empty elsewhere. */
export interface PortOwner {
  readonly pid: number
  readonly command: string
}

const readText = (file: string) => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return undefined
  }
}

/** Every row of the IPv4 and IPv6 TCP tables. */
const tcpRows = (): ReadonlyArray<TcpRow> =>
  ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) => {
    const text = readText(table)
    return text === undefined ? [] : parseProcNetTcp(text)
  })

/** The command line of a process, spaces between arguments, secrets in flags masked (it gets printed). */
export const commandOf = (pid: number): string => {
  const raw = readText(`/proc/${pid}/cmdline`)
  return raw === undefined ? "unknown" : redactCommandLine(raw.split("\0").filter((s) => s !== "").join(" ")) || "unknown"
}

/** pid -> the socket inodes it holds, for the pids whose fds this user can read. */
const socketInodesByPid = (): ReadonlyMap<number, ReadonlySet<string>> => {
  const result = new Map<number, Set<string>>()
  let pids: Array<string> = []
  try {
    pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))
  } catch {
    return result
  }
  for (const pid of pids) {
    let fds: Array<string> = []
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    const inodes = new Set<string>()
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (match?.[1] !== undefined) inodes.add(match[1])
      } catch {
        continue
      }
    }
    if (inodes.size > 0) result.set(Number(pid), inodes)
  }
  return result
}

const holderOf = (holders: ReadonlyMap<number, ReadonlySet<string>>, inode: string): number | undefined => {
  for (const [pid, held] of holders) if (held.has(inode)) return pid
  return undefined
}

/**
 * What holds `port` on this host (Linux /proc; empty elsewhere, best effort: only processes whose fds
 * this user can read): the listening processes, and the local processes connected to it as clients
 * (so a stale client after a rollback can be named). One read of the TCP tables and, only when there
 * is a socket to attribute, one pass over /proc/<pid>/fd.
 */
export const scanPort = (port: number): { readonly owners: ReadonlyArray<PortOwner>; readonly clients: ReadonlyArray<GatewayConnection> } => {
  const rows = tcpRows()
  // State 0A is LISTEN.
  const listening = new Set(rows.filter((row) => row.state === "0A" && row.localPort === port).map((row) => row.inode))
  const clientRows = clientSocketsTo(rows, port)
  if (listening.size === 0 && clientRows.length === 0) return { owners: [], clients: [] }
  const holders = socketInodesByPid()
  const ownerPids = [...holders].filter(([, held]) => [...held].some((inode) => listening.has(inode))).map(([pid]) => pid)
  return {
    owners: ownerPids.map((pid) => ({ pid, command: commandOf(pid) })),
    clients: clientRows.map((row) => {
      const pid = holderOf(holders, row.inode)
      return {
        pid,
        direction: "client" as const,
        address: `${row.localAddress}:${row.localPort}->${row.remoteAddress}:${row.remotePort}`,
        commandLine: pid === undefined ? undefined : commandOf(pid)
      }
    })
  }
}

/** Processes listening on `port`. */
export const portOwners = (port: number): ReadonlyArray<PortOwner> => scanPort(port).owners

/** Local processes connected to `port` as clients. */
export const gatewayClientConnections = (port: number): ReadonlyArray<GatewayConnection> => scanPort(port).clients

/** The start time of a process (clock ticks since boot), to tell a live owner from a reused pid. */
export const processStartTime = (pid: number): string | undefined => {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 22 counts from after the parenthesised command name, which may itself hold spaces.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return rest[19]
}
