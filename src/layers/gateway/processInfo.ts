import * as fs from "node:fs"
import { clientSocketsTo, type GatewayConnection, parseProcNetTcp } from "../../domain/net/procNetTcp.js"
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

/** The socket inodes in LISTEN state on `port` (IPv4 and IPv6). */
const listeningInodes = (port: number): Set<string> => {
  const inodes = new Set<string>()
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0")
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = readText(table)
    if (text === undefined) continue
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/)
      const local = cols[1]
      // State 0A is LISTEN.
      if (local !== undefined && local.endsWith(`:${hexPort}`) && cols[3] === "0A" && cols[9] !== undefined) inodes.add(cols[9])
    }
  }
  return inodes
}

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

const ownersOf = (inodes: ReadonlySet<string>): ReadonlyArray<number> => {
  if (inodes.size === 0) return []
  const pids: Array<number> = []
  for (const [pid, held] of socketInodesByPid()) {
    for (const inode of held) {
      if (inodes.has(inode)) {
        pids.push(pid)
        break
      }
    }
  }
  return pids
}

/** Processes listening on `port` (best effort: only those whose fds this user can read). */
export const portOwners = (port: number): ReadonlyArray<PortOwner> =>
  ownersOf(listeningInodes(port)).map((pid) => ({ pid, command: commandOf(pid) }))

/**
 * Local processes connected to `port` as clients (Linux /proc; empty elsewhere), so a stale client
 * after a rollback can be named by pid and command line.
 */
export const gatewayClientConnections = (port: number): ReadonlyArray<GatewayConnection> => {
  const rows = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) => {
    const text = readText(table)
    return text === undefined ? [] : clientSocketsTo(parseProcNetTcp(text), port)
  })
  if (rows.length === 0) return []
  const holders = socketInodesByPid()
  return rows.map((row) => {
    let pid: number | undefined
    for (const [candidate, held] of holders) {
      if (held.has(row.inode)) {
        pid = candidate
        break
      }
    }
    return {
      pid,
      direction: "client" as const,
      address: `${row.localAddress}:${row.localPort}->${row.remoteAddress}:${row.remotePort}`,
      commandLine: pid === undefined ? undefined : commandOf(pid)
    }
  })
}

/** The start time of a process (clock ticks since boot), to tell a live owner from a reused pid. */
export const processStartTime = (pid: number): string | undefined => {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 22 counts from after the parenthesised command name, which may itself hold spaces.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return rest[19]
}
