import { IDENTITY_OVERRIDE_ENV, type ServiceIdentity } from "./identity.js"
import type { ServicePlatform } from "./records.js"

/** An ordered list of `KEY=value` pairs: order is part of the rendered bytes. */
export type EnvEntries = ReadonlyArray<readonly [string, string]>

/** Values that may reach the service process but never the service definition itself. */
export const SECRET_ENV_KEYS: ReadonlyArray<string> = ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"]

export const isSecretEnvKey = (key: string) => SECRET_ENV_KEYS.includes(key.toUpperCase())

/** What the managed service environment is computed from. */
export interface ManagedEnvInput {
  readonly identity: ServiceIdentity
  readonly port: number
  readonly version: string
  /** The profile as the CLI resolved it (written so the service resolves the same state dir). */
  readonly profile: string | undefined
  readonly stateDir: string
  readonly configPath: string
  /** `<home>/.openclaw[-<profile>]`: the state dir the service would compute on its own. */
  readonly defaultStateDir: string
  /** `<stateDir>/openclaw.json`: the config path the service would compute from the state dir. */
  readonly defaultConfigPath: string
  /** The service PATH (undefined: inherit, as on Windows). */
  readonly path: string | undefined
  /** Heap limit for the gateway in MiB (written as NODE_OPTIONS); undefined: leave Node's default. */
  readonly heapMiB: number | undefined
}

/**
 * The environment `gateway install` gives the service (spec 1): port, marker, kind, version, profile,
 * native name, state dir and config path when they differ from what the service would compute, a
 * minimal PATH and a heap-only NODE_OPTIONS. Secrets are not part of it.
 */
export const managedServiceEnv = (input: ManagedEnvInput): EnvEntries => {
  const node = input.identity.kind === "node"
  const entries: Array<readonly [string, string]> = [
    // The node host's gateway port is in its arguments (`--port`), not its environment.
    ...(node ? [] : [["OPENCLAW_GATEWAY_PORT", String(input.port)] as const]),
    ["OPENCLAW_SERVICE_MARKER", "openclaw"],
    ["OPENCLAW_SERVICE_KIND", input.identity.kind],
    ["OPENCLAW_SERVICE_VERSION", input.version]
  ]
  const profile = input.profile?.trim()
  if (profile !== undefined && profile !== "") entries.push(["OPENCLAW_PROFILE", profile])
  entries.push([IDENTITY_OVERRIDE_ENV[input.identity.platform], input.identity.name])
  // As the original's node service: its logs and Windows launcher are named `node`.
  if (node) entries.push(["OPENCLAW_LOG_PREFIX", "node"])
  if (node && input.identity.platform === "schtasks") entries.push(["OPENCLAW_TASK_SCRIPT_NAME", "node.cmd"])
  if (input.stateDir !== input.defaultStateDir) entries.push(["OPENCLAW_STATE_DIR", input.stateDir])
  if (input.configPath !== input.defaultConfigPath) entries.push(["OPENCLAW_CONFIG_PATH", input.configPath])
  if (input.path !== undefined) entries.push(["PATH", input.path])
  if (input.heapMiB !== undefined && !node) entries.push(["NODE_OPTIONS", `--max-old-space-size=${input.heapMiB}`])
  return entries
}

/** Keys the CLI and the service must agree on; a difference means they use different state. */
export const DRIFT_ENV_KEYS: ReadonlyArray<string> = ["OPENCLAW_PROFILE", "OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH"]

const MIB = 1024 * 1024

/**
 * Heap for the managed gateway: half the memory, kept within 2048–8192 MiB, but never above 75 % of
 * the memory (native headroom), so a small host can end below the 2048 floor.
 */
export const gatewayHeapMiB = (memoryBytes: number): number => {
  const total = Math.floor(memoryBytes / MIB)
  const target = Math.min(8192, Math.max(2048, Math.floor(total / 2)))
  return Math.max(1, Math.min(target, Math.floor(total * 0.75)))
}

const SYSTEM_PATH: Readonly<Record<ServicePlatform, ReadonlyArray<string>>> = {
  systemd: ["/usr/local/bin", "/usr/bin", "/bin"],
  launchd: ["/opt/homebrew/bin", "/opt/homebrew/sbin", "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"],
  schtasks: []
}

/** A minimal PATH: the Node binary's directory, then the system directories; Windows inherits its PATH. */
export const minimalServicePath = (platform: ServicePlatform, nodeBinDir: string): string | undefined => {
  if (platform === "schtasks") return undefined
  return [...new Set([nodeBinDir, ...SYSTEM_PATH[platform]])].join(":")
}

/** Tokens and passwords must fit on one line of an env file. */
export const invalidSecretReason = (value: string): string | undefined => {
  if (value.trim() === "") return "must not be empty"
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain control characters or line breaks"
  return undefined
}

const SYSTEMD_BARE = /^[A-Za-z0-9_./:,@%+=-]*$/

/** One value in systemd `EnvironmentFile=` syntax: bare when safe, else double-quoted with `\ " $ `` escaped. */
export const systemdEnvValue = (value: string) =>
  value !== "" && SYSTEMD_BARE.test(value) ? value : `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`

const ENV_FILE_HEADER = "# Managed by OpenClaw: the gateway service environment. Regenerated by `openclaw gateway install --force`."

/** The systemd `EnvironmentFile=` text (0600 file, the only place the service's secrets live on Linux). */
export const renderSystemdEnvFile = (entries: EnvEntries): string =>
  [ENV_FILE_HEADER, ...entries.map(([key, value]) => `${key}=${systemdEnvValue(value)}`), ""].join("\n")

/** A value in POSIX shell syntax: single-quoted, `'` spelled `'\''`. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`

/** The env file the launchd wrapper sources (`set -a; . file`): secrets only, shell syntax. */
export const renderShellEnvFile = (entries: EnvEntries): string =>
  [ENV_FILE_HEADER, ...entries.map(([key, value]) => `${key}=${shellQuote(value)}`), ""].join("\n")

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/

/** Reads `KEY=value` lines, unquoting single quotes (literal) and double quotes (backslash escapes). */
const parseEnvLines = (text: string, unquote: (raw: string) => string): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue
    const match = KEY.exec(line.startsWith("export ") ? line.slice(7).trim() : line)
    if (match?.[1] === undefined || match[2] === undefined) continue
    env[match[1]] = unquote(match[2])
  }
  return env
}

const unquoteMixed = (raw: string): string => {
  let out = ""
  let i = 0
  while (i < raw.length) {
    const c = raw[i] as string
    if (c === "'") {
      const end = raw.indexOf("'", i + 1)
      out += raw.slice(i + 1, end === -1 ? raw.length : end)
      i = end === -1 ? raw.length : end + 1
    } else if (c === "\"") {
      i++
      while (i < raw.length && raw[i] !== "\"") {
        if (raw[i] === "\\" && i + 1 < raw.length) i++
        out += raw[i]
        i++
      }
      i++
    } else if (c === "\\" && i + 1 < raw.length) {
      out += raw[i + 1]
      i += 2
    } else {
      out += c
      i++
    }
  }
  return out
}

/** Parses a systemd `EnvironmentFile=` (also reads the shell-quoted launchd env file). */
export const parseEnvFile = (text: string): Record<string, string> => parseEnvLines(text, unquoteMixed)

/** Replaces secret values with `***` for display and `--json`. */
export const redactEnv = (env: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([key, value]) => [key, isSecretEnvKey(key) && value !== "" ? "***" : value]))
