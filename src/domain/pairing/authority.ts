import { scopesCovered } from "../protocol/scopes.js"
import type { PairedDevice } from "./records.js"
import { unionOf } from "./registryState.js"

/** Every scope a paired device holds: what was approved for it and what its live tokens carry. */
export const heldScopes = (device: PairedDevice): ReadonlyArray<string> =>
  unionOf(device.approvedScopes, Object.values(device.tokens).filter((t) => t.revokedAtMs === undefined).flatMap((t) => t.scopes))

/**
 * Whether a caller holding `callerScopes` may rename, remove, rotate or revoke `device`: only when its
 * scopes cover every scope the device holds (admin covers all), so `operator.pairing` alone cannot
 * strip or delete an admin device. A device acting on itself is exempt: it already holds what it has.
 */
export const mayManageDevice = (caller: { readonly scopes: ReadonlyArray<string>; readonly deviceId: string | undefined }, device: PairedDevice): boolean =>
  caller.deviceId === device.deviceId || scopesCovered(caller.scopes, heldScopes(device))
