import type { PathSegment } from "../ConfigPath.js"

/** `config set`'s provider builder flags (`--provider-*`), as given. */
export interface ProviderFlags {
  readonly source: string | undefined
  readonly timeoutMs: number | undefined
  readonly allowlist: ReadonlyArray<string>
  readonly path: string | undefined
  readonly mode: string | undefined
  readonly maxBytes: number | undefined
  readonly command: string | undefined
  readonly args: ReadonlyArray<string>
  readonly noOutputTimeoutMs: number | undefined
  readonly maxOutputBytes: number | undefined
  readonly jsonOnly: boolean
  readonly env: ReadonlyArray<string>
  readonly passEnv: ReadonlyArray<string>
  readonly trustedDirs: ReadonlyArray<string>
}

/** Whether any `--provider-*` flag was given (builder mode). */
export const usesProviderBuilder = (flags: ProviderFlags): boolean =>
  Object.values(flags).some((value) => (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false))

// Which flags belong to which source: one given with another source is a mistake worth naming.
const ONLY_FOR: ReadonlyArray<readonly [flag: string, sources: ReadonlyArray<string>, given: (f: ProviderFlags) => boolean]> = [
  ["--provider-timeout-ms", ["file", "exec"], (f) => f.timeoutMs !== undefined],
  ["--provider-allowlist", ["env"], (f) => f.allowlist.length > 0],
  ["--provider-path", ["file"], (f) => f.path !== undefined],
  ["--provider-mode", ["file"], (f) => f.mode !== undefined],
  ["--provider-max-bytes", ["file"], (f) => f.maxBytes !== undefined],
  ["--provider-command", ["exec"], (f) => f.command !== undefined],
  ["--provider-arg", ["exec"], (f) => f.args.length > 0],
  ["--provider-no-output-timeout-ms", ["exec"], (f) => f.noOutputTimeoutMs !== undefined],
  ["--provider-max-output-bytes", ["exec"], (f) => f.maxOutputBytes !== undefined],
  ["--provider-json-only", ["exec"], (f) => f.jsonOnly],
  ["--provider-env", ["exec"], (f) => f.env.length > 0],
  ["--provider-pass-env", ["exec"], (f) => f.passEnv.length > 0],
  ["--provider-trusted-dir", ["exec"], (f) => f.trustedDirs.length > 0]
]

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * The `secrets.providers.<alias>` entry the flags describe, as the original writes it, or why they do not
 * make one (naming the flag and what to do).
 */
export const buildSecretProvider = (path: ReadonlyArray<PathSegment>, flags: ProviderFlags): { readonly provider: Record<string, unknown> } | { readonly error: string } => {
  if (path.length !== 3 || path[0] !== "secrets" || path[1] !== "providers" || typeof path[2] !== "string" || path[2] === "") {
    return { error: "Provider builder flags (--provider-*) target secrets.providers.<alias> only, e.g. openclaw config set secrets.providers.vault --provider-source exec --provider-command /usr/local/bin/vault-resolver" }
  }
  const source = flags.source
  if (source === undefined) return { error: "Provider builder mode needs --provider-source <env|file|exec|store>." }
  for (const [flag, sources, given] of ONLY_FOR) {
    if (given(flags) && !sources.includes(source)) return { error: `${flag} applies to --provider-source ${sources.join(" or ")}, not ${source}.` }
  }
  for (const [flag, value] of [["--provider-timeout-ms", flags.timeoutMs], ["--provider-max-bytes", flags.maxBytes], ["--provider-no-output-timeout-ms", flags.noOutputTimeoutMs], ["--provider-max-output-bytes", flags.maxOutputBytes]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value <= 0)) return { error: `${flag} must be a positive whole number, got ${value}.` }
  }
  for (const name of [...flags.allowlist, ...flags.passEnv]) {
    if (!ENV_NAME.test(name)) return { error: `"${name}" is not an environment variable name (letters, digits and _, not starting with a digit).` }
  }
  const timeout = flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs }
  switch (source) {
    case "env":
      return { provider: { source, ...(flags.allowlist.length === 0 ? {} : { allowlist: [...flags.allowlist] }) } }
    case "store":
      return { provider: { source } }
    case "file":
      if (flags.path === undefined || flags.path.trim() === "") return { error: "A file provider needs --provider-path <path>." }
      return { provider: { source, path: flags.path, ...(flags.mode === undefined ? {} : { mode: flags.mode }), ...timeout, ...(flags.maxBytes === undefined ? {} : { maxBytes: flags.maxBytes }) } }
    case "exec": {
      if (flags.command === undefined || flags.command.trim() === "") return { error: "An exec provider needs --provider-command <absolute path>." }
      if (!flags.command.startsWith("/")) return { error: `--provider-command must be an absolute path (the resolver runs without a shell), got "${flags.command}".` }
      const env: Record<string, string> = {}
      for (const pair of flags.env) {
        const eq = pair.indexOf("=")
        if (eq <= 0 || !ENV_NAME.test(pair.slice(0, eq))) return { error: `--provider-env takes KEY=VALUE, got "${pair}".` }
        env[pair.slice(0, eq)] = pair.slice(eq + 1)
      }
      return {
        provider: {
          source,
          command: flags.command,
          ...(flags.args.length === 0 ? {} : { args: [...flags.args] }),
          ...timeout,
          ...(flags.noOutputTimeoutMs === undefined ? {} : { noOutputTimeoutMs: flags.noOutputTimeoutMs }),
          ...(flags.maxOutputBytes === undefined ? {} : { maxOutputBytes: flags.maxOutputBytes }),
          ...(flags.jsonOnly ? { jsonOnly: true } : {}),
          ...(flags.env.length === 0 ? {} : { env }),
          ...(flags.passEnv.length === 0 ? {} : { passEnv: [...flags.passEnv] }),
          ...(flags.trustedDirs.length === 0 ? {} : { trustedDirs: [...flags.trustedDirs] })
        }
      }
    }
    default:
      return { error: `--provider-source must be env, file, exec or store, got "${source}".` }
  }
}
