import type { PresenceEntry } from "../protocol/methods.js"

/** What the gateway says about its own host in presence (the original's `reason: "self"` entry). */
export interface GatewayHostFacts {
  readonly host: string
  readonly ip: string | undefined
  readonly version: string
  /** `<os> <release>`, as the original prints it. */
  readonly platform: string
  readonly deviceFamily: string
  readonly instanceId: string
}

/** `Linux`, `macOS`, `Windows`: the original's family names for Node's platform ids. */
export const deviceFamilyOf = (platform: string): string =>
  platform === "darwin" ? "macOS" : platform === "win32" ? "Windows" : platform === "linux" ? "Linux" : platform

/** The gateway's own presence entry, first in `system-presence` and in hello-ok's snapshot. */
export const selfPresenceEntry = (facts: GatewayHostFacts, ts: number): PresenceEntry => ({
  host: facts.host,
  ...(facts.ip === undefined ? {} : { ip: facts.ip }),
  version: facts.version,
  platform: facts.platform,
  deviceFamily: facts.deviceFamily,
  mode: "gateway",
  reason: "self",
  instanceId: facts.instanceId,
  text: `Gateway: ${facts.host}${facts.ip === undefined ? "" : ` (${facts.ip})`} · app ${facts.version} · mode gateway · reason self`,
  ts
})
