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
  return Array.from(rows.values(), ({ latest, roles, scopes }) => presenceEntry(latest, roles, scopes, host))
}

/** A row as the wire shows it: the device's most recent connection, with its merged roles and scopes. */
const presenceEntry = (latest: PresenceSource, roles: Iterable<string>, scopes: Iterable<string>, host: string): PresenceEntry => ({
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
})

const presenceKey = (source: PresenceSource): string =>
  source.deviceId === undefined ? `conn:${source.connId}` : `device:${source.deviceId}`

interface Row {
  readonly sources: Map<string, PresenceSource>
  // Counted, so a socket leaving takes its role or scope away only when no other socket of the row has it.
  readonly roles: Map<string, number>
  readonly scopes: Map<string, number>
  latest: PresenceSource
  entry: PresenceEntry | undefined
}

const count = (counts: Map<string, number>, key: string, by: number) => {
  const next = (counts.get(key) ?? 0) + by
  if (next <= 0) counts.delete(key)
  else counts.set(key, next)
}

/**
 * `clientPresence` kept up to date one socket at a time: a connect or disconnect touches only its own row,
 * where building the list anew walked every socket (a storm of n connects, each answered with the list,
 * cost n^2). Rows keep the order in which their keys first appeared.
 */
export const makePresenceIndex = (host: string) => {
  const rows = new Map<string, Row>()
  const entryOf = (row: Row): PresenceEntry => {
    row.entry ??= presenceEntry(row.latest, row.roles.keys(), row.scopes.keys(), host)
    return row.entry
  }
  return {
    add: (source: PresenceSource): void => {
      const key = presenceKey(source)
      let row = rows.get(key)
      if (row === undefined) {
        row = { sources: new Map(), roles: new Map(), scopes: new Map(), latest: source, entry: undefined }
        rows.set(key, row)
      }
      row.sources.set(source.connId, source)
      count(row.roles, source.role, 1)
      for (const scope of new Set(source.scopes)) count(row.scopes, scope, 1)
      if (source.connectedAtMs >= row.latest.connectedAtMs) row.latest = source
      row.entry = undefined
    },
    remove: (source: PresenceSource): void => {
      const key = presenceKey(source)
      const row = rows.get(key)
      if (row === undefined || !row.sources.delete(source.connId)) return
      if (row.sources.size === 0) return void rows.delete(key)
      count(row.roles, source.role, -1)
      for (const scope of new Set(source.scopes)) count(row.scopes, scope, -1)
      if (row.latest.connId === source.connId) {
        // The most recent of those left (the last one seen among equals, as clientPresence picks it).
        let latest: PresenceSource | undefined
        for (const other of row.sources.values()) if (latest === undefined || other.connectedAtMs >= latest.connectedAtMs) latest = other
        if (latest !== undefined) row.latest = latest
      }
      row.entry = undefined
    },
    entries: (): Array<PresenceEntry> => Array.from(rows.values(), entryOf)
  }
}
