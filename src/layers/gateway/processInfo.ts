import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { clientSocketsTo, type GatewayConnection, parseProcNetTcp, type TcpRow } from "../../domain/net/procNetTcp.js"
import { redactCommandLine } from "../../domain/text/redactCommandLine.js"

/** A process listening on a TCP port, as found in /proc (Linux); empty elsewhere. */
export interface PortOwner {
  readonly pid: number
  readonly command: string
}

// /proc is read best effort: a file that vanished or that this user may not read counts as absent.
const readText = (file: string) => Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(file)).pipe(Effect.option, Effect.map(Option.getOrUndefined))
const listing = (dir: string) => Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readDirectory(dir)).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))

/** Every row of the IPv4 and IPv6 TCP tables. */
const tcpRows = Effect.map(
  Effect.forEach(["/proc/net/tcp", "/proc/net/tcp6"], readText),
  (tables): ReadonlyArray<TcpRow> => tables.flatMap((text) => (text === undefined ? [] : parseProcNetTcp(text)))
)

/** The command line of a process, spaces between arguments, secrets in flags masked (it gets printed). */
export const commandOf = (pid: number) =>
  Effect.map(readText(`/proc/${pid}/cmdline`), (raw) =>
    raw === undefined ? "unknown" : redactCommandLine(raw.split("\0").filter((s) => s !== "").join(" ")) || "unknown")

/** pid -> the socket inodes it holds, for the pids whose fds this user can read. */
const socketInodesByPid = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const result = new Map<number, Set<string>>()
  for (const pid of (yield* listing("/proc")).filter((name) => /^\d+$/.test(name))) {
    const inodes = new Set<string>()
    for (const fd of yield* listing(`/proc/${pid}/fd`)) {
      const link = yield* fs.readLink(`/proc/${pid}/fd/${fd}`).pipe(Effect.orElseSucceed(() => ""))
      const match = /^socket:\[(\d+)\]$/.exec(link)
      if (match?.[1] !== undefined) inodes.add(match[1])
    }
    if (inodes.size > 0) result.set(Number(pid), inodes)
  }
  return result as ReadonlyMap<number, ReadonlySet<string>>
})

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
export const scanPort = (port: number) =>
  Effect.gen(function*() {
    const rows = yield* tcpRows
    // State 0A is LISTEN.
    const listening = new Set(rows.filter((row) => row.state === "0A" && row.localPort === port).map((row) => row.inode))
    const clientRows = clientSocketsTo(rows, port)
    if (listening.size === 0 && clientRows.length === 0) return { owners: [], clients: [] }
    const holders = yield* socketInodesByPid
    const ownerPids = [...holders].filter(([, held]) => [...held].some((inode) => listening.has(inode))).map(([pid]) => pid)
    const owners: ReadonlyArray<PortOwner> = yield* Effect.forEach(ownerPids, (pid) => Effect.map(commandOf(pid), (command) => ({ pid, command })))
    const clients: ReadonlyArray<GatewayConnection> = yield* Effect.forEach(clientRows, (row) => {
      const pid = holderOf(holders, row.inode)
      return Effect.map(pid === undefined ? Effect.succeed(undefined) : commandOf(pid), (commandLine) => ({
        pid,
        direction: "client" as const,
        address: `${row.localAddress}:${row.localPort}->${row.remoteAddress}:${row.remotePort}`,
        commandLine
      }))
    })
    return { owners, clients }
  })

/** Processes listening on `port`. */
export const portOwners = (port: number) => Effect.map(scanPort(port), (scan) => scan.owners)

/** Local processes connected to `port` as clients. */
export const gatewayClientConnections = (port: number) => Effect.map(scanPort(port), (scan) => scan.clients)
