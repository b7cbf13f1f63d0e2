import { judgeLock } from "../lock/lockOwner.js"
import { CheckId } from "./checks.js"
import type { Finding } from "./Finding.js"

/** What `stat`/`access` said about the state directory and the config file. */
export interface StateFacts {
  readonly stateDir: string
  readonly stateKind: "missing" | "directory" | "other"
  /** Permission bits (`mode & 0o777`) when the directory exists. */
  readonly stateMode: number | undefined
  readonly stateWritable: boolean
  /** Filesystem type of the mount holding the state dir (`ext4`, `tmpfs`), when known. */
  readonly stateFsType: string | undefined
  readonly configPath: string
  /** Permission bits of the config file; undefined when it is missing. */
  readonly configMode: number | undefined
  /** Permission bits are meaningless on Windows. */
  readonly posixModes: boolean
}

const VOLATILE = new Set(["tmpfs", "ramfs"])

/** `core/doctor/state-integrity`: state dir present, writable, persistent and 0700; config 0600. */
export const stateIntegrityFindings = (facts: StateFacts): ReadonlyArray<Finding> => {
  const findings: Array<Finding> = []
  const at = (severity: Finding["severity"], path: string, message: string, fixHint: string) =>
    findings.push({ checkId: CheckId.stateIntegrity, severity, message, path, fixHint })
  if (facts.stateKind === "missing") {
    at("error", facts.stateDir, "State directory is missing. Sessions, credentials, logs, and config are stored there.", "Run `openclaw doctor --fix` to create the state directory.")
  } else if (facts.stateKind === "other") {
    at("error", facts.stateDir, "State directory path exists but is not a directory.", "Move the file aside (or set OPENCLAW_STATE_DIR), then run `openclaw doctor --fix`.")
  } else {
    if (!facts.stateWritable) {
      at("error", facts.stateDir, "State directory is not writable.", "Give this user ownership of the state directory (chown), then run `openclaw doctor --fix`.")
    }
    if (facts.posixModes && facts.stateMode !== undefined && (facts.stateMode & 0o077) !== 0) {
      at("warning", facts.stateDir, "State directory permissions are too open. Recommend chmod 700.", "Run `openclaw doctor --fix` to chmod 700 the state directory.")
    }
    if (facts.stateFsType !== undefined && VOLATILE.has(facts.stateFsType)) {
      at(
        "warning",
        facts.stateDir,
        `State directory is on a volatile filesystem (${facts.stateFsType}); sessions, credentials and config disappear on reboot.`,
        "Set OPENCLAW_STATE_DIR to a directory on persistent storage."
      )
    }
  }
  if (facts.posixModes && facts.configMode !== undefined && (facts.configMode & 0o077) !== 0) {
    at("warning", facts.configPath, "Config file is group/world readable. Recommend chmod 600.", "Run `openclaw doctor --fix` to chmod 600 the config file.")
  }
  return findings
}

/**
 * The filesystem type of the longest mount point containing `target`, from `/proc/mounts` text
 * (`<source> <mountpoint> <fstype> ...`, spaces in paths escaped as `\040`).
 */
export const mountTypeFor = (mounts: string, target: string): string | undefined => {
  let best: { readonly point: string; readonly type: string } | undefined
  for (const line of mounts.split("\n")) {
    const [, rawPoint, type] = line.split(" ")
    if (rawPoint === undefined || type === undefined) continue
    const point = rawPoint.replace(/\\040/g, " ")
    const inside = point === "/" || target === point || target.startsWith(`${point}/`)
    if (inside && (best === undefined || point.length >= best.point.length)) best = { point, type }
  }
  return best?.type
}

/** A gateway or state lock file and what is known about its owner. */
export interface LockFacts {
  readonly path: string
  /** `gateway` locks are the running gateway's; the others are the cross-process write locks of state files. */
  readonly kind: "gateway" | "config" | "devices" | "sessions"
  readonly pid: number | undefined
  /** Process start time recorded in the lock, when the lock has one. */
  readonly recordedStartTime: string | undefined
  /** When the lock was taken, as recorded in it. */
  readonly createdAt?: string | undefined
  readonly pidAlive: boolean
  /** Start time of the live process with that pid, when the OS tells us. */
  readonly currentStartTime: string | undefined
  readonly ageMs: number
}

/** How a lock's kind reads in a finding. */
export const lockLabel = (kind: LockFacts["kind"]) =>
  kind === "gateway" ? "gateway" : kind === "config" ? "config write" : kind === "devices" ? "device pairing" : "session index"

/**
 * Why a lock is stale, or undefined when its owner may still be running (or it is too fresh to judge).
 * State locks are published whole (see lockOwner.ts), so an unreadable one is stale at once; a gateway
 * lock is written in two steps and gets `malformedAfterMs` first.
 */
export const staleLockReason = (lock: LockFacts, malformedAfterMs: number): string | undefined => {
  if (lock.pid === undefined) return lock.kind !== "gateway" || lock.ageMs >= malformedAfterMs ? "unreadable owner record" : undefined
  const owner = { pid: lock.pid, ...(lock.recordedStartTime === undefined ? {} : { startTime: lock.recordedStartTime }) }
  const verdict = judgeLock(owner, { alive: lock.pidAlive, startTime: lock.currentStartTime })
  return verdict._tag === "Stale" ? verdict.reason : undefined
}

/** Reads the owner of a gateway lock: `{"pid":…,"startTime":…}`, or a bare pid line (what older versions wrote). */
export const parseLockOwner = (text: string): { readonly pid: number; readonly startTime: string | undefined } | undefined => {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTime: undefined }
  try {
    const parsed: unknown = JSON.parse(trimmed)
    if (typeof parsed !== "object" || parsed === null) return undefined
    const pid = (parsed as { readonly pid?: unknown }).pid
    const startTime = (parsed as { readonly startTime?: unknown }).startTime
    return typeof pid === "number" && Number.isInteger(pid) && pid > 0
      ? { pid, startTime: typeof startTime === "string" ? startTime : undefined }
      : undefined
  } catch {
    return undefined
  }
}

/** `core/doctor/gateway-locks`: locks whose owner is gone (warning), and state locks a live process holds (info). */
export const lockFindings = (locks: ReadonlyArray<LockFacts>, malformedAfterMs: number): ReadonlyArray<Finding> =>
  locks.flatMap((lock): ReadonlyArray<Finding> => {
    const reason = staleLockReason(lock, malformedAfterMs)
    if (reason !== undefined) {
      return [{
        checkId: CheckId.gatewayLocks,
        severity: "warning",
        message: `Stale ${lockLabel(lock.kind)} lock (${reason}).`,
        path: lock.path,
        fixHint: "Run `openclaw doctor --fix` to delete stale locks."
      }]
    }
    // A running gateway holding its own lock is the normal state; a held state lock is worth a word.
    if (lock.kind === "gateway" || lock.pid === undefined) return []
    const since = lock.createdAt === undefined ? "" : ` since ${lock.createdAt}`
    return [{
      checkId: CheckId.gatewayLocks,
      severity: "info",
      message: `The ${lockLabel(lock.kind)} lock is held by pid ${lock.pid}${since}; writers wait for it.`,
      path: lock.path,
      fixHint: `Let that command finish; if it hangs, stop pid ${lock.pid} (its lock is then reclaimed).`
    }]
  })
