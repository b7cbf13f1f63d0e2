/** The original OpenClaw doctor's user-facing strings, kept verbatim. */

export const PREFIX_REMOVED = "Removed non-JSON prefix from openclaw.json; original saved as .clobbered.*."
export const LAST_GOOD_RESTORED = "Restored openclaw.json from last-known-good; original saved as .clobbered.*."
export const BEST_EFFORT_CONFIG = "Config invalid; doctor will run with best-effort config."
export const GATEWAY_MODE_UNSET = "gateway.mode is unset; gateway start will be blocked."
export const SERVICE_EXTERNAL =
  "Gateway service is managed externally; skipped service install/start repair. Start or repair the gateway through your supervisor."
export const TOKEN_CONFIGURED = "Gateway token configured."
export const TOKEN_SECRET_REF_SKIPPED =
  "Gateway token generation skipped because a SecretRef is configured. Doctor will not overwrite gateway.auth.token with a plaintext value."
export const NIX_MODE_REPAIRS_DISABLED =
  "Nix mode (OPENCLAW_NIX_MODE=1): doctor repairs are disabled because openclaw.json is immutable; edit the Nix source for this install instead."

/** `doctor --fix` could not parse the config and had nothing to restore: the file stays as it is. */
export const unrecoverableConfig = (path: string) =>
  `Config at ${path} is not parseable and cannot be repaired automatically. The file remains unchanged. Inspect the exact parse error with \`openclaw config validate\`, then hand-edit the file; or move it aside and run \`openclaw onboard\` to generate a fresh config.`

/** Logged once when the `.clobbered.*` ring is full and the oldest copies are rotated out. */
export const clobberCapReached = (path: string, existing: number) =>
  `Config clobber snapshot cap reached for ${path}: ${existing} existing .clobbered.* files; rotating oldest snapshots to preserve the latest forensic copy.`
