import type { ServicePlatform } from "./records.js"

/** Which program a service runs: the gateway, or the headless node host (`openclaw node run`). */
export type ServiceKind = "gateway" | "node"

/** Who a service is on one platform: its native name and how status labels it. */
export interface ServiceIdentity {
  readonly platform: ServicePlatform
  readonly kind: ServiceKind
  /** systemd unit file name, launchd label or scheduled task name. */
  readonly name: string
  /** `systemd user`, `LaunchAgent`, `Scheduled Task`. */
  readonly label: string
  /** The profile as the platform spells it (lowercase on launchd and Task Scheduler); undefined for the default. */
  readonly profile: string | undefined
}

export const SERVICE_LABELS: Readonly<Record<ServicePlatform, string>> = {
  systemd: "systemd user",
  launchd: "LaunchAgent",
  schtasks: "Scheduled Task"
}

/** Env vars that pin the native name instead of deriving it from the profile. */
export const IDENTITY_OVERRIDE_ENV: Readonly<Record<ServicePlatform, string>> = {
  systemd: "OPENCLAW_SYSTEMD_UNIT",
  launchd: "OPENCLAW_LAUNCHD_LABEL",
  schtasks: "OPENCLAW_WINDOWS_TASK_NAME"
}

const trimmed = (value: string | undefined) => (value !== undefined && value.trim() !== "" ? value.trim() : undefined)

/** The profile with `default` and blanks meaning "no profile". */
export const normalizeProfile = (profile: string | undefined): string | undefined => {
  const value = trimmed(profile)
  return value === undefined || value.toLowerCase() === "default" ? undefined : value
}

// Unit names and launchd labels allow a small alphabet; anything else becomes `-`.
const nameSafe = (profile: string) => profile.replace(/[^A-Za-z0-9._-]/g, "-")
// Task names may not contain the characters Windows forbids in file names.
const taskSafe = (profile: string) => profile.replace(/[\\/:*?"<>|]/g, "-")

/** The profile as one platform spells it: lowercase on macOS and Windows, unchanged for systemd. */
export const nativeProfile = (platform: ServicePlatform, profile: string | undefined): string | undefined => {
  const normalized = normalizeProfile(profile)
  if (normalized === undefined) return undefined
  return platform === "systemd" ? nameSafe(normalized) : platform === "launchd" ? nameSafe(normalized).toLowerCase() : taskSafe(normalized).toLowerCase()
}

/** The native name for a profile: `openclaw-gateway[-p].service`, `ai.openclaw.gateway`/`ai.openclaw.<p>`, `OpenClaw Gateway[ (p)]`. */
export const serviceName = (platform: ServicePlatform, profile: string | undefined): string => {
  const native = nativeProfile(platform, profile)
  switch (platform) {
    case "systemd":
      return native === undefined ? "openclaw-gateway.service" : `openclaw-gateway-${native}.service`
    case "launchd":
      return native === undefined ? "ai.openclaw.gateway" : `ai.openclaw.${native}`
    case "schtasks":
      return native === undefined ? "OpenClaw Gateway" : `OpenClaw Gateway (${native})`
  }
}

/** The node host's fixed names, as the original's: one node service per account, whatever the profile. */
export const NODE_SERVICE_NAMES: Readonly<Record<ServicePlatform, string>> = {
  systemd: "openclaw-node.service",
  launchd: "ai.openclaw.node",
  schtasks: "OpenClaw Node"
}

/**
 * The service identity for this platform, profile and kind. For the gateway an explicit name in `OPENCLAW_SYSTEMD_UNIT`,
 * `OPENCLAW_LAUNCHD_LABEL` or `OPENCLAW_WINDOWS_TASK_NAME` wins (a unit name gains `.service`).
 */
export const serviceIdentity = (
  platform: ServicePlatform,
  profile: string | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
  kind: ServiceKind = "gateway"
): ServiceIdentity => {
  // The node service's names are pinned (the original forces them over any override in the environment).
  if (kind === "node") return { platform, kind, name: NODE_SERVICE_NAMES[platform], label: SERVICE_LABELS[platform], profile: undefined }
  const override = trimmed(env[IDENTITY_OVERRIDE_ENV[platform]])
  const name = override === undefined
    ? serviceName(platform, profile)
    : platform === "systemd" && !override.endsWith(".service") ? `${override}.service` : override
  return { platform, kind, name, label: SERVICE_LABELS[platform], profile: nativeProfile(platform, profile) }
}

/** The human description written into the definition: `OpenClaw Gateway (profile: work, v2026.11.25)`. */
export const serviceDescription = (profile: string | undefined, version: string): string => {
  const parts = [...(profile === undefined ? [] : [`profile: ${profile}`]), ...(version.trim() === "" ? [] : [`v${version.trim()}`])]
  return parts.length === 0 ? "OpenClaw Gateway" : `OpenClaw Gateway (${parts.join(", ")})`
}

/** The state dir a service process computes for itself from its own home and profile. */
export const defaultStateDirName = (profile: string | undefined): string => {
  const normalized = trimmed(profile)
  return normalized === undefined ? ".openclaw" : `.openclaw-${normalized}`
}
