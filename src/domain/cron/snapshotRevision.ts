import { createHash } from "node:crypto"

/** JSON with object keys sorted at every level, so equal values always give the same text. */
export const stableStringify = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item === undefined ? null : item)).join(",")}]`
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

/**
 * The revision of a cron inventory, as the original's `cron.list` names it (`sha256:<base64url>` of the
 * listed jobs): the Control UI pages with it and starts over when it changes between pages.
 */
export const cronSnapshotRevision = (jobs: ReadonlyArray<unknown>) =>
  `sha256:${createHash("sha256").update(stableStringify(jobs)).digest("base64url")}`
