/** One provider's usage windows in `status --usage`, in the original's shape. */
export interface ProviderUsage {
  readonly provider: string
  readonly displayName: string
  readonly windows: ReadonlyArray<{ readonly label: string; readonly percentLeft: number }>
  readonly error?: string
}

export interface UsageReport {
  readonly updatedAt: number
  readonly providers: ReadonlyArray<ProviderUsage>
}

// Clawgate fetches no provider quota endpoints: each provider in use says so, as the original reports a
// provider whose usage it cannot read (an entry with no windows and an error).
export const USAGE_NOT_AVAILABLE = "usage/quota snapshots are not available for this provider in this version of Clawgate"

/** The usage report for the providers the default model and its fallbacks use. */
export const usageReport = (providers: ReadonlyArray<string>, now: number): UsageReport => ({
  updatedAt: now,
  providers: providers.map((provider) => ({ provider, displayName: provider, windows: [], error: USAGE_NOT_AVAILABLE }))
})

/** The `Usage` section of `openclaw status --usage`: `X% left` per window, else the provider's error. */
export const usageLines = (usage: UsageReport): ReadonlyArray<string> => {
  if (usage.providers.length === 0) return ["Usage", "No model providers in use (set agents.defaults.model)"]
  return [
    "Usage",
    "Usage:",
    ...usage.providers.flatMap((p) =>
      p.windows.length > 0 ? p.windows.map((w) => `  ${p.displayName} ${w.label}: ${w.percentLeft}% left`) : [`  ${p.displayName}: ${p.error ?? "no usage windows"}`]
    )
  ]
}
