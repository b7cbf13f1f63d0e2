import type { PairedDeviceSummary } from "../protocol/methods.js"
import type { PairedDevice } from "./records.js"

/**
 * A paired record as operators see it: token secrets dropped, the original's `role`/`scopes`, first
 * token time as `createdAtMs` and the last token use as `lastSeenAtMs`.
 */
export const summarizePaired = (device: PairedDevice, connected: boolean): PairedDeviceSummary => {
  const tokens = Object.values(device.tokens).map(({ token: _secret, ...rest }) => rest)
  const created = Math.min(device.approvedAtMs, ...tokens.map((t) => t.createdAtMs))
  const used = tokens.flatMap((t) => (t.lastUsedAtMs === undefined ? [] : [t.lastUsedAtMs]))
  const { tokens: _records, ...rest } = device
  return {
    ...rest,
    ...(device.roles[0] === undefined ? {} : { role: device.roles[0] }),
    scopes: device.approvedScopes,
    createdAtMs: created,
    ...(used.length === 0 ? {} : { lastSeenAtMs: Math.max(...used) }),
    tokens,
    connected
  }
}
