import { normalizeMetadata } from "../protocol/deviceAuth.js"
import { scopesCovered } from "../protocol/scopes.js"
import type { PairedDevice, PairingReason } from "./records.js"

/** What a device presents at connect, after its proof has been verified. */
export interface PresentedDevice {
  readonly publicKey: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly platform?: string | undefined
  readonly deviceFamily?: string | undefined
}

/** Why a device must be (re-)approved; `isRepair` when a record exists under a different key. */
export interface PairingDecision {
  readonly reason: PairingReason
  readonly isRepair: boolean
}

/** A pinned metadata value differs from the presented one (compared normalized; unpinned never differs). */
const metadataChanged = (pinned: string | undefined, presented: string | undefined) =>
  pinned !== undefined && normalizeMetadata(pinned) !== normalizeMetadata(presented)

/**
 * The connect decision of spec section 5: `undefined` when the paired record already covers what the
 * device presents, else the reason it must be approved.
 */
export const decidePairing = (paired: PairedDevice | undefined, presented: PresentedDevice): PairingDecision | undefined => {
  if (paired === undefined) return { reason: "not-paired", isRepair: false }
  if (paired.publicKey !== presented.publicKey) return { reason: "not-paired", isRepair: true }
  if (metadataChanged(paired.platform, presented.platform) || metadataChanged(paired.deviceFamily, presented.deviceFamily)) {
    return { reason: "metadata-upgrade", isRepair: false }
  }
  if (!paired.roles.includes(presented.role)) return { reason: "role-upgrade", isRepair: false }
  if (presented.scopes.length > 0 && !scopesCovered(paired.approvedScopes, presented.scopes)) {
    return { reason: "scope-upgrade", isRepair: false }
  }
  return undefined
}

/** The `NOT_PAIRED` message for a pairing decision. */
export const pairingMessage = (reason: PairingReason, isRepair: boolean): string => {
  if (isRepair) return "pairing required: device identity changed and must be re-approved"
  switch (reason) {
    case "not-paired":
      return "pairing required: device is not approved yet"
    case "role-upgrade":
      return "pairing required: device is asking for a higher role than currently approved"
    case "scope-upgrade":
      return "pairing required: device is asking for more scopes than currently approved"
    case "metadata-upgrade":
      return "pairing required: device metadata changed and must be re-approved"
  }
}
