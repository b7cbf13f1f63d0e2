import { VersionGuardBlocked } from "./errors.js"
import { isRecord } from "./isRecord.js"

/** A parsed calendar version: `2026.11.2`, `2026.11.2-beta.3`, `2026.3.13-1` (correction), `-main.<sha>`. */
export interface CalendarVersion {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** Pre-release identifiers (`["beta", 3]`), or a correction number (`[1]`), or empty. */
  readonly pre: ReadonlyArray<string | number>
}

/** Parses a version, accepting the legacy `x.y.z.beta.N` spelling; `undefined` when unparseable. */
export const parseVersion = (input: string): CalendarVersion | undefined => {
  const normalized = input.trim().replace(/^v/, "").replace(/^(\d+\.\d+\.\d+)\.(beta|alpha|rc)\.(\d+)$/, "$1-$2.$3")
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(normalized)
  if (match === null) return undefined
  const pre = match[4] === undefined ? [] : match[4].split(".").map((id) => (/^\d+$/.test(id) ? Number(id) : id))
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), pre }
}

const isCorrection = (v: CalendarVersion) => v.pre.length === 1 && typeof v.pre[0] === "number"
const isMainBuild = (v: CalendarVersion) => v.pre[0] === "main"

/** Semver precedence: negative when `a` sorts before `b`. */
export const compareVersions = (a: CalendarVersion, b: CalendarVersion): number => {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch
  if (core !== 0) return core
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i]
    const y = b.pre[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    if (typeof x === "number" && typeof y === "number") return x - y
    if (typeof x === "number") return -1
    if (typeof y === "number") return 1
    return x < y ? -1 : 1
  }
  return 0
}

/**
 * True when this binary (`current`) is older than the one that last wrote the config (`touched`).
 * Same-day builds are not "older" when the config was touched by the stable release or a `-N`
 * correction of that day, or when both are `-main.<sha>` builds.
 */
export const isOlderThanTouched = (current: string, touched: string): boolean => {
  const cur = parseVersion(current)
  const tch = parseVersion(touched)
  if (cur === undefined || tch === undefined) return false
  const sameCore = cur.major === tch.major && cur.minor === tch.minor && cur.patch === tch.patch
  if (sameCore && (tch.pre.length === 0 || isCorrection(tch) || (isMainBuild(cur) && isMainBuild(tch)))) return false
  return compareVersions(cur, tch) < 0
}

/** The warning printed once per process when reading a config written by a newer OpenClaw. */
export const newerConfigWarning = (touched: string, current: string) =>
  `Config was last written by a newer OpenClaw (${touched}); current version is ${current}.`

/** Mutating actions the version guard protects, in the original's words. */
export type GuardedAction =
  | "install or rewrite the gateway service"
  | "rewrite the gateway service"
  | "uninstall the gateway service"
  | "start the gateway service"
  | "stop the gateway service"
  | "restart the gateway service"
  | "install or rewrite the node service"
  | "uninstall the node service"
  | "start the node service"
  | "stop the node service"
  | "restart the node service"
  | "force-kill gateway port listeners"
  | "reset the dev gateway state"
  | "run gateway state preparation"

const OVERRIDE_VALUES = new Set(["1", "true", "yes"])

/** Whether `OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS` asks to let an older binary act. */
export const overrideRequested = (value: string | undefined) =>
  value !== undefined && OVERRIDE_VALUES.has(value.trim().toLowerCase())

/**
 * Decides whether `action` may run. Service-mode startup (`serviceMode`) ignores the override, because
 * a supervisor restarting an old binary in a loop must stop instead of clobbering newer state.
 */
export const checkVersionGuard = (input: {
  readonly action: GuardedAction
  readonly currentVersion: string
  readonly touchedVersion: string | undefined
  readonly override: string | undefined
  readonly serviceMode: boolean
}): VersionGuardBlocked | undefined => {
  const { action, currentVersion, touchedVersion, serviceMode } = input
  if (touchedVersion === undefined || !isOlderThanTouched(currentVersion, touchedVersion)) return undefined
  if (!serviceMode && overrideRequested(input.override)) return undefined
  return new VersionGuardBlocked({
    message: [
      `Refusing to ${action} because this OpenClaw binary (${currentVersion}) is older than the config last written by OpenClaw ${touchedVersion}.`,
      "Run the newer openclaw binary on PATH, or reinstall the intended gateway service from the newer install.",
      "Set OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 only for an intentional downgrade or recovery action."
    ].join("\n"),
    action,
    currentVersion,
    touchedVersion,
    serviceMode
  })
}

/** `meta.lastTouchedVersion` of a parsed config. */
export const touchedVersionOf = (authored: unknown): string | undefined => {
  const meta = isRecord(authored) ? authored["meta"] : undefined
  const version = isRecord(meta) ? meta["lastTouchedVersion"] : undefined
  return typeof version === "string" ? version : undefined
}
