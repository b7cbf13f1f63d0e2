import type { PendingRequest } from "./records.js"

/** A change other parts of the gateway must react to (events, closing sessions). */
export type RegistryChange =
  | { readonly _tag: "Requested"; readonly request: PendingRequest }
  | { readonly _tag: "Resolved"; readonly requestId: string; readonly deviceId: string; readonly decision: "approved" | "rejected"; readonly ts: number }
  | { readonly _tag: "TokenInvalidated"; readonly deviceId: string; readonly role: string | undefined; readonly reason: string }
