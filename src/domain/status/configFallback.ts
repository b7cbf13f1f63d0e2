/** What an inspection command knows about the config it could not use, and what it used instead. */
export interface ConfigFallback {
  readonly exists: boolean
  readonly valid: boolean
  /** The config path as shown to the user (home shortened). */
  readonly shownPath: string
  /** The target used instead, in words: `port 18789 (default), bind loopback`. */
  readonly target: string
}

/**
 * What `status`, `gateway status` and `gateway probe` say when the config exists but cannot be used:
 * the report goes on with fallback values and names them, so a probe of the defaults is never
 * mistaken for the configured gateway.
 */
export const configFallbackLines = (input: ConfigFallback): ReadonlyArray<string> =>
  !input.exists || input.valid
    ? []
    : [
      `Config invalid: ${input.shownPath}; this report falls back to ${input.target}, local mode and no credentials from the config (only --token/--password or OPENCLAW_GATEWAY_TOKEN/_PASSWORD).`,
      "Fix: openclaw doctor --fix  (or openclaw config validate to list the problems)"
    ]

/** The fallback of a `gateway status` report: its own config facts and the port it resolved. */
export const statusFallback = (
  report: { readonly config: { readonly cli: { readonly path: string; readonly exists: boolean; readonly valid: boolean } }; readonly gateway: { readonly port: number; readonly portSource: string } },
  shorten: (file: string) => string
): ConfigFallback => ({
  exists: report.config.cli.exists,
  valid: report.config.cli.valid,
  shownPath: shorten(report.config.cli.path),
  target: `port ${report.gateway.port} (${report.gateway.portSource}), bind loopback`
})
