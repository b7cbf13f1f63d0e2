import type { PresenceEntry } from "../protocol/methods.js"

/** What presence needs of a connected socket. */
export interface PresenceSource {
  readonly connId: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly deviceId: string | undefined
  readonly clientId: string
  readonly clientMode: string
  readonly clientVersion: string
  readonly platform: string
  readonly connectedAtMs: number
}

/**
 * The clients' presence entries, one per device as the original keys them (a device connected as operator
 * and node, or many times over, is one row with its roles and scopes merged); a socket without a device
 * identity is a row of its own. Each row shows its device's most recent connection.
 */
export const clientPresence = (sources: Iterable<PresenceSource>, host: string): Array<PresenceEntry> => {
  const rows = new Map<string, { latest: PresenceSource; roles: Set<string>; scopes: Set<string> }>()
  for (const source of sources) {
    const key = source.deviceId === undefined ? `conn:${source.connId}` : `device:${source.deviceId}`
    const row = rows.get(key)
    if (row === undefined) {
      rows.set(key, { latest: source, roles: new Set([source.role]), scopes: new Set(source.scopes) })
      continue
    }
    if (source.connectedAtMs >= row.latest.connectedAtMs) row.latest = source
    row.roles.add(source.role)
    for (const scope of source.scopes) row.scopes.add(scope)
  }
  return Array.from(rows.values(), ({ latest, roles, scopes }) => ({
    ts: latest.connectedAtMs,
    host,
    version: latest.clientVersion,
    platform: latest.platform,
    mode: latest.clientMode,
    clientId: latest.clientId,
    connId: latest.connId,
    roles: [...roles],
    scopes: [...scopes],
    ...(latest.deviceId === undefined ? {} : { deviceId: latest.deviceId })
  }))
}
