import { formatConfigPath, type PathSegment } from "../ConfigPath.js"
import { isRecord } from "../isRecord.js"

const PROTECTED = [
  ["agents", "defaults", "models"],
  ["agents", "entries"],
  ["models", "providers"],
  ["models", "providers", "*"],
  ["models", "providers", "*", "models"],
  ["plugins", "entries"],
  ["auth", "profiles"]
] as const

/** True for the maps where users keep their own entries, which a plain `set` must not silently drop. */
export const isProtectedPath = (path: ReadonlyArray<PathSegment>): boolean =>
  PROTECTED.some((pattern) => pattern.length === path.length && pattern.every((p, i) => p === "*" || p === path[i]))

const entryKey = (item: unknown, index: number): string =>
  isRecord(item) && typeof item["id"] === "string" ? item["id"] : String(index)

/** Entry names present in `existing` but absent from `next` (object keys, or array items by `id`). */
export const droppedEntries = (existing: unknown, next: unknown): ReadonlyArray<string> => {
  if (isRecord(existing)) {
    const kept = isRecord(next) ? next : {}
    return Object.keys(existing).filter((key) => !Object.hasOwn(kept, key))
  }
  if (Array.isArray(existing)) {
    const kept = new Set(Array.isArray(next) ? next.map(entryKey) : [])
    return existing.map(entryKey).filter((key) => !kept.has(key))
  }
  return []
}

/** `--merge`: adds or overrides entries of a map (or an `id`-keyed array) without dropping any. */
export const mergeEntries = (existing: unknown, next: unknown): unknown => {
  if (isRecord(existing) && isRecord(next)) return { ...existing, ...next }
  if (Array.isArray(existing) && Array.isArray(next)) {
    const byKey = new Map(existing.map((item, i) => [entryKey(item, i), item] as const))
    next.forEach((item, i) => byKey.set(entryKey(item, existing.length + i), item))
    return [...byKey.values()]
  }
  return next
}

/** The one hint printed after a successful write. */
export type RestartHint =
  | "Restart the gateway to apply."
  | "Change will apply without restarting the gateway."
  | "No gateway restart needed."

// Sections the running gateway reads only at start (or that the original marks as restart-only).
const RESTART_SECTIONS = new Set(["gateway", "discovery", "browser", "plugins", "canvasHost"])
// Client-side or bookkeeping paths the gateway does not act on.
const INERT_PATHS = ["meta", "gateway.remote", "gateway.reload", "logging", "wizard", "update", "ui", "$schema"]

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)

/** Chooses the hint for a set of changed paths: restart wins over hot reload, which wins over none. */
export const restartHint = (changed: ReadonlyArray<ReadonlyArray<PathSegment>>): RestartHint => {
  let hot = false
  for (const segments of changed) {
    const path = formatConfigPath(segments)
    if (INERT_PATHS.some((p) => under(path, p))) continue
    if (RESTART_SECTIONS.has(String(segments[0]))) return "Restart the gateway to apply."
    hot = true
  }
  return hot ? "Change will apply without restarting the gateway." : "No gateway restart needed."
}

/** The leaf paths whose values differ between two configs (added, removed or changed). */
export const changedPaths = (a: unknown, b: unknown, path: ReadonlyArray<PathSegment> = []): Array<ReadonlyArray<PathSegment>> => {
  // An added or removed object counts by its leaves, so `logging: {level}` added reads as `logging.level`.
  if ((isRecord(a) || a === undefined) && (isRecord(b) || b === undefined) && (isRecord(a) || isRecord(b))) {
    const left = isRecord(a) ? a : {}
    const right = isRecord(b) ? b : {}
    const keys = new Set([...Object.keys(left), ...Object.keys(right)])
    const leaves = [...keys].flatMap((key) => changedPaths(left[key], right[key], [...path, key]))
    return leaves.length === 0 && (a === undefined) !== (b === undefined) ? [path] : leaves
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path]
}

/** One requested change, in the order given on the command line or in a batch. */
export type EditOp =
  | { readonly _tag: "Set"; readonly path: ReadonlyArray<PathSegment>; readonly value: unknown; readonly mode: "plain" | "merge" | "replace" }
  | { readonly _tag: "Unset"; readonly path: ReadonlyArray<PathSegment> }
  | { readonly _tag: "Patch"; readonly patch: unknown; readonly replacePaths: ReadonlyArray<string> }
  /** A precondition (`config set --expect-current-absent | --expect-current-json`): the authored value at `path` must be absent, or equal `value`. */
  | { readonly _tag: "Expect"; readonly path: ReadonlyArray<PathSegment>; readonly expected: { readonly absent: true } | { readonly value: unknown } }

export type EditFailure =
  | { readonly _tag: "Missing"; readonly path: string }
  | { readonly _tag: "Unexpected"; readonly path: string; readonly expectedAbsent: boolean }
  | { readonly _tag: "Protected"; readonly path: string; readonly dropped: ReadonlyArray<string> }
