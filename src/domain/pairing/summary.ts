import type { PairedDeviceSummary } from "../protocol/methods.js"
import type { PairedDevice } from "./records.js"

/**
 * A paired record as operators see it: token secrets dropped, the original's `role`/`scopes`, first
 * token time as `createdAtMs`, and as `lastSeenAtMs` the latest of approval, token issue, rotation or
 * use, and the start of a live connection (`connectedAtMs`, when connected now). `lastSeenReason` is
 * the original's `connect` when that time is a connection or a token's use.
 */
export const summarizePaired = (device: PairedDevice, connectedAtMs: ReadonlyArray<number>): PairedDeviceSummary => {
  const tokens = Object.values(device.tokens).map(({ token: _secret, ...rest }) => rest)
  const created = Math.min(device.approvedAtMs, ...tokens.map((t) => t.createdAtMs))
  const connects = [...connectedAtMs, ...tokens.map((t) => t.lastUsedAtMs ?? 0)]
  const seen = [device.approvedAtMs, ...connects, ...tokens.flatMap((t) => [t.createdAtMs, t.rotatedAtMs ?? 0])]
  const lastSeenAtMs = Math.max(...seen)
  const { tokens: _records, ...rest } = device
  return {
    ...rest,
    ...(device.roles[0] === undefined ? {} : { role: device.roles[0] }),
    scopes: device.approvedScopes,
    createdAtMs: created,
    lastSeenAtMs,
    ...(connects.some((t) => t > 0 && t === lastSeenAtMs) ? { lastSeenReason: "connect" } : {}),
    tokens,
    connected: connectedAtMs.length > 0
  }
}
