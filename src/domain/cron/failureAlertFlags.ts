import { parseDurationMs } from "./duration.js"
import type { FailureAlert } from "./job.js"

/** The `--failure-alert*` flags of `cron edit`, as parsed (absent = undefined or false). */
export interface FailureAlertFlags {
  readonly failureAlert: boolean
  readonly noFailureAlert: boolean
  readonly after?: string | undefined
  readonly channel?: string | undefined
  readonly to?: string | undefined
  readonly cooldown?: string | undefined
  readonly includeSkipped: boolean
  readonly excludeSkipped: boolean
  readonly mode?: string | undefined
  readonly accountId?: string | undefined
}

/**
 * The `failureAlert` part of a `cron.update` patch: `false` for `--no-failure-alert`, an object with the
 * fields given (merged over the job's policy by the gateway; `--failure-alert` alone is `{}`, which turns
 * alerts on with the defaults), nothing when no such flag was passed, or the user's mistake.
 */
export const failureAlertPatch = (flags: FailureAlertFlags): { readonly patch?: FailureAlert } | { readonly error: string } => {
  if (flags.includeSkipped && flags.excludeSkipped) return { error: "Use either --failure-alert-include-skipped or --failure-alert-exclude-skipped." }
  const fields = [flags.after, flags.channel, flags.to, flags.cooldown, flags.mode, flags.accountId].some((v) => v !== undefined) || flags.includeSkipped || flags.excludeSkipped
  if (flags.noFailureAlert && (fields || flags.failureAlert)) return { error: "Use --no-failure-alert alone (without failure-alert-* options)." }
  if (flags.noFailureAlert) return { patch: false }
  if (!fields && !flags.failureAlert) return {}
  let after: number | undefined
  if (flags.after !== undefined) {
    after = /^\d+$/.test(flags.after.trim()) ? Number(flags.after.trim()) : Number.NaN
    if (!Number.isSafeInteger(after) || after < 1) return { error: "Invalid --failure-alert-after (must be a positive integer)." }
  }
  let cooldownMs: number | undefined
  if (flags.cooldown !== undefined) {
    cooldownMs = parseDurationMs(flags.cooldown)
    if (cooldownMs === undefined) return { error: "Invalid --failure-alert-cooldown (use a duration such as 30m, 1h or 0s)." }
  }
  const mode = flags.mode?.trim().toLowerCase()
  if (mode !== undefined && mode !== "announce" && mode !== "webhook") return { error: "Invalid --failure-alert-mode (must be 'announce' or 'webhook')." }
  const text = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim())
  const channel = text(flags.channel)?.toLowerCase()
  const to = text(flags.to)
  const accountId = text(flags.accountId)
  return {
    patch: {
      ...(after === undefined ? {} : { after }),
      ...(cooldownMs === undefined ? {} : { cooldownMs }),
      ...(flags.includeSkipped || flags.excludeSkipped ? { includeSkipped: flags.includeSkipped } : {}),
      ...(mode === undefined ? {} : { mode }),
      ...(channel === undefined ? {} : { channel }),
      ...(to === undefined ? {} : { to }),
      ...(accountId === undefined ? {} : { accountId })
    }
  }
}
