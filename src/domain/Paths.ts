import { Schema } from "effect"
import * as path from "node:path"
import { nonEmpty } from "./text/nonEmpty.js"

/** The process facts paths depend on (a snapshot, so resolution stays pure and testable). */
export interface HostFacts {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly osHome: string
  readonly cwd: string
}

/** Root options that pick an isolated install: `--profile <name>` and `--dev`. */
export interface ProfileOptions {
  readonly profile?: string | undefined
  readonly dev?: boolean | undefined
}

/** Where this install keeps its files. */
export interface ResolvedPaths {
  readonly home: string
  readonly stateDir: string
  readonly configPath: string
  readonly profile: string | undefined
  readonly dev: boolean
  /** True when the state dir is the canonical `<OS home>/.openclaw[-<profile>]`, the only one allowed to touch the host service. */
  readonly canonical: boolean
}

/** The rule a profile name follows, as error messages state it. */
export const PROFILE_NAME_RULE = "a profile name is one path segment: letters, digits, '-', '_' or '.', and not '.' or '..'"

/** True when `name` can only ever name the one folder `~/.openclaw-<name>`: no separators, no traversal. */
export const isSafeProfileName = (name: string) => /^[A-Za-z0-9._-]+$/.test(name) && name !== "." && name !== ".."

/** `--profile` (or `OPENCLAW_PROFILE`) is not a safe folder name; nothing was read or written. */
export class InvalidProfileName extends Schema.TaggedError<InvalidProfileName>()("InvalidProfileName", {
  code: Schema.tag("INVALID_PROFILE"),
  message: Schema.String,
  /** Where the name came from: `--profile` or `OPENCLAW_PROFILE`. */
  source: Schema.String
}) {}

/** The error for the profile `resolvePaths` would use, when that name is not safe; undefined when it is. */
export const profileNameError = (host: Pick<HostFacts, "env">, options: ProfileOptions = {}): InvalidProfileName | undefined => {
  const flag = nonEmpty(options.profile)
  const env = options.dev === true ? undefined : nonEmpty(host.env["OPENCLAW_PROFILE"])
  const [source, name] = flag !== undefined ? ["--profile", flag] : env !== undefined ? ["OPENCLAW_PROFILE", env] : [undefined, undefined]
  if (source === undefined || name === undefined || isSafeProfileName(name)) return undefined
  return new InvalidProfileName({ message: `${source} ${JSON.stringify(name)} is not allowed: ${PROFILE_NAME_RULE}.`, source })
}

export const DEFAULT_GATEWAY_PORT = 18789
export const DEV_GATEWAY_PORT = 19001

/** `~` and `~/...` under `home`; anything else as given. */
export const expandTilde = (input: string, home: string) =>
  input === "~" ? home : input.startsWith("~/") || input.startsWith("~\\") ? path.join(home, input.slice(2)) : input

/** Home: `OPENCLAW_HOME` > `HOME` > `USERPROFILE` > the OS home directory. */
export const resolveHome = (host: HostFacts): string => {
  const explicit = nonEmpty(host.env["OPENCLAW_HOME"])
  if (explicit !== undefined) return path.resolve(host.cwd, expandTilde(explicit, host.osHome))
  return nonEmpty(host.env["HOME"]) ?? nonEmpty(host.env["USERPROFILE"]) ?? host.osHome
}

/** Resolves home, state dir and config path from env and root options (spec section 1). */
export const resolvePaths = (host: HostFacts, options: ProfileOptions = {}): ResolvedPaths => {
  const home = resolveHome(host)
  const dev = options.dev === true
  const profile = nonEmpty(options.profile) ?? (dev ? "dev" : nonEmpty(host.env["OPENCLAW_PROFILE"]))
  const profileDir = path.join(home, profile === undefined ? ".openclaw" : `.openclaw-${profile}`)
  const stateOverride = nonEmpty(host.env["OPENCLAW_STATE_DIR"])
  const stateDir = stateOverride === undefined ? profileDir : path.resolve(host.cwd, expandTilde(stateOverride, home))
  const configOverride = nonEmpty(host.env["OPENCLAW_CONFIG_PATH"])
  const configPath = configOverride === undefined
    ? path.join(stateDir, "openclaw.json")
    : path.resolve(host.cwd, expandTilde(configOverride, home))
  const canonicalDir = path.join(host.osHome, profile === undefined ? ".openclaw" : `.openclaw-${profile}`)
  return {
    home,
    stateDir,
    configPath,
    profile,
    dev,
    canonical: stateDir === canonicalDir && configPath === path.join(canonicalDir, "openclaw.json")
  }
}

/** Where a port came from, for status output (`Gateway: ... port=18789 (config)`). */
export type PortSource = "flag" | "env" | "config" | "dev" | "default"

/** Port precedence: `--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > 19001 with `--dev` > 18789. */
export const resolveGatewayPort = (input: {
  readonly flag?: number | undefined
  readonly env: Readonly<Record<string, string | undefined>>
  readonly configPort?: number | undefined
  readonly dev?: boolean | undefined
}): { readonly port: number; readonly source: PortSource } => {
  if (input.flag !== undefined) return { port: input.flag, source: "flag" }
  const fromEnv = nonEmpty(input.env["OPENCLAW_GATEWAY_PORT"])
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) {
    const port = Number(fromEnv)
    if (port > 0 && port < 65536) return { port, source: "env" }
  }
  if (input.configPort !== undefined) return { port: input.configPort, source: "config" }
  if (input.dev === true) return { port: DEV_GATEWAY_PORT, source: "dev" }
  return { port: DEFAULT_GATEWAY_PORT, source: "default" }
}

/** Legacy env prefixes the original once read; they are ignored now, with one warning. */
export const legacyEnvWarning = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const names = Object.keys(env).filter((name) => /^(CLAWDBOT|MOLTBOT)_/.test(name)).sort()
  return names.length === 0
    ? undefined
    : `OPENCLAW_LEGACY_ENV_VARS: ignoring legacy environment variables (${names.join(", ")}); rename them to OPENCLAW_*.`
}
