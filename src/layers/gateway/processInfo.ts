import * as fs from "node:fs"

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

/** The command line of a process, spaces between arguments. */
export const commandOf = (pid: number): string => {
  const raw = readText(`/proc/${pid}/cmdline`)
  return raw === undefined ? "unknown" : raw.split("\0").filter((s) => s !== "").join(" ") || "unknown"
}

/** Processes listening on `port` (best effort: only those whose fds this user can read). */
export const portOwners = (port: number): ReadonlyArray<PortOwner> => {
  const inodes = listeningInodes(port)
  if (inodes.size === 0) return []
  const owners: Array<PortOwner> = []
  let pids: Array<string> = []
  try {
    pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))
  } catch {
    return []
  }
  for (const pid of pids) {
    let fds: Array<string> = []
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      let target = ""
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      const match = /^socket:\[(\d+)\]$/.exec(target)
      if (match?.[1] !== undefined && inodes.has(match[1])) {
        owners.push({ pid: Number(pid), command: commandOf(Number(pid)) })
        break
      }
    }
  }
  return owners
}

/** The start time of a process (clock ticks since boot), to tell a live owner from a reused pid. */
export const processStartTime = (pid: number): string | undefined => {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 22 counts from after the parenthesised command name, which may itself hold spaces.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return rest[19]
}
