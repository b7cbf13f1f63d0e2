import { Schema } from "effect"
import { FailoverReason } from "./failover.js"
import type { FailoverAttempt } from "./errors.js"
import { opt } from "../opt.js"

/** The last failure of a profile, for status output. */
export const LastError = Schema.Struct({
  at: Schema.Number,
  model: Schema.String,
  reason: FailoverReason,
  code: Schema.String,
  status: opt(Schema.Number),
  summary: Schema.String
})
export type LastError = typeof LastError.Type

/** Health of one auth profile (`<provider>:default` while auth profiles are config/env keys). */
export const ProfileHealth = Schema.Struct({
  provider: Schema.String,
  lastUsed: opt(Schema.Number),
  errorCount: Schema.Number,
  lastFailureAt: opt(Schema.Number),
  cooldownUntil: opt(Schema.Number),
  cooldownReason: opt(FailoverReason),
  /** Rate-limit cooldowns are scoped to the model that hit them. */
  cooldownModel: opt(Schema.String),
  disabledUntil: opt(Schema.Number),
  disabledReason: opt(FailoverReason),
  lastError: opt(LastError)
})
export type ProfileHealth = typeof ProfileHealth.Type

/** The most recent fallback decision: which model was selected, which answered (if any) and why. */
export const FallbackRecord = Schema.Struct({
  at: Schema.Number,
  selected: Schema.String,
  active: opt(Schema.String),
  reason: FailoverReason,
  summary: Schema.String,
  outcome: Schema.Literal("fallback", "exhausted")
})
export type FallbackRecord = typeof FallbackRecord.Type

/** `agents/<agentId>/agent/auth-health.json`: profile health and the last fallback decision. */
export const HealthFile = Schema.Struct({
  version: Schema.Literal(1),
  profiles: Schema.Record({ key: Schema.String, value: ProfileHealth }),
  lastFallback: opt(FallbackRecord)
})
export type HealthFile = typeof HealthFile.Type

export const emptyHealth: HealthFile = { version: 1, profiles: {} }

/** Cooldown timings (read from the model policy). */
export interface CooldownPolicy {
  /** Cooldown after the 1st, 2nd, 3rd+ failure in a window (30 s, 1 min, 5 min cap). */
  readonly stepsMs: ReadonlyArray<number>
  /** Failures older than this no longer count toward the next step. */
  readonly failureWindowMs: number
  readonly billingDisableMs: number
  readonly authPermanentDisableMs: number
}

/** The profile id a provider's config/env credential stands for. */
export const defaultProfileId = (provider: string) => `${provider}:default`

const COOLDOWN: ReadonlySet<FailoverReason> = new Set(["rate_limit", "overloaded", "auth", "session_expired", "timeout"])

/** The profile after a failed call at `now`. */
export const recordFailure = (current: ProfileHealth | undefined, provider: string, error: LastError, now: number, policy: CooldownPolicy): ProfileHealth => {
  const base: ProfileHealth = current ?? { provider, errorCount: 0 }
  const stale = base.lastFailureAt === undefined || now - base.lastFailureAt > policy.failureWindowMs
  const errorCount = (stale ? 0 : base.errorCount) + 1
  const next: ProfileHealth = { ...base, provider, errorCount, lastFailureAt: now, lastError: error }
  if (error.reason === "billing" || error.reason === "auth_permanent") {
    const ms = error.reason === "billing" ? policy.billingDisableMs : policy.authPermanentDisableMs
    return { ...next, disabledUntil: now + ms, disabledReason: error.reason }
  }
  if (!COOLDOWN.has(error.reason)) return next
  const step = policy.stepsMs[Math.min(errorCount, policy.stepsMs.length) - 1] ?? 30_000
  return { ...next, cooldownUntil: now + step, cooldownReason: error.reason, cooldownModel: error.model }
}

/** The profile after a successful call: counters and cooldowns cleared. */
export const recordSuccess = (current: ProfileHealth | undefined, provider: string, now: number): ProfileHealth => {
  const kept: ProfileHealth = { provider, errorCount: 0, lastUsed: now }
  return current?.lastError === undefined ? kept : { ...kept, lastError: current.lastError }
}

/**
 * Whether a success changes anything worth a disk write: errors or a cooldown to clear, or a `lastUsed`
 * older than `refreshMs`. A healthy profile's back-to-back successes cost no write.
 */
export const successNeedsWrite = (current: ProfileHealth | undefined, now: number, refreshMs = 60_000): boolean =>
  current === undefined ||
  current.errorCount > 0 ||
  current.cooldownUntil !== undefined ||
  current.disabledUntil !== undefined ||
  current.lastUsed === undefined ||
  now - current.lastUsed > refreshMs

/** A profile that cannot be used right now, as `models status` lists it. */
export interface UnusableProfile {
  readonly profileId: string
  readonly provider: string
  readonly kind: "cooldown" | "disabled"
  readonly reason: FailoverReason
  readonly until: number
  readonly remainingMs: number
  readonly model: string | undefined
  readonly lastError: LastError | undefined
}

/** Profiles in cooldown or disabled at `now`, soonest expiry first. */
export const unusableProfiles = (health: HealthFile, now: number): ReadonlyArray<UnusableProfile> =>
  Object.entries(health.profiles)
    .flatMap(([profileId, profile]): Array<UnusableProfile> => {
      if (profile.disabledUntil !== undefined && profile.disabledUntil > now) {
        return [{ profileId, provider: profile.provider, kind: "disabled", reason: profile.disabledReason ?? "unknown", until: profile.disabledUntil, remainingMs: profile.disabledUntil - now, model: profile.lastError?.model, lastError: profile.lastError }]
      }
      if (profile.cooldownUntil !== undefined && profile.cooldownUntil > now) {
        return [{ profileId, provider: profile.provider, kind: "cooldown", reason: profile.cooldownReason ?? "unknown", until: profile.cooldownUntil, remainingMs: profile.cooldownUntil - now, model: profile.cooldownModel, lastError: profile.lastError }]
      }
      return []
    })
    .sort((a, b) => a.until - b.until)

/** The health file after `attempt` failed at `now`: its provider's profile moves to the next cooldown step. */
export const withFailure = (current: HealthFile, attempt: FailoverAttempt, now: number, policy: CooldownPolicy): HealthFile => {
  const id = defaultProfileId(attempt.provider)
  const error: LastError = { at: now, model: attempt.model, reason: attempt.reason, code: attempt.code, summary: attempt.summary, ...(attempt.status === undefined ? {} : { status: attempt.status }) }
  return { ...current, profiles: { ...current.profiles, [id]: recordFailure(current.profiles[id], attempt.provider, error, now, policy) } }
}

/** The health file after a success of `provider` at `now`, or `current` itself when nothing needs writing. */
export const withSuccess = (current: HealthFile, provider: string, now: number): HealthFile => {
  const id = defaultProfileId(provider)
  if (!successNeedsWrite(current.profiles[id], now)) return current
  return { ...current, profiles: { ...current.profiles, [id]: recordSuccess(current.profiles[id], provider, now) } }
}

/** The health file with `record` as the last fallback decision. */
export const withFallback = (current: HealthFile, record: FallbackRecord): HealthFile => ({ ...current, lastFallback: record })
