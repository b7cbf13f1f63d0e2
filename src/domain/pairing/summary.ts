import type { PairedDeviceSummary } from "../protocol/methods.js"
import type { PairedDevice } from "./records.js"

/**
 * A paired record as operators see it: token secrets dropped, the original's `role`/`scopes`, first
 * token time as `createdAtMs`, and as `lastSeenAtMs` the latest of approval, token issue, rotation or
 * use, and the start of a live connection (`connectedAtMs`, when connected now).
 */
export const summarizePaired = (device: PairedDevice, connectedAtMs: ReadonlyArray<number>): PairedDeviceSummary => {
  const tokens = Object.values(device.tokens).map(({ token: _secret, ...rest }) => rest)
  const created = Math.min(device.approvedAtMs, ...tokens.map((t) => t.createdAtMs))
  const seen = [device.approvedAtMs, ...connectedAtMs, ...tokens.flatMap((t) => [t.createdAtMs, t.rotatedAtMs ?? 0, t.lastUsedAtMs ?? 0])]
  const { tokens: _records, ...rest } = device
  return {
    ...rest,
    ...(device.roles[0] === undefined ? {} : { role: device.roles[0] }),
    scopes: device.approvedScopes,
    createdAtMs: created,
    lastSeenAtMs: Math.max(...seen),
    tokens,
    connected: connectedAtMs.length > 0
  }
}
