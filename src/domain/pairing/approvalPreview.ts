import type { PairedDeviceSummary, PendingSummary } from "../protocol/methods.js"

/** Roles and scopes, asked for or granted. */
export interface Access {
  readonly roles: ReadonlyArray<string>
  readonly scopes: ReadonlyArray<string>
}

export type ApprovalKind = "new-pairing" | "role-upgrade" | "scope-upgrade" | "re-approval"

/** What approving a pending request would change, in the original's terms (`devices approve --latest --json`). */
export interface ApprovalState {
  readonly kind: ApprovalKind
  readonly requested: Access
  readonly approved: Access | null
}

const covers = (have: ReadonlyArray<string>, want: ReadonlyArray<string>) => want.every((item) => have.includes(item))

export const approvalState = (request: typeof PendingSummary.Type, paired: PairedDeviceSummary | undefined): ApprovalState => {
  const requested = { roles: request.roles ?? [request.role], scopes: request.scopes }
  if (paired === undefined) return { kind: "new-pairing", requested, approved: null }
  const approved = { roles: paired.roles, scopes: paired.scopes }
  const kind = !covers(approved.roles, requested.roles) ? "role-upgrade" : !covers(approved.scopes, requested.scopes) ? "scope-upgrade" : "re-approval"
  return { kind, requested, approved }
}

/** The newest pending request (largest `ts`), if any. */
export const latestRequest = <R extends { readonly ts: number }>(pending: ReadonlyArray<R>): R | undefined =>
  pending.reduce<R | undefined>((latest, r) => (latest === undefined || r.ts > latest.ts ? r : latest), undefined)

export const accessLine = (access: Access) =>
  `roles: ${access.roles.length > 0 ? access.roles.join(", ") : "none"}; scopes: ${access.scopes.length > 0 ? access.scopes.join(", ") : "none"}`

export const approvalNote = (kind: ApprovalKind): string => {
  switch (kind) {
    case "new-pairing":
      return "First-time device pairing request."
    case "role-upgrade":
      return "Already paired. Requested role exceeds the current approval, so reconnect stays blocked until you approve this upgrade."
    case "scope-upgrade":
      return "Already paired. Requested scopes exceed the current approval, so reconnect stays blocked until you approve this upgrade."
    case "re-approval":
      return "Already paired. Approval-bound device details changed, so OpenClaw created a fresh request instead of silently reusing the old approval."
  }
}

const quoted = (arg: string) => (/^[A-Za-z0-9_./:@=+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)

/** The exact command that approves `requestId` with the same target (`--url`, a non-default `--timeout`, `--json`). Credentials are never echoed. */
export const approveCommand = (requestId: string, options: { readonly url?: string | undefined; readonly timeoutMs?: number | undefined; readonly json: boolean }) =>
  [
    "openclaw", "devices", "approve", requestId,
    ...(options.url === undefined || options.url.trim() === "" ? [] : ["--url", options.url]),
    ...(options.timeoutMs === undefined || options.timeoutMs === 10_000 ? [] : ["--timeout", String(options.timeoutMs)]),
    ...(options.json ? ["--json"] : [])
  ].map(quoted).join(" ")

/** Which credential flags the rerun needs again, said once (they are not part of the printed command). */
export const authFlagReminder = (options: { readonly token?: string | undefined; readonly password?: string | undefined }) => {
  const flags = [...(options.token?.trim() ? ["--token"] : []), ...(options.password?.trim() ? ["--password"] : [])]
  return flags.length === 0 ? undefined : `Reuse the same ${flags.join("/")} option${flags.length === 1 ? "" : "s"} when rerunning.`
}
